"""Knowledge-base retrieval at scale: build time, memory and top-5 query latency (p50/p99).

    python -m benchmarks.perf.kb_speed [--steps 100000] [--queries 200] [--no-dense]

The corpus is synthetic but shaped like real entries (task intents x actions x element lines, one
document per step). Compared: bm25s (ours), rank-bm25 (BM25Okapi) on the same tokens, dense
all-MiniLM-L6-v2 (exact dot product) and the hybrid (both, fused by reciprocal rank).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import numpy as np

VERBS = ("Find", "Show", "Change", "Update", "Tell me", "Open", "Add", "Close", "Assign", "Reply to", "Upvote")
OBJECTS = ("price", "order total", "shipping address", "password", "milestone", "issue", "post", "review", "cart")
NOUNS = ("Stainless Steel Bottle", "Trail Runner Shoes", "Kitchen", "Garden", "Bug in login", "Weekly thread")
ACTIONS = ("click('{b}')", "fill('{b}', 'text')", "select_option('{b}', 'Price')", "send_msg_to_user('done')")
ROLES = ("link", "button", "textbox", "combobox", "checkbox")


def corpus(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    r = random.Random(seed)
    docs, queries = [], []
    while len(docs) < n:
        intent = f"{r.choice(VERBS)} the {r.choice(OBJECTS)} of '{r.choice(NOUNS)} {r.randint(1, 500)}'"
        for _ in range(r.randint(3, 12)):
            b = r.randint(1, 400)
            action = r.choice(ACTIONS).format(b=b)
            line = f"[{b}] {r.choice(ROLES)} '{r.choice(NOUNS)} {r.randint(1, 500)}'"
            docs.append(f"{intent} | {action} | open the {r.choice(OBJECTS)} page | {line}")
        if len(queries) < 1000:
            queries.append(f"{intent} {r.choice(NOUNS)}")
    return docs[:n], queries


def pct(values: list[float], q: float) -> float:
    vals = sorted(values)
    return vals[min(len(vals) - 1, int(q * len(vals)))]


def timed(fn, queries: list[str]) -> dict[str, float]:
    lat = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        lat.append(1000 * (time.perf_counter() - t))
    return {"p50_ms": statistics.median(lat), "p99_ms": pct(lat, 0.99), "mean_ms": statistics.fmean(lat)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.perf.kb_speed", description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--no-dense", action="store_true")
    p.add_argument(
        "--dense-sample",
        type=int,
        default=0,
        help="encode only this many documents and repeat their vectors to the full size: query latency is "
        "measured on the full-size matrix, build time is extrapolated from the measured encoding rate",
    )
    p.add_argument("--out", default="runs/perf/kb_speed.json")
    args = p.parse_args(argv)
    import bm25s
    from rank_bm25 import BM25Okapi

    from symbiotic_gym.knowledge.base import RRF_K, dense_matrix, dense_top, embed, encoder, tokenize

    docs, queries = corpus(args.steps)
    queries = queries[: args.queries]
    results: dict[str, dict] = {}

    t = time.perf_counter()
    sparse = bm25s.BM25()
    sparse.index(tokenize(docs), show_progress=False)
    build = time.perf_counter() - t
    mem = sum(a.nbytes for a in (sparse.scores["data"], sparse.scores["indices"], sparse.scores["indptr"]))

    def bm25_query(q: str) -> list[int]:
        ids, _ = sparse.retrieve(tokenize([q]), k=5, show_progress=False, n_threads=1)
        return list(ids[0])

    results["bm25s"] = {"build_s": build, "index_mb": mem / 1e6, **timed(bm25_query, queries)}

    t = time.perf_counter()
    tokens = [d.lower().split() for d in docs]
    okapi = BM25Okapi(tokens)
    build = time.perf_counter() - t

    def okapi_query(q: str) -> list[int]:
        scores = okapi.get_scores(q.lower().split())
        return list(np.argpartition(-scores, 5)[:5])

    results["rank-bm25"] = {"build_s": build, **timed(okapi_query, queries[: min(50, len(queries))])}

    if not args.no_dense:
        encoder()
        t = time.perf_counter()
        sample = args.dense_sample if 0 < args.dense_sample < len(docs) else len(docs)
        vectors = embed(docs[:sample], batch_size=256)
        build = time.perf_counter() - t
        dense_note = {"encoded_docs": sample, "encode_docs_per_s": sample / build}
        if sample < len(docs):
            build = build * len(docs) / sample
            dense_note["build_s_extrapolated"] = True
            vectors = np.resize(vectors, (len(docs), vectors.shape[1]))

        vectors = vectors.astype(np.float16)  # as the knowledge base stores them
        matrix = dense_matrix(vectors)

        def dense_query(q: str) -> list[int]:
            return dense_top(matrix, embed([q])[0], 5)

        results["dense"] = {
            "build_s": build,
            "index_mb": vectors.nbytes / 1e6,
            **dense_note,
            **timed(dense_query, queries),
        }

        def hybrid_query(q: str) -> list[int]:
            fused: dict[int, float] = {}
            s_ids, _ = sparse.retrieve(tokenize([q]), k=100, show_progress=False, n_threads=1)
            d_ids = dense_top(matrix, embed([q])[0], 100)
            for ranking in (list(s_ids[0]), list(d_ids)):
                for rank, doc in enumerate(ranking):
                    fused[int(doc)] = fused.get(int(doc), 0.0) + 1 / (RRF_K + rank + 1)
            return sorted(fused, key=lambda d: -fused[d])[:5]

        results["hybrid"] = timed(hybrid_query, queries)

    # persistence: what a reload costs (the KB memory-maps its arrays)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        sparse.save(f"{tmp}/bm25", show_progress=False)
        if "dense" in results:
            np.save(f"{tmp}/dense.npy", vectors)
        saved = time.perf_counter() - t
        t = time.perf_counter()
        bm25s.BM25.load(f"{tmp}/bm25", mmap=True, show_progress=False)
        if "dense" in results:
            np.load(f"{tmp}/dense.npy", mmap_mode="r")
        results["persistence"] = {"save_s": saved, "load_s": time.perf_counter() - t}

    print(f"{args.steps:,} indexed steps, {len(queries)} queries, top-5")
    print(f"  save {results['persistence']['save_s']:.2f} s, reload {results['persistence']['load_s']:.3f} s")
    for name, r in results.items():
        if name == "persistence":
            continue
        extra = f"build {r['build_s']:.1f} s, " if "build_s" in r else ""
        extra += f"index {r['index_mb']:.0f} MB, " if "index_mb" in r else ""
        print(f"  {name:10s} {extra}p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"steps": args.steps, "queries": len(queries), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
