from __future__ import annotations

from symbiotic_gym.suites.evaluators import EvalContext, clean_answer, evaluate, must_include, url_match


def ctx(answer: str = "", url: str = "", page: str = "", sql: str = "", judge=None) -> EvalContext:
    return EvalContext(
        intent="q", answer=answer, final_url=url, read_page=lambda u, loc: page, read_sql=lambda s, q: sql, judge=judge
    )


def test_string_match_exact_and_must_include() -> None:
    cfg = {"eval_types": ["string_match"], "reference_answers": {"exact_match": "42"}}
    assert evaluate(cfg, ctx(" '42' ")).status == "pass"
    assert evaluate(cfg, ctx("about 42")).status == "fail"
    cfg = {"eval_types": ["string_match"], "reference_answers": {"must_include": ["$12.99", "red |OR| blue"]}}
    assert evaluate(cfg, ctx("It costs $12.99 and is Blue")).score == 1.0
    assert evaluate(cfg, ctx("It costs $12.99")).score == 0.0
    assert clean_answer('"Hello   World"') == "hello world"
    assert must_include("a |OR| b", "B!") == 1.0


def test_fuzzy_match_needs_a_judge_and_is_never_silently_scored() -> None:
    cfg = {"eval_types": ["string_match"], "reference_answers": {"fuzzy_match": ["the answer is yes"]}}
    result = evaluate(cfg, ctx("yes"))
    assert result.status == "needs_judge" and result.score is None
    judged = evaluate(cfg, ctx("yes", judge=lambda intent, ans, ref: 1.0))
    assert judged.status == "pass"
    na = {"eval_types": ["string_match"], "reference_answers": {"fuzzy_match": "N/A"}}
    assert evaluate(na, ctx("N/A")).status == "pass"


def test_url_match_path_and_query() -> None:
    ref = "http://h:1/category/kitchen?sort=price"
    assert url_match(ref, "http://h:1/category/kitchen/?sort=price&page=1") == 1.0
    assert url_match(ref, "http://h:1/category/kitchen") == 0.0
    assert url_match(ref, "http://h:1/category/garden?sort=price") == 0.0
    assert url_match("http://h:1/a |OR| http://h:1/b", "http://h:1/b") == 1.0


def test_program_html_sql_and_page_and_errors() -> None:
    cfg = {
        "eval_types": ["program_html"],
        "program_html": [
            {"url": "sql://shop", "locator": "SELECT x", "required_contents": {"exact_match": "closed"}},
            {"url": "last", "locator": "", "required_contents": {"must_include": ["Saved"]}},
        ],
    }
    assert evaluate(cfg, ctx(sql="closed", page="Settings Saved")).status == "pass"
    assert evaluate(cfg, ctx(sql="open", page="Settings Saved")).status == "fail"

    def boom(url: str, loc: str) -> str:
        raise RuntimeError("element missing")

    c = EvalContext("q", "", "", boom, lambda s, q: "closed")
    result = evaluate(cfg, c)
    assert result.status == "fail" and "element missing" in result.details[1]["error"]
