"""Detector throughput on 5 kB accessibility-tree texts (goal: >= 1,000 observations/s on one core).

    python -m benchmarks.perf.privacy_speed [--n 2000] [--size 5000]

The texts look like real observations (links, buttons, prices, order numbers, form fields), a third of
them with a private value somewhere; one process, so the rate is per core.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def axtree_text(r: random.Random, size: int, private: str | None) -> str:
    lines = ["RootWebArea 'Shop', focused, url='http://127.0.0.1:8080/'"]
    n = 1
    while sum(len(x) + 1 for x in lines) < size:
        n += 1
        kind = r.random()
        if kind < 0.35:
            lines.append(
                f"\t[{n}] link 'Stainless Steel Water Bottle {r.randint(1, 999)} oz', url='http://127.0.0.1:8080/p/{n}'"
            )
        elif kind < 0.55:
            lines.append(f"\t\tStaticText '${r.randint(1, 500)}.{r.randint(0, 99):02d}'")
        elif kind < 0.7:
            lines.append(f"\t\tStaticText 'Order #{r.randint(1, 99999):09d} placed 2023-{r.randint(1, 12):02d}-11'")
        elif kind < 0.85:
            lines.append(f"\t[{n}] button 'Add to Cart'")
        else:
            lines.append(f"\t[{n}] textbox 'Search products' value='mug {r.randint(1, 99)}'")
    if private:
        lines.insert(r.randint(1, len(lines) - 1), f"\t\tStaticText '{private}'")
    return "\n".join(lines)[: size + 200]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.privacy_speed", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--size", type=int, default=5000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args(argv)
    from symbiotic_gym.privacy import default_detector
    from symbiotic_gym.privacy.synthetic import POSITIVES

    r = random.Random(0)
    texts = []
    for i in range(args.n):
        private = None
        if i % 3 == 0:
            make, contexts = POSITIVES[r.choice(list(POSITIVES))]
            private = r.choice(contexts).format(v=make(r)).replace("'", "")
        texts.append(axtree_text(r, args.size, private))
    det = default_detector()
    det.scan(texts[0])
    rates, cpu_rates, flagged = [], [], 0
    for _ in range(args.repeats):
        start, cpu = time.perf_counter(), time.process_time()
        flagged = sum(bool(det.scan(t)) for t in texts)
        rates.append(len(texts) / (time.perf_counter() - start))
        cpu_rates.append(len(texts) / (time.process_time() - cpu))
    size = statistics.fmean(len(t) for t in texts)
    # the CPU-time rate is what one core gives the detector when it is not shared (on a busy machine the
    # wall-clock rate also counts the time other processes held the core)
    print(
        f"{len(texts)} observations of {size / 1000:.1f} kB: "
        f"{statistics.median(rates):,.0f} observations/s on one core "
        f"(runs: {', '.join(f'{x:,.0f}' for x in rates)}); by CPU time {statistics.median(cpu_rates):,.0f}/s; "
        f"{flagged} flagged as private"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
