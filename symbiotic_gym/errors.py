"""Exceptions that say what went wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable


class SymbioticGymError(Exception):
    """Base class of every error raised on purpose by symbiotic-gym."""


class ChromiumNotFoundError(SymbioticGymError):
    pass


class BrowserCrashedError(SymbioticGymError):
    """The browser died mid-episode (killed, out of memory); the episode cannot go on in it."""


class TaskConfigError(SymbioticGymError):
    """A task file is malformed; the message names the file and the field."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        super().__init__(f"{path}: field '{field}': {problem}")
        self.path = path
        self.field = field


class UnknownTaskError(SymbioticGymError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def did_you_mean(word: str, known: Iterable[str], n: int = 1) -> str:
    """The hint every "unknown name" error ends with: `` Did you mean 'x'?`` (or ``'x' or 'y'``) for the closest
    known names, or nothing when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(known), n=n)
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def reject_unknown_fields(cls: type, data: object, source: str) -> None:
    """A config read from a file must only name the dataclass's fields; say which are unknown and which exist."""
    import dataclasses

    if not isinstance(data, dict):
        raise SymbioticGymError(f"{source}: expected a mapping of {cls.__name__} fields, got {type(data).__name__}")
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - known)
    if unknown:
        raise SymbioticGymError(f"{source}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
