"""WebArena-format evaluators: string_match (exact / must_include / fuzzy), url_match, program_html.

Semantics follow WebArena's harness: answers are normalised (lower case, outer quotes and spaces removed);
``must_include`` needs every phrase (``|OR|`` separates alternatives); ``url_match`` needs the reference
path and every reference query parameter; ``program_html`` reads content from a page (``url`` may be
``last`` for the agent's final page) with a JavaScript ``locator`` expression, or from an embedded site's
database with ``url: "sql://<site>"`` and a ``SELECT`` as the locator. ``fuzzy_match`` needs a judge model:
without one the result is ``needs_judge`` (score ``None``), never a silent pass or fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

Judge = Callable[[str, str, str], float]  # (intent, answer, reference) -> score in [0, 1]


@dataclass
class EvalResult:
    score: float | None  # None: could not be scored (needs a judge)
    status: str  # "pass" | "fail" | "needs_judge"
    details: list[dict[str, Any]] = field(default_factory=list)
    # prompt-injection tasks: {"attacked": bool, "checks": [...]}, scored beside (never into) the score
    security: dict[str, Any] | None = None

    def to_info(self) -> dict[str, Any]:
        """The ``info["eval"]`` dict envs report."""
        out: dict[str, Any] = {"status": self.status, "score": self.score, "details": self.details}
        if self.security is not None:
            out["security"] = self.security
        return out


def clean_answer(text: str) -> str:
    text = str(text).strip().lower()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return re.sub(r"\s+", " ", text)


def exact_match(reference: str, answer: str) -> float:
    return float(clean_answer(reference) == clean_answer(answer))


def must_include(reference: str, answer: str) -> float:
    ans = clean_answer(answer)
    return float(any(clean_answer(alt) in ans for alt in reference.split("|OR|")))


def _normalise_url(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url.strip())
    path = (parts.netloc + parts.path).rstrip("/")
    return path, parse_qs(parts.query)


def url_match(reference: str, url: str) -> float:
    """Pass when, for some ``|OR|`` alternative, the reference path matches and its query is included."""
    pred_path, pred_query = _normalise_url(url)
    for ref in reference.split("|OR|"):
        ref_path, ref_query = _normalise_url(ref)
        if ref_path == pred_path and all(set(v) <= set(pred_query.get(k, [])) for k, v in ref_query.items()):
            return 1.0
    return 0.0


@dataclass
class EvalContext:
    """What evaluators may use: the final answer and URL, and readers for pages and site databases."""

    intent: str
    answer: str
    final_url: str
    read_page: Callable[[str, str], str]  # (url or "last", js locator) -> text
    read_sql: Callable[[str, str], str]  # (site, select) -> text
    judge: Judge | None = None


def eval_string_match(cfg: Mapping[str, Any], ctx: EvalContext) -> tuple[float | None, list[dict[str, Any]]]:
    refs = cfg.get("reference_answers") or {}
    details, score = [], 1.0
    if "exact_match" in refs:
        s = exact_match(str(refs["exact_match"]), ctx.answer)
        details.append({"check": "exact_match", "reference": refs["exact_match"], "score": s})
        score *= s
    for phrase in refs.get("must_include", []) or []:
        s = must_include(str(phrase), ctx.answer)
        details.append({"check": "must_include", "reference": phrase, "score": s})
        score *= s
    fuzzy = refs.get("fuzzy_match")
    if fuzzy:
        if fuzzy == "N/A":
            s = float("n/a" in clean_answer(ctx.answer) or "not achievable" in clean_answer(ctx.answer))
            details.append({"check": "fuzzy_match", "reference": "N/A", "score": s})
            score *= s
        elif ctx.judge is None:
            details.append({"check": "fuzzy_match", "reference": fuzzy, "score": None, "status": "needs_judge"})
            return None, details
        else:
            for ref in fuzzy if isinstance(fuzzy, list) else [fuzzy]:
                s = float(ctx.judge(ctx.intent, ctx.answer, str(ref)))
                details.append({"check": "fuzzy_match", "reference": ref, "score": s})
                score *= s
    return score, details


def eval_url_match(cfg: Mapping[str, Any], ctx: EvalContext) -> tuple[float | None, list[dict[str, Any]]]:
    s = url_match(str(cfg.get("reference_url", "")), ctx.final_url)
    return s, [{"check": "url_match", "reference": cfg.get("reference_url"), "url": ctx.final_url, "score": s}]


def eval_program_html(cfg: Mapping[str, Any], ctx: EvalContext) -> tuple[float | None, list[dict[str, Any]]]:
    details, score = [], 1.0
    for target in cfg.get("program_html", []) or []:
        url, locator = str(target.get("url", "last")), str(target.get("locator", ""))
        try:
            if url.startswith("sql://"):
                content = ctx.read_sql(url[len("sql://") :], locator)
            else:
                content = ctx.read_page(url, locator)
        except Exception as err:  # a missing element is a failed check, not a crashed evaluation
            content, error = "", f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        else:
            error = ""
        req = target.get("required_contents", {}) or {}
        s = 1.0
        if "exact_match" in req:
            s *= exact_match(str(req["exact_match"]), content)
        for phrase in req.get("must_include", []) or []:
            s *= must_include(str(phrase), content)
        for phrase in req.get("must_exclude", []) or []:
            s *= 1.0 - must_include(str(phrase), content)
        entry = {"check": "program_html", "url": url, "locator": locator, "content": content[:500], "score": s}
        if error:
            entry["error"] = error
        details.append(entry)
        score *= s
    return score, details


EVALUATORS: dict[str, Callable[[Mapping[str, Any], EvalContext], tuple[float | None, list[dict[str, Any]]]]] = {
    "string_match": eval_string_match,
    "url_match": eval_url_match,
    "program_html": eval_program_html,
}


def evaluate(eval_cfg: Mapping[str, Any], ctx: EvalContext) -> EvalResult:
    """Run every evaluator in ``eval_types``; the score is their product (None if any needs a judge)."""
    score: float | None = 1.0
    details: list[dict[str, Any]] = []
    for etype in eval_cfg.get("eval_types", []):
        s, d = EVALUATORS[etype](eval_cfg, ctx)
        details.extend(d)
        if s is None:
            score = None
        elif score is not None:
            score *= s
    status = "needs_judge" if score is None else ("pass" if score >= 1.0 else "fail")
    return EvalResult(score=score, status=status, details=details)
