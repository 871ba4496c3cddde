"""python -m benchmarks.leaderboard: tables (and a plot) of success rates with uncertainty from run directories.

One row per (agent and its arguments, models, suite, split, evaluator mode); runs of the same configuration
are pooled. Each row has n, success rate ± standard error, the 95% Wilson interval, average steps, tokens
local/cloud, cost and wall time, and a per-site breakdown. Evaluator modes are never mixed in one row, and
episodes that could not be scored (no judge) are left out of n and counted separately.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import sys
from pathlib import Path
from typing import Any

FORMATS = ("md", "csv", "html", "json")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.leaderboard", description=__doc__.split(":", 1)[1].strip())
    p.add_argument("runs", nargs="+", metavar="RUN_DIR", help="run directories made by benchmarks.run")
    p.add_argument("--format", default="md", choices=FORMATS, help="output format (default: md)")
    p.add_argument("--no-sites", action="store_true", help="leave out the per-site breakdown")
    p.add_argument("--output", "-o", default=None, metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--plot", default=None, metavar="PNG", help="also draw success rates with 95%% error bars")
    return p


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def table_rows(rows: list[Any], sites: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Flat dictionaries for the overall rows and the per-site rows."""
    main, by_site = [], []
    for row in rows:
        s = row.stats()
        base = {
            "agent": row.agent,
            "models": row.models,
            "suite": row.suite,
            "split": row.split,
            "eval_mode": row.eval_mode,
        }
        main.append({**base, **s, "runs": row.runs, "created": row.created})
        if sites:
            for site, ss in row.by_site().items():
                by_site.append({**base, "site": site, **ss})
    return main, by_site


def browsergym_fields(r: dict[str, Any]) -> dict[str, Any]:
    """The fields of a BrowserGym leaderboard entry (results/<agent>/<benchmark>.json) that we can fill."""
    comments = [f"n={r['n']}", f"95% Wilson CI {_pct(r['wilson95'][0])}-{_pct(r['wilson95'][1])}"]
    if r["not_scored"]:
        comments.append(f"{r['not_scored']} episodes not scored (no judge) and excluded")
    if r["errors"]:
        comments.append(f"{r['errors']} episodes ended with an error (counted as failures)")
    return {
        "agent_name": r["agent"] if r["models"] == "none" else f"{r['agent']} [{r['models']}]",
        "study_id": ",".join(Path(p).name for p in r["runs"]),
        "date_time": r["created"],
        "benchmark": f"{r['suite']}/{r['split']}",
        "score": round(100 * r["success_rate"], 1),
        "std_err": round(100 * r["stderr"], 1),
        "benchmark_specific": "No",
        "benchmark_tuned": "No",
        "followed_evaluation_protocol": "Yes" if r["eval_mode"] == "stock" else "No",
        "reproducible": "Yes",
        "comments": "; ".join(comments),
        "original_or_reproduced": "Original",
    }


def render_md(main: list[dict[str, Any]], by_site: list[dict[str, Any]]) -> str:
    head = "| agent | models | suite/split | mode | n | success % ± SE | 95% CI | avg steps | tokens local | tokens cloud | cost $ | episode s | errors |"  # noqa: E501
    lines = [head, "|" + "---|" * 13]
    for r in main:
        n_cell = f"{r['n']}" + (f" (+{r['not_scored']} not scored)" if r["not_scored"] else "")
        lines.append(
            f"| {r['agent']} | {r['models']} | {r['suite']}/{r['split']} | {r['eval_mode']} | {n_cell} | "
            f"{_pct(r['success_rate'])} ± {_pct(r['stderr'])} | {_pct(r['wilson95'][0])}–{_pct(r['wilson95'][1])} | "
            f"{r['avg_steps']:.1f} | {r['tokens_local']:,} | {r['tokens_cloud']:,} | {r['cost']:.4f} | "
            f"{r['wall_s']:.0f} | {r['errors']} |"
        )
    injected = [r for r in main if r.get("injection")]
    if injected:
        lines += [
            "",
            "Prompt-injection tasks (their utility is part of the success rate above; the attack success rate, "
            "the share of episodes in which the agent did what the injected text asked, is not):",
            "",
            "| agent | models | suite/split | mode | n | utility % ± SE | attack success % ± SE | 95% CI |",
            "|" + "---|" * 8,
        ]
        for r in injected:
            inj = r["injection"]
            u, a = inj["utility"], inj["attack_success"]
            lines.append(
                f"| {r['agent']} | {r['models']} | {r['suite']}/{r['split']} | {r['eval_mode']} | {a['n']} | "
                f"{_pct(u['success_rate'])} ± {_pct(u['stderr'])} | {_pct(a['success_rate'])} ± {_pct(a['stderr'])} | "
                f"{_pct(a['wilson95'][0])}–{_pct(a['wilson95'][1])} |"
            )
    if by_site:
        lines += ["", "| agent | models | suite/split | mode | site | n | success % ± SE | 95% CI |", "|" + "---|" * 8]
        for r in by_site:
            lines.append(
                f"| {r['agent']} | {r['models']} | {r['suite']}/{r['split']} | {r['eval_mode']} | {r['site']} | "
                f"{r['n']} | {_pct(r['success_rate'])} ± {_pct(r['stderr'])} | "
                f"{_pct(r['wilson95'][0])}–{_pct(r['wilson95'][1])} |"
            )
    return "\n".join(lines) + "\n"


