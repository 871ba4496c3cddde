"""The ``rectified`` evaluator mode: WebArena's checks with AgentOccam-style partial credit.

Implemented by us from AgentOccam's description of its changes to WebArena scoring, not from its code:

* ``must_include`` gives partial credit: the score of a list of required phrases is the fraction present,
  not the product (stock WebArena: any missing phrase scores 0);
* every phrase may list alternatives separated by ``|or|`` / ``|OR|`` (any one of them counts), in answers
  (``exact_match`` and ``must_include``) as in page contents (stock WebArena accepts ``|OR|`` only in
  ``program_html``);
* everything else (URL matching, locators, judges) is WebArena's.

The episode's reward is the resulting score in [0, 1]; ``success`` stays strict (score 1), and the
leaderboard reports the mean score next to the success rate. Rectified results are never pooled with
stock ones (every record carries its mode).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ALTERNATIVES = re.compile(r"\s*\|or\|\s*", re.IGNORECASE)


def alternatives(phrase: str) -> list[str]:
    return [p for p in ALTERNATIVES.split(str(phrase)) if p.strip()] or [str(phrase)]


def router(config_file: str | Path) -> Any:
    """An evaluator with libwebarena's interface (``__call__(trajectory, config_file, page, client)``)."""
    import json

    from webarena.evaluation_harness import evaluators as wa

    class RectifiedString(wa.StringEvaluator):
        def __call__(self, trajectory: Any, config_file: Any, page: Any = None, client: Any = None) -> float:
            configs = json.loads(Path(config_file).read_text(encoding="utf-8"))
            pred = self.clean_answer(self.get_last_action(trajectory)["answer"])
            score = 1.0
            for approach, value in configs["eval"]["reference_answers"].items():
                if approach == "exact_match":
                    score *= float(any(self.exact_match(ref=alt, pred=pred) for alt in alternatives(value)))
                elif approach == "must_include":
                    hits = [
                        any(self.must_include(ref=alt, pred=pred, tokenize=len(value) == 1) for alt in alternatives(v))
                        for v in value
                    ]
                    score *= sum(hits) / len(hits) if hits else 1.0
                else:  # fuzzy_match: exactly as stock (judge)
                    single = {**configs, "eval": {**configs["eval"], "reference_answers": {approach: value}}}
                    score *= _stock_string(wa, trajectory, single)
            return score

    class RectifiedHTML(wa.HTMLContentEvaluator):
        def __call__(self, trajectory: Any, config_file: Any, page: Any, client: Any = None) -> float:
            configs = json.loads(Path(config_file).read_text(encoding="utf-8"))
            result = 1.0
            for target in configs["eval"]["program_html"]:
                content = page_content(wa, target, page)
                required = target["required_contents"]
                if "exact_match" in required:
                    refs = alternatives(required["exact_match"])
                    result *= float(any(wa.StringEvaluator.exact_match(ref=r, pred=content) for r in refs))
                else:
                    phrases = required["must_include"]
                    hits = [
                        any(wa.StringEvaluator.must_include(ref=alt, pred=content) for alt in alternatives(p))
                        for p in phrases
                    ]
                    result *= sum(hits) / len(hits) if hits else 1.0
            return result

    stock = wa.evaluator_router(config_file)
    rectified = []
    for ev in stock.evaluators:
        if isinstance(ev, wa.StringEvaluator):
            rectified.append(RectifiedString())
        elif isinstance(ev, wa.HTMLContentEvaluator):
            rectified.append(RectifiedHTML())
        else:
            rectified.append(ev)
    return wa.EvaluatorComb(rectified)


def _stock_string(wa: Any, trajectory: Any, configs: dict[str, Any]) -> float:
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=True) as fh:
        json.dump(configs, fh)
        fh.flush()
        return float(wa.StringEvaluator()(trajectory, fh.name))


LAST_URL = "__last_url__"


def helper_call(expr: str) -> str:
    """A config's ``func:`` expression with the ``'__last_url__'`` placeholder as a variable name.

    The agent's final URL is agent-controlled: it is bound as a variable in the evaluation scope and never
    pasted into the source that ``eval`` compiles (a URL holding a quote would otherwise run code).
    """
    body = expr[len("func:") :] if expr.startswith("func:") else expr
    return body.replace(f"'{LAST_URL}'", LAST_URL).replace(f'"{LAST_URL}"', LAST_URL)


def page_content(wa: Any, target: dict[str, Any], page: Any) -> str:
    """The text a program_html target checks, selected by WebArena's rules: the target URL ("last" = the
    agent's final page; ``func:`` = a WebArena helper), then the locator (empty = the whole page,
    ``document...`` = a JS expression after its ``prep_actions``, ``func:`` = a WebArena helper)."""
    import html
    import time

    from webarena.evaluation_harness import helper_functions as helpers

    from symbiotic_gym.web.browser import close_page

    url = str(target["url"])
    scope = {name: getattr(helpers, name) for name in dir(helpers) if not name.startswith("_")}
    if url.startswith("func:"):
        url = str(eval(helper_call(url), {**scope, LAST_URL: page.url}))  # the expression is trusted config
    probe = None
    if url != "last":
        probe = page.context.new_page()
        probe.goto(url)
        time.sleep(3)  # WebArena waits this long for pages to render before reading them
    view = probe or page
    try:
        locator = str(target.get("locator") or "")
        if not locator.strip():
            content = view.content()
        elif locator.startswith(("document.", "[...document.")):
            for prep in target.get("prep_actions") or []:
                try:
                    view.evaluate(f"() => {prep}")
                except Exception:
                    pass
            try:
                content = str(view.evaluate(f"() => {locator}") or "")
            except Exception:
                content = ""
        elif locator.startswith("func:"):
            content = str(eval(locator[len("func:") :].replace("__page__", "view"), {**scope, "view": view}))
        else:
            raise ValueError(f"Unknown locator: {locator}")
    finally:
        if probe is not None:
            close_page(probe)
    return html.unescape(content)
