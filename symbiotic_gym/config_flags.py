"""Command-line flags generated from a config dataclass, so a CLI never repeats the config field by field.

Each field becomes ``--field-name`` typed from its annotation. ``field(metadata=...)`` may say ``help``,
``choices``, ``metavar``, and ``flag`` (another flag name; for a bool whose default is True, a flag that
turns it off, e.g. ``--no-audit``). Fields whose type is not a plain scalar (dicts, callables) are skipped
unless a CLI adds its own flag for them.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any

SCALARS = (str, int, float, bool)


def _scalar(hint: Any) -> type | None:
    """The scalar type of ``X``, ``X | None`` or ``X | Path | None`` (str wins over Path); else None."""
    if hint in SCALARS:
        return hint
    args = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else ()
    found = [a for a in args if a in SCALARS]
    return found[0] if found else None


def add_dataclass_flags(
    parser: argparse.ArgumentParser | Any,
    cls: type,
    *,
    skip: tuple[str, ...] = (),
    rename: dict[str, str] | None = None,
    unset_defaults: bool = False,
) -> list[str]:
    """Add one flag per scalar field of ``cls``; returns the field names that got a flag.

    ``unset_defaults``: every flag defaults to None (a CLI that layers flags over a config file then knows
    which were given).
    """
    hints = typing.get_type_hints(cls)
    added = []
    for f in dataclasses.fields(cls):
        kind = _scalar(hints.get(f.name))
        if f.name in skip or kind is None:
            continue
        meta = f.metadata
        default = None if f.default is dataclasses.MISSING else f.default
        flag = meta.get("flag") or "--" + (rename or {}).get(f.name, f.name).replace("_", "-")
        text = str(meta.get("help", ""))
        kwargs: dict[str, Any] = {"dest": f.name}
        if kind is bool:
            kwargs["action"] = "store_false" if default is True else "store_true"
            kwargs["default"] = None if unset_defaults else default
        else:
            kwargs["type"] = kind
            kwargs["default"] = None if unset_defaults else default
            if "choices" in meta:
                kwargs["choices"] = tuple(meta["choices"])
            if "metavar" in meta:
                kwargs["metavar"] = meta["metavar"]
            if default is not None and not unset_defaults:
                text = (
                    f"{text} (default: {default:g})" if isinstance(default, float) else f"{text} (default: {default})"
                )
        kwargs["help"] = text.replace("%", "%%")
        parser.add_argument(flag, **kwargs)
        added.append(f.name)
    return added


def dataclass_values(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """The parsed values of the generated flags (None where a flag with ``unset_defaults`` was not given)."""
    return {n: getattr(args, n) for n in names}