CSV_FIELDS = (
    "agent",
    "models",
    "suite",
    "split",
    "eval_mode",
    "site",
    "n",
    "successes",
    "success_rate",
    "stderr",
    "wilson95_low",
    "wilson95_high",
    "not_scored",
    "errors",
    "avg_steps",
    "tokens_local",
    "tokens_cloud",
    "cost",
    "wall_s",
    "injection_n",
    "attack_success_rate",
    "attack_stderr",
)


def render_csv(main: list[dict[str, Any]], by_site: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in [*({**m, "site": "all"} for m in main), *by_site]:
        attack = (r.get("injection") or {}).get("attack_success") or {}
        writer.writerow(
            {
                **r,
                "wilson95_low": r["wilson95"][0],
                "wilson95_high": r["wilson95"][1],
                "injection_n": attack.get("n", ""),
                "attack_success_rate": attack.get("success_rate", ""),
                "attack_stderr": attack.get("stderr", ""),
            }
        )
    return buf.getvalue()


def render_json(main: list[dict[str, Any]], by_site: list[dict[str, Any]]) -> str:
    rows = [{**browsergym_fields(r), **r} for r in main]
    doc = {"generated": dt.datetime.now().isoformat(timespec="seconds"), "rows": rows, "by_site": by_site}
    return json.dumps(doc, indent=2, default=str) + "\n"


def render_html(main: list[dict[str, Any]], by_site: list[dict[str, Any]]) -> str:
    def table(rows: list[dict[str, Any]], cols: list[tuple[str, Any]]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c, _ in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(fn(r)))}</td>" for _, fn in cols) + "</tr>" for r in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    common: list[tuple[str, Any]] = [
        ("agent", lambda r: r["agent"]),
        ("models", lambda r: r["models"]),
        ("suite/split", lambda r: f"{r['suite']}/{r['split']}"),
        ("mode", lambda r: r["eval_mode"]),
    ]
    stats: list[tuple[str, Any]] = [
        ("n", lambda r: r["n"]),
        ("success % ± SE", lambda r: f"{_pct(r['success_rate'])} ± {_pct(r['stderr'])}"),
        ("95% CI", lambda r: f"{_pct(r['wilson95'][0])}–{_pct(r['wilson95'][1])}"),
    ]
    extra: list[tuple[str, Any]] = [
        ("not scored", lambda r: r["not_scored"]),
        ("avg steps", lambda r: f"{r['avg_steps']:.1f}"),
        ("tokens local", lambda r: f"{r['tokens_local']:,}"),
        ("tokens cloud", lambda r: f"{r['tokens_cloud']:,}"),
        ("cost $", lambda r: f"{r['cost']:.4f}"),
        ("episode s", lambda r: f"{r['wall_s']:.0f}"),
        ("errors", lambda r: r["errors"]),
    ]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>symbiotic-gym leaderboard</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#eee}"
        "td:nth-child(-n+4){text-align:left}</style></head><body>",
        "<h1>Leaderboard</h1>",
        table(main, common + stats + extra),
    ]
    if by_site:
        parts += ["<h2>By site</h2>", table(by_site, [*common, ("site", lambda r: r["site"]), *stats])]
    parts.append("</body></html>\n")
    return "".join(parts)


def plot(main: list[dict[str, Any]], path: str) -> None:
    try:
        import matplotlib
    except ImportError as err:
        from symbiotic_gym.errors import SymbioticGymError

        raise SymbioticGymError("--plot needs matplotlib: pip install 'symbiotic-gym[plot]'") from err
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['agent']}\n{r['suite']}/{r['split']} ({r['eval_mode']})" for r in main]
    rates = [100 * r["success_rate"] for r in main]
    low = [100 * (r["success_rate"] - r["wilson95"][0]) for r in main]
    high = [100 * (r["wilson95"][1] - r["success_rate"]) for r in main]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.4 * len(main) + 1), 4))
    ax.bar(range(len(main)), rates, yerr=[low, high], capsize=4, color="#4C72B0")
    ax.set_xticks(range(len(main)), labels, fontsize=8)
    ax.set_ylabel("success rate (%), 95% Wilson interval")
    ax.set_ylim(0, 100)
    for i, r in enumerate(main):
        ax.text(i, 2, f"n={r['n']}", ha="center", fontsize=7, color="white")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def leaderboard(runs: list[str | Path], *, fmt: str = "md", sites: bool = True, plot_path: str | None = None) -> str:
    """The table of ``runs`` (run directories) as Markdown, CSV, HTML or JSON; optionally a bar plot."""
    from symbiotic_gym.results.runs import group_runs

    main_rows, site_rows = table_rows(group_runs(runs), sites=sites)
    render = {"md": render_md, "csv": render_csv, "html": render_html, "json": render_json}[fmt]
    if plot_path:
        plot(main_rows, plot_path)
    return render(main_rows, site_rows)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from symbiotic_gym.errors import SymbioticGymError

    try:
        text = leaderboard(args.runs, fmt=args.format, sites=not args.no_sites, plot_path=args.plot)
    except SymbioticGymError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
