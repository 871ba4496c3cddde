"""WebArena through our harness, without the real sites: real task configs against local stand-ins."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

if importlib.util.find_spec("webarena") is None or importlib.util.find_spec("browsergym.webarena") is None:
    pytest.skip("the webarena extra is not installed", allow_module_level=True)

import webarena_standins as standins
from fakes import ScriptedLLM

from benchmarks import doctor, leaderboard
from benchmarks.run import main as run_main
from symbiotic_gym.llm import register_llm
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.suites import select_tasks

AGENT = ["--agent", "faults:FaultyAgent"]  # answers the page's first heading


@pytest.fixture
def sites(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return standins.use(monkeypatch)


def records(out: Path) -> dict[str, dict]:
    return {r["task_id"]: r for r in RunDir(out).results()}


def test_selection_by_id_site_template_and_file(tmp_path: Path) -> None:
    assert len(select_tasks("webarena", "all")) == 812
    assert select_tasks("webarena", "test", "7,webarena.8") == ["webarena.7", "webarena.8"]
    assert all(t for t in select_tasks("webarena", "all", "site:map"))
    assert select_tasks("webarena", "all", "template:79")[:2] == ["webarena.7", "webarena.8"]
    ids = tmp_path / "lite.txt"
    ids.write_text("# my subset\nwebarena.9\nwebarena.377  # url_match\n")
    assert select_tasks("webarena", "all", f"@{ids}") == ["webarena.9", "webarena.377"]
    ordered = select_tasks("webarena", "all", "356,7")  # read-only tasks run before state-changing ones
    assert ordered == ["webarena.7", "webarena.356"]
    with pytest.raises(Exception, match="no train split"):
        select_tasks("webarena", "train")


def test_doctor_names_every_missing_variable_with_its_fix(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for var in ("WA_SHOPPING", "WA_SHOPPING_ADMIN", "WA_REDDIT", "WA_GITLAB", "WA_WIKIPEDIA", "WA_MAP", "WA_HOMEPAGE"):
        monkeypatch.delenv(var, raising=False)
    assert doctor.main(["--suite", "webarena"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] WA_GITLAB: not set" in out and "export WA_MAP=http://<host>:3000" in out
    assert "[ok  ] NLTK punkt_tab (offline)" in out
    assert "118 of 812 selected tasks will be reported as not scored" in out


def test_doctor_passes_on_working_sites_and_catches_a_dead_site_and_a_broken_login(
    sites: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert doctor.main(["--suite", "webarena"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "[ok  ] gitlab login: logged in" in out and "[ok  ] map answers" in out

    standins.BROKEN_LOGIN.add("shopping_admin")
    assert doctor.main(["--suite", "webarena"]) == 1
    assert "[FAIL] shopping_admin login: a login form is still shown" in capsys.readouterr().out
    standins.BROKEN_LOGIN.clear()

    monkeypatch.setenv("WA_REDDIT", standins.closed_port_url())
    assert doctor.main(["--suite", "webarena", "--no-login"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] reddit answers" in out and "no answer" in out and "start the reddit container" in out


def test_run_refuses_to_start_when_the_doctor_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.delenv("WA_MAP", raising=False)
    assert run_main([*AGENT, "--suite", "webarena", "--tasks", "7", "--out", str(tmp_path / "r")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "webarena is not ready" in err and "WA_MAP" in err
    assert not (tmp_path / "r" / "results.jsonl").exists()


def test_map_tasks_end_to_end_in_a_worker_process(sites: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = run_main([*AGENT, "--suite", "webarena", "--tasks", "7,9,377", "--workers", "1", "--out", str(out)])
    assert code == 0
    recs = records(out)
    assert recs["webarena.7"]["success"] and recs["webarena.7"]["eval_mode"] == "stock"  # exact_match
    assert recs["webarena.9"]["success"]  # must_include
    assert not recs["webarena.377"]["success"]  # url_match: the agent answered without opening the search
    assert recs["webarena.7"]["answer"].startswith("Pittsburgh International Airport")
    assert RunDir(out).load_config()["eval_mode"] == "stock"


def test_fuzzy_match_is_not_scored_without_a_judge_and_scored_with_one(
    sites: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    out = tmp_path / "nojudge"
    assert run_main([*AGENT, "--suite", "webarena", "--tasks", "7,8", "--workers", "0", "--out", str(out)]) == 0
    rec = records(out)["webarena.8"]
    assert rec["eval_status"] == "not_scored" and not rec["success"]
    assert "--judge-model" in json.dumps(rec["eval_details"])
    capsys.readouterr()
    assert leaderboard.main([str(out), "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)["rows"][0]
    assert row["n"] == 1 and row["not_scored"] == 1 and row["success_rate"] == 1.0  # excluded, and said so

    judge = ScriptedLLM(["correct"])
    register_llm("judge-fake", judge)
    out2 = tmp_path / "judged"
    code = run_main(
        [
            *AGENT,
            "--suite",
            "webarena",
            "--tasks",
            "8",
            "--workers",
            "0",
            "--judge-model",
            "judge-fake",
            "--out",
            str(out2),
        ]
    )
    assert code == 0
    rec = records(out2)["webarena.8"]
    assert rec["eval_status"] == "pass" and rec["success"]
    prompt = judge.calls[0][-1]["content"]
    assert "There is no airport within 5 km" in prompt and "pittsburgh international airport" in prompt.lower()


def _task(task_id: int, mode: str = "stock"):
    from symbiotic_gym.suites.webarena.task import WebArenaTask
    from symbiotic_gym.web.browser import shared_browser

    context = shared_browser().new_context()
    page = context.new_page()
    task = WebArenaTask(seed=0, task_id=task_id, mode=mode)
    task.setup(page)
    return task, context, context.pages[-1]


@pytest.mark.parametrize(
    ("task_id", "good", "bad"),
    [
        (7, standins.ADDRESS, "Pittsburgh airport"),  # exact_match
        (9, f"It is {standins.ADDRESS}.", "somewhere near Pittsburgh"),  # must_include
    ],
)
def test_string_match_passes_and_fails(sites: dict[str, str], task_id: int, good: str, bad: str) -> None:
    task, context, page = _task(task_id)
    try:
        assert task.evaluate_answer(page, good).status == "pass"
        assert task.evaluate_answer(page, bad).status == "fail"
    finally:
        task.teardown()
        context.close()


def test_url_match_passes_and_fails(sites: dict[str, str]) -> None:
    task, context, page = _task(377)
    try:
        assert task.evaluate_answer(page, "").status == "fail"  # still on the home page
        page.goto(sites["WA_MAP"] + "/search?query=restaurants%20near%20CMU%20ArtPark%20Lab")
        assert task.evaluate_answer(page, "").status == "pass"
    finally:
        task.teardown()
        context.close()


def test_program_html_stock_and_rectified_partial_credit(sites: dict[str, str]) -> None:
    for mode, expected_partial in (("stock", 0.0), ("rectified", pytest.approx(0.5))):
        task, context, page = _task(356, mode)
        try:
            page.select_option("select.routing_engines", index=1)
            page.fill("[name=route_from]", "Gates and Hillman Centers, Pittsburgh")
            page.fill("[name=route_to]", "Independence Hall, Philadelphia")
            full = task.evaluate_answer(page, "")
            assert full.status == "pass" and full.score == 1.0
            page.fill("[name=route_to]", "Independence Hall, Boston")  # one of two required phrases
            partial = task.evaluate_answer(page, "")
            assert partial.status == "fail" and partial.score == expected_partial
        finally:
            task.teardown()
            context.close()


def test_rectified_string_match_accepts_alternatives(sites: dict[str, str]) -> None:
    from symbiotic_gym.suites.webarena.rectified import alternatives

    assert alternatives("Pittsburgh |or| PIT") == ["Pittsburgh", "PIT"]
    task, context, page = _task(9, "rectified")
    try:
        assert task.evaluate_answer(page, standins.ADDRESS.upper()).status == "pass"
        assert task.evaluate_answer(page, "no idea").score == 0.0
    finally:
        task.teardown()
        context.close()


def test_leaving_the_webarena_sites_fails_the_episode(sites: dict[str, str]) -> None:
    import threading
    from http.server import ThreadingHTTPServer

    outside = ThreadingHTTPServer(("127.0.0.1", 0), standins.make_handler("wikipedia"))
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    task, context, page = _task(7)
    try:
        assert task.validate(page, [])[1] is False  # on the map site, no answer yet: not done
        page.context.new_page().goto(f"http://127.0.0.1:{outside.server_address[1]}/")
        reward, done, _, info = task.validate(page, [])
        assert done and reward == 0.0 and info["eval"]["status"] == "fail"
        assert info["eval"]["details"][0]["check"] == "authorized_urls"
    finally:
        task.teardown()
        context.close()
        outside.shutdown()
        outside.server_close()


def test_a_new_run_resets_the_instance_through_wa_full_reset(
    sites: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WA_FULL_RESET", standins.reset_server_url())
    standins.RESETS.clear()
    out = tmp_path / "run"
    assert run_main([*AGENT, "--suite", "webarena", "--tasks", "7", "--workers", "0", "--out", str(out)]) == 0
    assert standins.RESETS == ["/reset"]
    assert RunDir(out).load_config()["webarena_full_reset"]["url"] == standins.reset_server_url()
    # resuming does not reset again
    assert (
        run_main([*AGENT, "--suite", "webarena", "--tasks", "7", "--workers", "0", "--out", str(out), "--resume"]) == 0
    )
    assert standins.RESETS == ["/reset"]


def test_rectified_helper_call_never_pastes_the_agents_url_into_code() -> None:
    from symbiotic_gym.suites.webarena.rectified import LAST_URL, helper_call

    expr = helper_call("func:reddit_get_post_url('__last_url__')")
    assert expr == "reddit_get_post_url(__last_url__)"
    evil = "http://x/'+__import__('os').getcwd()+'"
    assert eval(expr, {"reddit_get_post_url": lambda u: u, LAST_URL: evil}) == evil


def test_the_boundary_keeps_webarenas_rule_and_nothing_leaves(sites: dict[str, str]) -> None:
    """On the WebArena suite too: no file is read, and a URL outside the WA_* sites reaches no server (the
    boundary proxy answers it) while the episode ends as a failure, WebArena's rule for leaving."""
    import threading
    from http.server import ThreadingHTTPServer

    from symbiotic_gym.suites import get_suite

    outside = ThreadingHTTPServer(("127.0.0.1", 0), standins.make_handler("wikipedia"))
    hits: list[str] = []
    original = outside.RequestHandlerClass.do_GET

    def counting(handler: Any) -> None:
        hits.append(handler.path)
        original(handler)

    outside.RequestHandlerClass.do_GET = counting  # type: ignore[method-assign]
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    env = get_suite("webarena").make_env("webarena.7", max_steps=5)
    try:
        obs, _ = env.reset(seed=0)
        obs, _, done, _, _ = env.step("goto('file:///etc/passwd')")
        assert "not allowed" in obs["last_action_error"] and "root:x:0:0" not in obs["axtree_txt"] and not done
        url = f"http://127.0.0.1:{outside.server_address[1]}/wiki"
        obs, reward, done, _, info = env.step(f"goto('{url}')")
        assert done and reward == 0.0 and info["task_info"]["eval"]["details"][0]["check"] == "authorized_urls"
        assert url in obs["last_action_error"] and {"method": "GET", "url": url} in info["blocked_requests"]
    finally:
        env.close()
        outside.shutdown()
        outside.server_close()
    assert hits == []


def test_task_setup_closes_its_login_tab_with_close_page(
    sites: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """BrowserGym's ``ui_login`` closes its login tab right after submitting the form; Playwright's own close can
    wait forever there (it hung the CI run in a task's setup), so the task's logins close it with close_page."""
    from symbiotic_gym.web import browser

    closed: list[str] = []
    close_page = browser.close_page

    def recording_close(page: Any) -> None:
        closed.append(page.url)
        close_page(page)

    monkeypatch.setattr(browser, "close_page", recording_close)
    task, context, page = _task(0)  # shopping_admin, require_login
    try:
        assert closed and len(context.pages) == 1
        assert page.locator("input[type=password]").count() == 0  # logged in
    finally:
        task.teardown()
        context.close()
