"""python -m benchmarks.view: a static HTML report of every episode of a run, openable without a server.

For each episode: the goal, the outcome and evaluation details, and every step's URL, observation excerpt,
rationale, action, route (local/cloud), token usage and errors. All text is escaped (model output can hold
markup); the page needs no script, network or server, so it can be attached to a CI job as an artifact.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from pathlib import Path
from typing import Any

OBS_EXCERPT = 2500

CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eee}.pass{color:#137333;font-weight:bold}.fail{color:#b3261e;font-weight:bold}
.err{color:#b3261e}pre{white-space:pre-wrap;background:#f6f6f6;padding:6px;max-height:24em;overflow:auto}
section.episode{border-top:2px solid #888;margin-top:1.5em;padding-top:.5em}
.step{margin:.6em 0 .6em 1em;border-left:3px solid #ddd;padding-left:.8em}.route{font-size:.85em;color:#555}
img.shot{float:right;max-width:45%;margin:0 0 .5em 1em;border:1px solid #ccc}
.step::after{content:"";display:block;clear:both}
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.view", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("run", metavar="RUN_DIR", help="a run directory made by benchmarks.run")
    p.add_argument("--output", "-o", default=None, metavar="FILE", help="where to write (default: RUN_DIR/report.html)")
    return p


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def outcome_badge(rec: dict[str, Any]) -> str:
    if rec.get("error"):
        return f"<span class='fail'>error ({e(rec.get('error_kind'))})</span>"
    if rec.get("eval_status") in ("not_scored", "needs_judge"):
        return "<span>not scored</span>"
    return "<span class='pass'>pass</span>" if rec.get("success") else "<span class='fail'>fail</span>"


def render_step(s: dict[str, Any], images: str = "") -> str:
    """One step; ``images``: the path from the report to the run directory (for saved screenshots)."""
    meta = s.get("meta") if isinstance(s.get("meta"), dict) else {}
    usage = meta.get("usage") or {}
    tokens = f", tokens {usage.get('tokens_in', 0)}→{usage.get('tokens_out', 0)}" if usage else ""
    obs = s.get("axtree_txt") or ""
    excerpt = obs[:OBS_EXCERPT] + (f"\n… ({len(obs) - OBS_EXCERPT} more characters)" if len(obs) > OBS_EXCERPT else "")
    parts = [
        f"<div class='step' id='step-{e(s.get('step'))}'>",
        f"<b>Step {e(s.get('step'))}</b> <span class='route'>route: {e(s.get('route'))}{e(tokens)}</span><br>",
        f"URL: <code>{e(s.get('url'))}</code><br>",
    ]
    if s.get("last_action_error"):
        parts.append(f"<div class='err'>error shown to the agent: {e(s['last_action_error'])}</div>")
    if s.get("screenshot"):
        src = f"{images}/{s['screenshot']}" if images else str(s["screenshot"])
        parts.append(
            f"<a href='{e(src)}'><img class='shot' src='{e(src)}' alt='what the agent saw at step "
            f"{e(s.get('step'))}' loading='lazy'></a>"
        )
    parts.append(f"<details><summary>observation ({len(obs):,} characters)</summary><pre>{e(excerpt)}</pre></details>")
    if s.get("rationale"):
        parts.append(f"<div>rationale: {e(s['rationale'])}</div>")
    parts.append(f"<div>action: <code>{e(s.get('action'))}</code></div>")
    if s.get("error_after"):
        parts.append(f"<div class='err'>action error: {e(s['error_after'])}</div>")
    for err in s.get("http_errors") or []:
        parts.append(f"<div class='err'>site error: {e(err)}</div>")
    parts.append("</div>")
    return "".join(parts)


def render_episode(rec: dict[str, Any], steps: list[dict[str, Any]], images: str = "") -> str:
    tid = rec["task_id"]
    parts = [
        f"<section class='episode' id='{e(tid)}' data-task='{e(tid)}'>",
        f"<h2>{e(tid)} — {outcome_badge(rec)}</h2>",
        f"<p><b>Goal:</b> {e(rec.get('goal'))}</p>",
        f"<p>steps {e(rec.get('steps'))}, wall {float(rec.get('wall_s') or 0):.1f} s, attempt {e(rec.get('attempt'))}"
        f", sites {e(', '.join(rec.get('sites') or []))}</p>",
    ]
    if rec.get("error"):
        parts.append(f"<p class='err'><b>Error:</b> {e(rec['error'])}</p>")
        if rec.get("traceback"):
            parts.append(f"<details><summary>traceback</summary><pre>{e(rec['traceback'])}</pre></details>")
    for prev in rec.get("previous_attempts") or []:
        parts.append(f"<p class='err'>retried after: {e(prev)}</p>")
    parts += [render_step(s, images) for s in steps]
    details = rec.get("eval_details")
    parts.append(
        f"<p><b>Evaluation:</b> {e(rec.get('eval_status'))} (mode {e(rec.get('eval_mode'))}), "
        f"reward {e(rec.get('reward'))}; answer: <code>{e(rec.get('answer'))}</code>; "
        f"final URL: <code>{e(rec.get('final_url'))}</code></p>"
    )
    if details:
        parts.append(
            f"<details><summary>evaluator details</summary><pre>{e(json.dumps(details, indent=1))}</pre></details>"
        )
    parts.append("</section>")
    return "".join(parts)


def render_report(root: Path, out_dir: Path | None = None) -> str:
    """The report's HTML; ``out_dir``: where it will be written (saved screenshots are linked from there)."""
    from symbiotic_gym.results.run_dir import RunDir
    from symbiotic_gym.results.runs import load_run
    from symbiotic_gym.results.summary import summarize

    run = load_run(root)
    cfg = run.config
    summary = summarize(run.results)
    lo, hi = summary["wilson95"]
    env = cfg.get("environment") or {}
    git = env.get("git") or {}
    index = "".join(
        f"<tr><td><a href='#{e(r['task_id'])}'>{e(r['task_id'])}</a></td><td>{outcome_badge(r)}</td>"
        f"<td>{e(r.get('steps'))}</td><td>{float(r.get('wall_s') or 0):.1f}</td><td>{e(r.get('error') or '')}</td></tr>"
        for r in run.results
    )
    head = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{e(cfg.get('agent'))} on {e(cfg.get('suite'))} — symbiotic-gym run</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{e(cfg.get('agent'))} on {e(cfg.get('suite'))}/{e(cfg.get('split'))}</h1>",
        "<table>",
        f"<tr><th>success</th><td>{summary['successes']}/{summary['n']} = {100 * summary['success_rate']:.1f}% "
        f"± {100 * summary['stderr']:.1f} (95% CI {100 * lo:.1f}–{100 * hi:.1f})</td></tr>",
        f"<tr><th>agent args</th><td><code>{e(json.dumps(cfg.get('agent_args') or {}))}</code></td></tr>",
        f"<tr><th>models</th><td>{e(json.dumps(cfg.get('models') or {}))}</td></tr>",
        f"<tr><th>seed / max steps</th><td>{e(cfg.get('seed'))} / {e(cfg.get('max_steps'))}</td></tr>",
        f"<tr><th>errors</th><td>{summary['errors']} {e(summary['errors_by_kind'] or '')}</td></tr>",
        f"<tr><th>tokens</th><td>local {summary['tokens_in_local'] + summary['tokens_out_local']:,}, "
        f"cloud {summary['tokens_in_cloud'] + summary['tokens_out_cloud']:,}, cost ${summary['cost']:.4f}</td></tr>",
        f"<tr><th>revision</th><td>{e(git.get('revision'))}{' (dirty)' if git.get('dirty') else ''}</td></tr>",
        f"<tr><th>command</th><td><code>{e(' '.join(cfg.get('command') or []))}</code></td></tr>",
        "</table>",
        f"<h2>Episodes ({len(run.results)})</h2>",
        "<table id='episodes'><thead><tr><th>task</th><th>outcome</th><th>steps</th><th>wall s</th><th>error</th></tr>"
        f"</thead><tbody>{index}</tbody></table>",
    ]
    rd = RunDir(root)
    images = os.path.relpath(root.resolve(), (out_dir or root).resolve()) if out_dir else ""
    images = "" if images == "." else images
    body = [render_episode(r, rd.trajectory(r["task_id"]), images) for r in run.results]
    return "".join(head + body) + "</body></html>\n"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError

    out = Path(args.output) if args.output else Path(args.run) / "report.html"
    try:
        text = render_report(Path(args.run), out.parent)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text) / 1024:.0f} kB); open file://{out.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
