"""Option tables of the docs, generated from the CLIs' parsers (which the config dataclasses generate).

``python -m benchmarks.docs_tables`` rewrites every generated table in docs/ in place; ``--check`` exits 1
if one has drifted (the default test run checks). A table sits between two marker comments in a page:

    <!-- options: benchmarks.run -->
    ...generated...
    <!-- /options -->
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"(<!-- options: ([\w.]+) -->\n)(.*?)(<!-- /options -->)", re.S)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def options_table(parser: argparse.ArgumentParser) -> str:
    """A Markdown table of a parser's options: flag (with its value) and its help (with the default)."""
    rows = ["| option | meaning |", "| --- | --- |"]
    for action in parser._actions:  # argparse has no public accessor for its actions
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        flags = ", ".join(f"`{s}`" for s in action.option_strings)
        if action.nargs != 0:
            value = "|".join(map(str, action.choices)) if action.choices else (action.metavar or action.dest.upper())
            flags += f" `{value}`"
        text = action.help or ""
        if action.nargs != 0 and action.default not in (None, []) and "default" not in text:
            text += f" (default: {action.default})"
        rows.append(f"| {_cell(flags)} | {_cell(text)} |")
    return "\n".join(rows) + "\n"


def parser_of(module: str) -> argparse.ArgumentParser:
    """The parser of a CLI module, which declares it as ``build_parser()``."""
    return importlib.import_module(module).build_parser()


def render(text: str) -> str:
    """The page with every generated table brought up to date."""
    return BLOCK.sub(lambda m: m.group(1) + options_table(parser_of(m.group(2))) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.docs_tables", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a table in docs/ differs from its CLI")
    args = ap.parse_args(argv)
    stale = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            stale.append(page.name)
            if not args.check:
                page.write_text(new, encoding="utf-8")
    if args.check and stale:
        print(f"option tables out of date in {', '.join(stale)}: run python -m benchmarks.docs_tables", file=sys.stderr)
        return 1
    print(("rewrote " if stale else "up to date: ") + (", ".join(stale) or "every generated table"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
