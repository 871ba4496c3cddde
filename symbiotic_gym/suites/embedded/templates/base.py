"""What every template module builds on: the template registry, the site databases, task and step builders.

A template is a function yielding task dicts (:func:`task`), registered with :func:`template`; the driver
(:mod:`symbiotic_gym.suites.embedded.generate`) runs every registered template and assigns the splits.
Start URLs name sites by placeholder (``SHOP`` is ``__SHOP__``), replaced by the suite when it serves them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.sites import load_app
from symbiotic_gym.suites.embedded.sites.common import password_hash

ME = data.PEOPLE[0]  # emma.lopez, the user every login task acts for
SHOP, FORUM, TRACKER, ADMIN = "__SHOP__", "__FORUM__", "__TRACKER__", "__ADMIN__"
DB: dict[str, sqlite3.Connection] = {}
TEMPLATES: list[Callable[[], Iterator[dict[str, Any]]]] = []
META: dict[Callable[..., Any], dict[str, Any]] = {}
INFEASIBLE = {"reference_answers": {"exact_match": "N/A"}}


def q(site: str, sql: str, *args: Any) -> list[sqlite3.Row]:
    if site not in DB:
        DB[site] = load_app(site).build_database()
    return DB[site].execute(sql, args).fetchall()


def sqlq(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def template(fn: Any = None, *, unseen: bool = False, shared: tuple[str, ...] = (), security: bool = False) -> Any:
    """Register a template. ``unseen``: its tasks form the unseen split; ``shared``: instantiation keys
    whose closed set of values may repeat between train and test; ``security``: a prompt-injection template."""

    def register(f: Callable[[], Iterator[dict[str, Any]]]) -> Callable[[], Iterator[dict[str, Any]]]:
        TEMPLATES.append(f)
        META[f] = {"unseen": unseen, "shared": shared, "security": security}
        return f

    return register(fn) if fn is not None else register


def mix(feasible: list[Any], infeasible: list[Any]) -> list[Any]:
    """Interleave infeasible instantiations with feasible ones so both splits hold some: with 8 + 4, train
    gets three infeasible ones (positions 2, 5, 8) and test one (position 11)."""
    out, f, i = [], list(feasible), list(infeasible)
    for k in range(len(f) + len(i)):
        out.append(i.pop(0) if i and (k % 3 == 2 or not f) else f.pop(0))
    return out


def infeasible(reason: str) -> dict[str, str]:
    return {"action": "infeasible", "text": reason}


def click(name: str, role: str = "link") -> dict[str, str]:
    return {"action": "click", "role": role, "name": name}


def button(name: str) -> dict[str, str]:
    return click(name, "button")


def fill(name: str, value: str) -> dict[str, str]:
    return {"action": "fill", "role": "textbox", "name": name, "value": value}


def choose(name: str, option: str) -> dict[str, str]:
    return {"action": "select", "role": "combobox", "name": name, "option": option}


def answer(text: str) -> dict[str, str]:
    return {"action": "answer", "text": text}


def sql_check(site: str, query: str, *, exact: str | None = None, include: list[str] | None = None) -> dict:
    req: dict[str, Any] = {"exact_match": exact} if exact is not None else {"must_include": include or []}
    return {"url": f"sql://{site}", "locator": query, "required_contents": req}


def task(
    name: str,
    sites: list[str],
    start: str,
    intent_template: str,
    inst: dict[str, Any],
    *,
    evals: dict[str, Any],
    solution: list[dict[str, str]],
    login: bool = False,
    private: list[str] | None = None,
) -> dict[str, Any]:
    intent = intent_template
    for k, v in inst.items():
        intent = intent.replace("{{" + k + "}}", str(v))
    ev = {"eval_types": [], "reference_answers": None, "reference_url": "", "program_html": []}
    ev.update(evals)
    ev["eval_types"] = [
        t
        for t, key in (
            ("string_match", "reference_answers"),
            ("url_match", "reference_url"),
            ("program_html", "program_html"),
        )
        if ev.get(key)
    ]
    return {
        "name": name,
        "sites": sites,
        "start_url": start,
        "intent_template": intent_template,
        "instantiation_dict": inst,
        "intent": intent,
        "require_login": login,
        "eval": ev,
        "reference_solution": solution,
        "private": private or [],
    }


def infeasible_task(
    name: str,
    sites: list[str],
    start: str,
    intent_template: str,
    inst: dict[str, Any],
    steps: list[dict[str, str]],
    reason: str,
    *,
    login: bool = False,
) -> dict[str, Any]:
    """A task that cannot be done: the oracle looks (``steps``), then reports it; the answer is N/A."""
    return task(
        name, sites, start, intent_template, inst, login=login, evals=INFEASIBLE, solution=[*steps, infeasible(reason)]
    )


def change_password_steps(nav: list[dict[str, str]], new: str) -> list[dict[str, str]]:
    return [
        *nav,
        fill("Current password", ME.password),
        fill("New password", new),
        fill("Confirm new password", new),
        button("Save password"),
        answer("Done"),
    ]


def password_tasks(site: str, passwords: tuple[str, ...], nav: list[dict[str, str]]) -> Iterator[dict]:
    """Change emma's password on ``site``: the same template on every site, reached through ``nav``."""
    for new in passwords:
        yield task(
            f"{site}.change_password",
            [site],
            f"__{site.upper()}__/",
            f"Change my {site} password from {{{{old}}}} to {{{{new}}}}.",
            {"old": ME.password, "new": new},
            login=True,
            private=["password"],
            evals={
                "program_html": [
                    sql_check(site, "SELECT password_hash FROM users WHERE id=1", exact=password_hash(ME.username, new))
                ]
            },
            solution=change_password_steps(nav, new),
        )


def lookup_tasks(
    name: str,
    site: str,
    intent_template: str,
    items: Iterable[Any],
    *,
    inst: Callable[[Any], dict[str, Any]],
    value: Callable[[Any], str],
    steps: Callable[[Any], list[dict[str, str]]],
    missing: Callable[[int, str], dict[str, Any]],
    check: str = "exact_match",
    login: bool = False,
) -> Iterator[dict[str, Any]]:
    """The tasks of a "read one value about an item" template, the shape most question templates share.

    For each database row in ``items``: ask ``intent_template`` with ``inst(row)``; the oracle takes
    ``steps(row)`` and answers ``value(row)``, scored by ``check`` (``exact_match``, or ``must_include``
    the value). A string in ``items`` names an item that does not exist: ``missing(k, name)`` gives its
    infeasible task (``k``: its position, for templates that vary the rest of the question by it).
    """
    for k, item in enumerate(items):
        if isinstance(item, str):
            yield missing(k, item)
            continue
        text = value(item)
        yield task(
            name,
            [site],
            f"__{site.upper()}__/",
            intent_template,
            inst(item),
            login=login,
            evals={"reference_answers": {check: text if check == "exact_match" else [text]}},
            solution=[*steps(item), answer(text)],
        )
