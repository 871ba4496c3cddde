"""File names for task ids and other names that come from users: one function, and they stay in their folder.

Task ids come from suites, task files and command lines; used as file names as they are, an id ``maze/*``
would write a subfolder and a file named ``*``, and an id ``../escape`` would write outside the run's
``trajectories/``. :func:`file_name` maps any name to one path component that cannot leave its folder:
every character but ASCII letters, digits and ``. _ - ~`` is percent-encoded (``/`` -> ``%2F``, ``*`` ->
``%2A``, NUL -> ``%00``, ``%`` -> ``%25``), a leading dot too (so ``..`` and hidden names cannot be made),
and :func:`name_of_file` reverses it. Ids made only of safe characters (every built-in suite's) keep their
names, so earlier run directories read the same. A name whose encoding would pass :data:`MAX_NAME`
characters keeps its start and ends with a hash of the whole name (unique, no longer reversible: the
records keep the id itself). The standard library's ``urllib.parse.quote`` does the encoding.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote, unquote

from symbiotic_gym.errors import SymbioticGymError

# file systems allow 255 bytes per name; room is left for suffixes such as ".response.json" and ".har.gz"
MAX_NAME = 200
_SAFE = "._-~"


class UnsafeNameError(SymbioticGymError):
    """A name that cannot be a file name at all (empty, or not a string)."""


def file_name(name: str) -> str:
    """One path component for ``name`` that stays inside any folder it is joined to (see the module doc)."""
    if not isinstance(name, str) or name == "":
        raise UnsafeNameError(f"A task id or name must be a non-empty string to name a file, got {name!r}.")
    encoded = quote(name, safe=_SAFE)
    if encoded.startswith("."):
        encoded = "%2E" + encoded[1:]
    if len(encoded) > MAX_NAME:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        encoded = f"{encoded[: MAX_NAME - 18].rstrip('%0123456789ABCDEF')}--{digest}"
    return encoded


def name_of_file(encoded: str) -> str:
    """The name :func:`file_name` encoded (for names that were not shortened)."""
    return unquote(encoded)


def inside(folder: Path, name: str, suffix: str = "") -> Path:
    """``folder / (file_name(name) + suffix)``, checked to be directly inside ``folder``."""
    path = folder / f"{file_name(name)}{suffix}"
    if path.parent != folder or path.name in (".", ".."):
        raise UnsafeNameError(f"{name!r} does not make a file name inside {folder}.")
    return path
