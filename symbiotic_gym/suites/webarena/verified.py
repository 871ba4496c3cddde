"""WebArena-Verified (``webarena-verified``, ServiceNow): its 812 audited task configs and its evaluators.

In ``--eval-mode verified`` a task's goal is the package's reworded intent plus the answer format the
package checks (:func:`response_instructions`); the agent's final message is parsed into
``{task_type, status, retrieved_data, error_details}`` (:func:`structured_response`); and the episode is
scored after its browser context closed, from that response and the episode's HAR, by the package's own
``WebArenaVerified.evaluate_task`` (:func:`score`): all-or-nothing, every evaluator must give 1.0. The same
function re-scores a saved run offline (``python -m benchmarks.rescore RUN --eval-mode verified``).

The package installs next to our pins without its dependency resolution (it pins ``pydantic==2.12.0``
exactly; it works with ours): ``scripts/setup.sh`` does it (the ``webarena-verified`` step).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.suites.webarena.configs import PLACEHOLDERS  # the package names environments by them

INSTALL_HINT = (
    "--eval-mode verified needs the webarena-verified package: EXTRAS=...,webarena-verified bash "
    "scripts/setup.sh (it installs webarena-verified==1.2.3 without dependency resolution)"
)
MODE = "verified"
SUBSETS = ("hard", "non-hard")
TASK_TYPES = ("RETRIEVE", "MUTATE", "NAVIGATE")
STATUSES = (
    "SUCCESS",
    "NOT_FOUND_ERROR",
    "ACTION_NOT_ALLOWED_ERROR",
    "PERMISSION_DENIED_ERROR",
    "DATA_VALIDATION_ERROR",
    "UNKNOWN_ERROR",
)


def installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("webarena_verified") is not None


def _package_dir() -> Path:
    if not installed():
        raise SymbioticGymError(INSTALL_HINT)
    import webarena_verified

    return Path(webarena_verified.__file__).parent


@cache
def load_tasks() -> dict[int, dict[str, Any]]:
    """The package's 812 verified task configs by id, as plain JSON (placeholders not substituted)."""
    path = _package_dir() / "assets" / "dataset" / "webarena-verified.json"
    return {int(t["task_id"]): t for t in json.loads(path.read_text(encoding="utf-8"))}


@cache
def subset_ids(name: str) -> tuple[int, ...]:
    """Task ids of a subset the package ships: ``hard`` (258) or ``non-hard``."""
    if name not in SUBSETS:
        raise SymbioticGymError(f"WebArena-Verified subsets: {', '.join(SUBSETS)}; got {name!r}")
    path = _package_dir() / "assets" / "dataset" / "subsets" / f"webarena-verified-{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = data.get("task_ids", data) if isinstance(data, dict) else data
    return tuple(sorted(int(t["task_id"] if isinstance(t, dict) else t) for t in ids))


def task_type(task: dict[str, Any]) -> str:
    """What the task is: RETRIEVE, MUTATE or NAVIGATE (from its expected agent response)."""
    for ev in task.get("eval", []):
        if ev.get("evaluator") == "AgentResponseEvaluator":
            return str((ev.get("expected") or {}).get("task_type", "")).upper()
    return ""


def changes_state(task: dict[str, Any]) -> bool:
    return task_type(task) == "MUTATE"


def _results_schema(task: dict[str, Any]) -> Any:
    for ev in task.get("eval", []):
        if ev.get("evaluator") == "AgentResponseEvaluator":
            return ev.get("results_schema")
    return None


def response_instructions(task: dict[str, Any]) -> str:
    """The answer format the package checks, written into the goal (the same text for every task but the
    shape of ``retrieved_data``, which the package's ``results_schema`` gives; the task type is the agent's
    to state)."""
    schema = _results_schema(task)
    shape = json.dumps(schema, separators=(",", ":")) if schema else '{"type":"null"}'
    return (
        "\n\nWhen you are done, answer with send_msg_to_user(...) holding one JSON object: "
        '{"task_type": "RETRIEVE" | "MUTATE" | "NAVIGATE" (what the task asked: to find information, to '
        'change something, or to open a page), "status": "SUCCESS" or, if it cannot be done, one of '
        '"NOT_FOUND_ERROR", "ACTION_NOT_ALLOWED_ERROR", "PERMISSION_DENIED_ERROR", "DATA_VALIDATION_ERROR", '
        '"UNKNOWN_ERROR", "retrieved_data": a list of the items found (null unless the task retrieves '
        f'information; its JSON schema: {shape}), "error_details": null, or why it failed}}. '
        "Use numbers for amounts and counts, true/false for yes/no. If the task cannot be done, you may "
        "send the same JSON with report_infeasible(...)."
    )


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def _json_object(text: str) -> dict[str, Any] | None:
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for c in candidates:
        c = c.strip()
        start, end = c.find("{"), c.rfind("}")
        if start < 0 or end <= start:
            continue
        try:
            value = json.loads(c[start : end + 1])
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def structured_response(answer: str | None, *, infeasible: bool = False) -> tuple[dict[str, Any] | None, str | None]:
    """(the agent's response as the package reads it, or None; why it could not be read, or None).

    ``answer`` is the final message (``send_msg_to_user``), or the reason of ``report_infeasible`` when
    ``infeasible``: there a JSON object without a status gets ``NOT_FOUND_ERROR`` (what the package expects
    of 28 of its 40 infeasible tasks), and plain text becomes that status with the text as its details but
    no task type (which only the agent can state), so it fails the type check rather than guessing."""
    if answer is None:
        return None, "the episode ended without an answer (no send_msg_to_user or report_infeasible)"
    obj = _json_object(answer)
    if obj is None:
        if infeasible:
            response = {"task_type": None, "status": "NOT_FOUND_ERROR", "retrieved_data": None, "error_details": answer}
            return response, "report_infeasible gave no JSON answer: the task type is missing"
        return None, f"the answer is not the JSON object the verified format asks for: {answer[:200]!r}"
    response = {
        "task_type": str(obj.get("task_type") or obj.get("performed_operation") or "").upper() or None,
        "status": str(obj.get("status") or ("NOT_FOUND_ERROR" if infeasible else "")).upper() or None,
        "retrieved_data": obj.get("retrieved_data"),
        "error_details": obj.get("error_details"),
    }
    problems = []
    if response["task_type"] not in TASK_TYPES:
        problems.append(f"task_type must be one of {', '.join(TASK_TYPES)}, got {obj.get('task_type')!r}")
    if response["status"] not in STATUSES:
        problems.append(f"status must be one of {', '.join(STATUSES)}, got {obj.get('status')!r}")
    if response["retrieved_data"] is not None and not isinstance(response["retrieved_data"], list):
        response["retrieved_data"] = [response["retrieved_data"]]  # a single value is a list of one
    return response, "; ".join(problems) or None


