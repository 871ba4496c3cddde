"""Private-data detection and redaction (local, no network, no model download)."""

from __future__ import annotations

from symbiotic_gym.privacy.detector import TYPES, Detector, Finding, Policy, default_detector
from symbiotic_gym.privacy.redact import apply_redactions, placeholder, redact, redact_obj, redaction_spans

__all__ = [
    "TYPES",
    "Detector",
    "Finding",
    "Policy",
    "apply_redactions",
    "default_detector",
    "placeholder",
    "redact",
    "redact_obj",
    "redaction_spans",
]
