"""Atomic file writes: a whole file is written to a temporary name beside it, synced, and renamed over the
target, so a reader (or a run resumed after a kill) sees the old file or the new one, never half of one.

Shared by the run directory (:mod:`symbiotic_gym.results.run_dir`), the model-call cache
(:mod:`symbiotic_gym.llm.cache`) and the datasets, which otherwise have nothing to do with each other.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