@cache
def _api(environments: tuple[tuple[str, str], ...]) -> Any:
    from webarena_verified.api import WebArenaVerified
    from webarena_verified.types.config import WebArenaVerifiedConfig

    config = WebArenaVerifiedConfig(environments={ph: {"urls": [url]} for ph, url in environments})
    return WebArenaVerified(config=config)


def api(site_urls: dict[str, str]) -> Any:
    """The package's facade, configured with these site URLs (cached per set of URLs)."""
    if not installed():
        raise SymbioticGymError(INSTALL_HINT)
    envs = tuple(sorted((PLACEHOLDERS[s], u.rstrip("/")) for s, u in site_urls.items() if s in PLACEHOLDERS))
    return _api(envs)


def score(
    task_number: int, response: dict[str, Any] | None, har: dict[str, Any] | None, site_urls: dict[str, str]
) -> dict[str, Any]:
    """The package's verdict as an eval record: ``{"status": pass|fail, "score", "details"}``.

    All-or-nothing as the package scores (its task score is 1.0 only when every evaluator gives 1.0); never
    averaged. A HAR with no entries is scored as an empty trace (the package itself refuses an empty list).
    """
    from symbiotic_gym.web.network_trace import har_entries

    entries = har_entries(har)
    result = api(site_urls).evaluate_task(
        task_id=task_number,
        agent_response=response,
        network_trace=entries or [_NO_TRAFFIC],
    )
    data = json.loads(result.model_dump_json())
    value = float(data.get("score") or 0.0)
    details = [
        {
            "check": e.get("evaluator_name"),
            "status": e.get("status"),
            "score": e.get("score"),
            "assertions": [
                {"name": a.get("assertion_name"), "status": a.get("status"), "msgs": a.get("assertion_msgs")}
                for a in e.get("assertions") or []
                if a.get("status") != "success"
            ],
            "error": e.get("error_msg"),
        }
        for e in data.get("evaluators_results") or []
    ]
    if data.get("error_msg"):
        details.append({"check": "package", "error": data["error_msg"]})
    details.append({"check": "package_version", "version": data.get("webarena_verified_version")})
    return {"status": "pass" if value >= 1.0 else "fail", "score": value, "details": details}


# a request no check matches: the package refuses an empty trace even for answer-only tasks
_NO_TRAFFIC = {
    "startedDateTime": "1970-01-01T00:00:00.000Z",
    "time": 0,
    "request": {
        "method": "GET",
        "url": "about:blank",
        "httpVersion": "HTTP/1.1",
        "headers": [],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": 0,
    },
    "response": {
        "status": 0,
        "statusText": "",
        "httpVersion": "HTTP/1.1",
        "headers": [],
        "cookies": [],
        "content": {"size": 0, "mimeType": ""},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": 0,
    },
    "cache": {},
    "timings": {"send": 0, "wait": 0, "receive": 0},
}


def finalize(
    task_number: int,
    record: dict[str, Any],
    har: dict[str, Any] | None,
    steps: list[dict[str, Any]],
    site_urls: dict[str, str],
) -> None:
    """Score a finished episode and write the verdict into its record (``success``, ``reward``,
    ``eval_status``, ``eval_details``); the structured response travels as ``_response``."""
    from symbiotic_gym.results.run_dir import final_message

    text, infeasible = final_message(steps)
    response, problem = structured_response(text, infeasible=infeasible)
    verdict = score(task_number, response, har, site_urls)
    record["_response"] = {"response": response, "parse_error": problem, "message": text, "infeasible": infeasible}
    record["response_error"] = problem
    record["eval_status"] = verdict["status"]
    record["eval_details"] = verdict["details"]
    record["reward"] = verdict["score"]
    record["success"] = verdict["status"] == "pass"
