"""Loading an object named ``package.module:attribute`` (agents, suites, BrowserGym agents given by name)."""

from __future__ import annotations

import importlib
from typing import Any


def import_object(spec: str) -> Any:
    """The object ``spec`` names: ``package.module:Name`` or ``package.module:Outer.Inner``.

    Raises ImportError or AttributeError (callers turn them into errors that say what was being loaded).
    """
    module, _, attr = spec.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj
