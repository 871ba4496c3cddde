"""Observation tokens before and after AgentOccam-style pruning (the ``occam`` agent's observation).

    python -m benchmarks.perf.obs_tokens [--miniwob 20] [--out runs/perf/obs_tokens.json]

Pages: the start page of every embedded task, and the first ``--miniwob`` MiniWoB++ task pages (from the
``miniwob`` PyPI package, opened offline, seeded with ``Math.seedrandom('0')`` and started as BrowserGym
does). Tokens are counted with the bundled local model's tokenizer (SmolLM2), the model that reads these
prompts by default. Also checks that every interactive element id of the raw observation is still in the
pruned one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import time
from pathlib import Path
from typing import Any


def embedded_pages() -> list[tuple[str, str]]:
    from symbiotic_gym.suites.embedded.envs import make_embedded_env
    from symbiotic_gym.suites.embedded.task_configs import task_ids

    out = []
    for tid in task_ids():
        env = make_embedded_env(tid)
        try:
            obs, _ = env.reset(seed=0)
            out.append((tid, obs["axtree_txt"]))
        finally:
            env.close()
    return out


def miniwob_pages(limit: int) -> list[tuple[str, str]]:
    spec = importlib.util.find_spec("miniwob")
    if spec is None or spec.origin is None or limit <= 0:
        return []
    folder = Path(spec.origin).parent / "html" / "miniwob"
    from symbiotic_gym.web.browser import shared_browser
    from symbiotic_gym.web.observation import AXTreeExtractor

    browser = shared_browser()
    out = []
    for html in sorted(folder.glob("*.html"))[:limit]:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(html.as_uri())
            # a fixed seed makes the generated page, and so the token counts, reproducible
            page.evaluate(
                "() => { if (Math.seedrandom) Math.seedrandom('0');"
                " if (window.core && core.startEpisodeReal) core.startEpisodeReal(); }"
            )
            page.wait_for_timeout(200)
            out.append((f"miniwob.{html.stem}", AXTreeExtractor().extract(page).text))
        finally:
            context.close()
    return out


def measure(pages: list[tuple[str, str]], tokenizer: Any) -> dict[str, Any]:
    from symbiotic_gym.web.observation import parse_elements
    from symbiotic_gym.web.pruning import INTERACTIVE_ROLES, prune_axtree

    rows, lost, prune_s = [], 0, []
    for name, raw in pages:
        t = time.perf_counter()
        pruned = prune_axtree(raw)
        prune_s.append(time.perf_counter() - t)
        before = len(tokenizer(raw, add_special_tokens=False)["input_ids"])
        after = len(tokenizer(pruned, add_special_tokens=False)["input_ids"])
        ids = {e.bid for e in parse_elements(raw) if e.role in INTERACTIVE_ROLES}
        lost += len(ids - {e.bid for e in parse_elements(pruned)})
        rows.append({"page": name, "tokens_before": before, "tokens_after": after})
    total_b = sum(r["tokens_before"] for r in rows)
    total_a = sum(r["tokens_after"] for r in rows)
    per_page = [1 - r["tokens_after"] / r["tokens_before"] for r in rows if r["tokens_before"]]
    return {
        "pages": len(rows),
        "tokens_before": total_b,
        "tokens_after": total_a,
        "reduction_total": 1 - total_a / total_b if total_b else 0.0,
        "reduction_median_page": statistics.median(per_page) if per_page else 0.0,
        "reduction_min_page": min(per_page) if per_page else 0.0,
        "interactive_ids_lost": lost,
        "prune_ms_median": 1000 * statistics.median(prune_s) if prune_s else 0.0,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.obs_tokens", description=__doc__.split("\n")[0])
    p.add_argument("--miniwob", type=int, default=20, help="number of MiniWoB++ pages (0: none)")
    p.add_argument("--out", default="runs/perf/obs_tokens.json")
    args = p.parse_args(argv)
    from transformers import AutoTokenizer

    from symbiotic_gym.llm.local import bundled_model_dir
    from symbiotic_gym.runner.environment import environment_info

    tokenizer = AutoTokenizer.from_pretrained(bundled_model_dir())
    report: dict[str, Any] = {"tokenizer": "SmolLM2-135M-Instruct", "environment": environment_info()}
    report["embedded"] = measure(embedded_pages(), tokenizer)
    mw = miniwob_pages(args.miniwob)
    report["miniwob"] = measure(mw, tokenizer) if mw else {"pages": 0, "note": "pip install miniwob to include it"}
    print(
        f"{'pages':10s} {'n':>4s} {'tokens before':>14s} {'after':>8s} {'total cut':>10s} {'median cut':>11s} "
        f"{'min cut':>8s} {'ids lost':>9s}"
    )
    for suite in ("embedded", "miniwob"):
        r = report[suite]
        if r["pages"]:
            print(
                f"{suite:10s} {r['pages']:4d} {r['tokens_before']:14d} {r['tokens_after']:8d} "
                f"{r['reduction_total']:10.1%} {r['reduction_median_page']:11.1%} {r['reduction_min_page']:8.1%} "
                f"{r['interactive_ids_lost']:9d}"
            )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
