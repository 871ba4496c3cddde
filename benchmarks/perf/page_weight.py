"""How much the embedded sites' pages weigh: accessibility-tree lines and tokens per page, raw and pruned.

    python -m benchmarks.perf.page_weight --run runs/oracle-all [--out runs/perf/page_weight.json]

Reads every observation of a finished run (e.g. ``python -m benchmarks.run --agent oracle --split all``):
the pages an agent really visits, not only start pages. Pages are grouped by site (the host of the step's
URL); raw is the observation text agents get (``axtree_txt``), pruned is what the ``occam`` agent reads
(:func:`symbiotic_gym.web.pruning.prune_axtree`). Tokens are counted with the bundled SmolLM2 tokenizer,
the model that reads these prompts by default.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def _dist(values: list[int]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
        "n": len(ordered),
    }


def site_pages(run_dir: Path) -> dict[str, list[str]]:
    """Distinct observation texts of a run, by site (``shop`` for ``http://shop.embedded.test/...``)."""
    from symbiotic_gym.results.run_dir import RunDir

    run = RunDir(run_dir)
    out: dict[str, dict[str, None]] = {}
    for record in run.results():
        for step in run.trajectory(record["task_id"]):
            text, url = step.get("axtree_txt") or "", step.get("url") or ""
            if text:
                site = (urlsplit(url).hostname or "?").split(".")[0]
                out.setdefault(site, {})[text] = None
    return {site: list(texts) for site, texts in sorted(out.items())}


def measure(pages: dict[str, list[str]], count_tokens: Any) -> dict[str, Any]:
    from symbiotic_gym.web.pruning import prune_axtree

    report: dict[str, Any] = {}
    for site, texts in pages.items():
        pruned = [prune_axtree(t) for t in texts]
        report[site] = {
            "pages": len(texts),
            "raw_lines": _dist([len(t.splitlines()) for t in texts]),
            "pruned_lines": _dist([len(t.splitlines()) for t in pruned]),
            "raw_tokens": _dist([count_tokens(t) for t in texts]),
            "pruned_tokens": _dist([count_tokens(t) for t in pruned]),
        }
    return report


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| site | pages | raw lines median / p90 | pruned lines | raw tokens median / p90 | pruned tokens |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for site, r in report.items():
        cells = [
            f"{r[k]['median']:g} / {r[k]['p90']}" for k in ("raw_lines", "pruned_lines", "raw_tokens", "pruned_tokens")
        ]
        lines.append(f"| {site} | {r['pages']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.page_weight", description=__doc__.split("\n")[0])
    p.add_argument("--run", required=True, help="a run directory whose trajectories hold the observations")
    p.add_argument("--out", default="runs/perf/page_weight.json")
    args = p.parse_args(argv)
    from transformers import AutoTokenizer

    from symbiotic_gym.llm.local import bundled_model_dir

    tokenizer = AutoTokenizer.from_pretrained(bundled_model_dir())

    def count_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    report = measure(site_pages(Path(args.run)), count_tokens)
    print(markdown(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"tokenizer": "SmolLM2-135M-Instruct", "run": args.run, "sites": report}, indent=2))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
