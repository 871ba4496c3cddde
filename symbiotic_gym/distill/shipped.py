"""The distilled student shipped inside the package: the embedded suite's default small model.

It is a LoRA adapter (safetensors) on the bundled SmolLM2-135M-Instruct, trained by this project on the
embedded suite's train split (``scripts/train-student.sh`` reproduces it), with its ``prompt_format.json``,
data card, ``train_stats.json`` and loss plot in the same folder. The ``small`` role defaults to it when it
is present; otherwise to the bundled base model.
"""

from __future__ import annotations

from pathlib import Path

SHIPPED_STUDENT = Path(__file__).resolve().parent.parent / "models" / "embedded-student"


def shipped_student() -> Path | None:
    """The shipped adapter's folder, or None when this install has none."""
    return SHIPPED_STUDENT if (SHIPPED_STUDENT / "adapter_model.safetensors").exists() else None


def default_small_spec() -> str:
    """``local:<shipped adapter>`` when it is installed, else ``local`` (the bundled base model)."""
    path = shipped_student()
    return f"local:{path}" if path else "local"
