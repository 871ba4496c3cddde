"""Which floating-point precision the in-process models use, decided in one place.

bfloat16 halves memory traffic and, where the hardware has bfloat16 matrix units, multiplies much faster
(measurements: docs/design-notes.md). A CPU without those instructions emulates bfloat16 and is slower
than float32, so ``auto`` picks bfloat16 only where it is native: CUDA devices that support it, and CPUs
with AMX tiles or AVX512-BF16 (the instructions oneDNN dispatches bfloat16 products to).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DTYPES = ("auto", "float32", "bfloat16")
_CPU_BF16_FLAGS = frozenset({"amx_bf16", "avx512_bf16"})


def check_dtype(choice: str) -> str:
    if choice not in DTYPES:
        from symbiotic_gym.errors import SymbioticGymError

        raise SymbioticGymError(f"precision must be one of {', '.join(DTYPES)}, got {choice!r}")
    return choice


@cache
def cpu_native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (Linux: its flags, no torch import; else torch's check)."""
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text(errors="replace").splitlines():
            if line.startswith("flags"):
                return bool(_CPU_BF16_FLAGS & set(line.split(":", 1)[-1].split()))
        return False
    import torch

    checks = [getattr(torch.cpu, name, None) for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported")]
    return any(bool(check()) for check in checks if callable(check))


def native_bf16(device: str) -> bool:
    """Whether ``device`` ("cpu", "cuda", "cuda:1") computes bfloat16 matrix products in hardware."""
    if device.startswith("cuda"):
        import torch

        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return cpu_native_bf16()


def resolve_dtype(choice: str, device: str) -> str:
    """``float32`` or ``bfloat16`` for a user's choice (``auto``: bfloat16 where it is native)."""
    if check_dtype(choice) != "auto":
        return choice
    return "bfloat16" if native_bf16(device) else "float32"
