"""Redaction with typed placeholders: ``4539 1488 0343 6467`` -> ``[PAYMENT_CARD]``.

Used for the knowledge base (nothing private is indexed), trajectory export and the cloud-request audit
log. Placeholders keep the kind of value, so a redacted trajectory still reads ("typed [PASSWORD] into
the password field") without the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from symbiotic_gym.privacy.detector import Detector, Finding, default_detector


def placeholder(kind: str) -> str:
    return f"[{kind.upper()}]"


def redaction_spans(findings: Iterable[Finding]) -> list[tuple[int, int, Finding]]:
    """The stretches redaction replaces, in order, each with the finding that names it: overlapping findings
    (a phone inside an address block) make one stretch, named by the first."""
    spans: list[tuple[int, int, Finding]] = []
    for f in sorted(findings, key=lambda f: f.start):
        if spans and f.start < spans[-1][1]:
            start, end, first = spans[-1]
            spans[-1] = (start, max(end, f.end), first)
        else:
            spans.append((f.start, f.end, f))
    return spans


def apply_redactions(
    text: str, findings: Iterable[Finding], *, mark: Callable[[int, Finding], str] | None = None
) -> str:
    """``text`` with each of :func:`redaction_spans` replaced by its finding's typed placeholder, or by
    ``mark(k, finding)`` for the ``k``-th stretch (from 1)."""
    out, pos = [], 0
    for k, (start, end, f) in enumerate(redaction_spans(findings), 1):
        out += [text[pos:start], mark(k, f) if mark else placeholder(f.type)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact(text: str, detector: Detector | None = None, *, extra_values: Iterable[str] = ()) -> str:
    """``text`` with every private finding (and every exact ``extra_values`` occurrence) replaced."""
    det = detector or default_detector()
    redacted = apply_redactions(text, det.scan(text))
    for value in sorted({v for v in extra_values if v}, key=len, reverse=True):
        redacted = redacted.replace(value, placeholder("private"))
    return redacted


def redact_obj(obj: Any, detector: Detector | None = None, *, extra_values: Iterable[str] = ()) -> Any:
    """Redact every string inside a JSON-like object (dicts, lists), keys included."""
    values = tuple(extra_values)
    if isinstance(obj, str):
        return redact(obj, detector, extra_values=values)
    if isinstance(obj, dict):
        return {
            redact_obj(k, detector, extra_values=values): redact_obj(v, detector, extra_values=values)
            for k, v in obj.items()
        }
    if isinstance(obj, (list, tuple)):
        return [redact_obj(v, detector, extra_values=values) for v in obj]
    return obj
