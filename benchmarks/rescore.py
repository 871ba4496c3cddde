"""python -m benchmarks.rescore: recompute scores from a run's saved files, with no site running.

Stock and rectified runs: string_match / url_match scores from the saved trajectories.

The answer is read from the last step's action (``send_msg_to_user`` or ``report_infeasible``; an episode
cut off by the step budget answered ""), and the final URL from the last step's ``url_after``, with the
run's live site addresses mapped back to the task's placeholders. Each recomputed score is compared with
the stored one; any difference exits 1. Tasks that need the live site (program_html) or a judge
(fuzzy_match) and episodes that ended in an error are listed as skipped, never silently counted.

``--eval-mode verified`` (the default for runs made in that mode): every episode is scored again by
WebArena-Verified's evaluators from its saved HAR (``trajectories/TASK.har``) and structured response
(``trajectories/TASK.response.json``, else parsed again from the trajectory's last action).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiotic_gym.suites.evaluators import EvalResult

RESCORABLE = {"string_match", "url_match"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.rescore", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("run", metavar="RUN_DIR", help="a run directory made by benchmarks.run")
    p.add_argument("--verbose", "-v", action="store_true", help="print every episode, not only mismatches")
    p.add_argument(
        "--eval-mode",
        choices=("stock", "rectified", "verified"),
        default=None,
        help="how to score (default: the run's own mode); verified scores from the saved HARs and responses",
    )
    return p


def answer_from(steps: list[dict[str, Any]], record: dict[str, Any]) -> str | None:
    """The final answer as the env saw it; None when the trajectory does not end in an answer or a cut-off."""
    from symbiotic_gym.results.run_dir import final_message

    text, infeasible = final_message(steps)
    if text is not None:
        return "N/A" if infeasible else text
    if record.get("truncated"):
        return ""  # WebArena semantics: out of steps means an empty answer
    return None


def to_placeholders(url: str, site_urls: dict[str, str], placeholders: dict[str, str]) -> str:
    for site, base in sorted(site_urls.items(), key=lambda kv: -len(kv[1])):
        if site in placeholders and url.startswith(base):
            return placeholders[site] + url[len(base) :]
    return url


def score_offline(eval_cfg: dict[str, Any], *, intent: str, answer: str, final_url: str) -> EvalResult:
    """The suite's evaluators on an answer and a final URL alone; an evaluator that asks for
    a page or a site's database raises, since there is no live site."""
    from symbiotic_gym.suites.evaluators import EvalContext, evaluate

    def no_live_site(*_: Any) -> str:
        raise RuntimeError("rescoring has no live site")

    ctx = EvalContext(intent=intent, answer=answer, final_url=final_url, read_page=no_live_site, read_sql=no_live_site)
    return evaluate(eval_cfg, ctx)


def rescore_episode(record: dict[str, Any], steps: list[dict[str, Any]], eval_cfg: dict[str, Any]) -> tuple[str, Any]:
    """("ok" | "mismatch" | "skipped", detail)."""
    types = set(eval_cfg.get("eval_types") or [])
    if record.get("error"):
        return "skipped", "the episode ended in an error"
    if not types or not types <= RESCORABLE:
        return "skipped", f"{', '.join(sorted(types - RESCORABLE)) or 'no evaluator'} needs the live site"
    answer = answer_from(steps, record)
    if answer is None:
        return "skipped", "the trajectory does not end with an answer"
    placeholders = eval_cfg.get("site_placeholders") or {}
    final_url = to_placeholders(steps[-1].get("url_after") or "", record.get("site_urls") or {}, placeholders)
    result = score_offline(eval_cfg, intent=record.get("goal") or "", answer=answer, final_url=final_url)
    if result.status == "needs_judge":
        return "skipped", "fuzzy_match needs a judge"
    stored = (record.get("eval_status"), float(record.get("reward") or 0.0))
    fresh = (result.status, float(result.score or 0.0))
    if stored == fresh:
        return "ok", fresh
    return "mismatch", {"stored": stored, "recomputed": fresh, "answer": answer, "final_url": final_url}


def rescore_verified(record: dict[str, Any], run_dir: Any) -> tuple[str, Any]:
    """("ok" | "mismatch" | "skipped", detail) for one episode, from its HAR and response files."""
    import json

    from symbiotic_gym.results.run_dir import final_message
    from symbiotic_gym.suites.webarena import verified
    from symbiotic_gym.suites.webarena.configs import task_number
    from symbiotic_gym.web.network_trace import read_har

    tid = record["task_id"]
    if record.get("error"):
        return "skipped", "the episode ended in an error"
    har_path = run_dir.network_trace(tid)
    if har_path is None:
        return "skipped", "no HAR saved (run with --record-network or --eval-mode verified)"
    response_path = run_dir.task_file(tid, ".response.json")
    if response_path.exists():
        response = json.loads(response_path.read_text(encoding="utf-8")).get("response")
    else:
        text, infeasible = final_message(run_dir.trajectory(tid))
        response, _ = verified.structured_response(text, infeasible=infeasible)
    verdict = verified.score(task_number(tid), response, read_har(har_path), record.get("site_urls") or {})
    stored = (record.get("eval_status"), float(record.get("reward") or 0.0))
    fresh = (verdict["status"], float(verdict["score"] or 0.0))
    if stored == fresh:
        return "ok", fresh
    return "mismatch", {"stored": stored, "recomputed": fresh, "response": response}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError
    from symbiotic_gym.results.run_dir import RunDir
    from symbiotic_gym.results.runs import load_run
    from symbiotic_gym.suites import SuiteOptions, get_suite

    try:
        run = load_run(args.run)
        cfg = run.config
        mode = args.eval_mode or cfg.get("eval_mode") or "stock"
        options = SuiteOptions(eval_mode=mode, judge_model=cfg.get("judge"), na_hint=bool(cfg.get("na_hint")))
        if mode == "verified" and cfg.get("suite") != "webarena":
            raise SymbioticGymError(f"--eval-mode verified re-scores WebArena runs; this run is {cfg.get('suite')!r}")
        suite = get_suite(cfg.get("suite", "embedded"), options)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    rd = RunDir(Path(args.run))
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for rec in run.results:
        if mode == "verified":
            try:
                status, detail = rescore_verified(rec, rd)
            except SymbioticGymError as err:
                print(f"error: {err}", file=sys.stderr)
                return 2
        else:
            status, detail = rescore_episode(rec, rd.trajectory(rec["task_id"]), suite.eval_config(rec["task_id"]))
        counts[status] += 1
        if status == "skipped":
            reasons[str(detail)] += 1
        if status == "mismatch" or args.verbose:
            print(f"{rec['task_id']}: {status} {detail}")
    print(
        f"rescored {counts['ok'] + counts['mismatch']} of {len(run.results)} episodes: {counts['ok']} reproduce the "
        f"stored score, {counts['mismatch']} differ; {counts['skipped']} skipped"
    )
    for reason, n in reasons.most_common():
        print(f"  skipped {n}: {reason}")
    return 1 if counts["mismatch"] else 0


if __name__ == "__main__":
    sys.exit(main())
