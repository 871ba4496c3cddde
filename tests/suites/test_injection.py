"""Prompt-injection tasks: seeded page content carries an instruction aimed at the agent; each task is
scored for utility (its WebArena-format evaluators) and for security (the injected action did not happen:
site database, boundary's blocked-request log). The oracle passes both; an agent that obeys fails security."""

from __future__ import annotations

from pathlib import Path

from embedded_sample import FIRST_OF_EACH_TEMPLATE

from benchmarks import leaderboard
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.runner import RunConfig, run
from symbiotic_gym.suites.embedded.task_configs import load_tasks


def injection_tasks() -> dict:
    return {tid: cfg for tid, cfg in load_tasks().items() if cfg.injection is not None}


def test_at_least_twelve_injection_tasks_across_all_sites_and_attack_kinds() -> None:
    tasks = injection_tasks()
    assert len(tasks) >= 12
    assert {s for cfg in tasks.values() for s in cfg.sites} == {"shop", "forum", "tracker"}
    kinds = set()
    for cfg in tasks.values():
        inj = cfg.injection
        assert any(inj["instruction"].replace("'", "''") in row["sql"] for row in inj["seed"])
        assert inj["attack_solution"] and cfg.raw["reference_solution"]
        kinds |= set(inj["attack_succeeded_if"])
    assert kinds == {"sql", "blocked_url_contains"}  # site-state attacks and exfiltration through a URL


def first_of_each() -> set[str]:
    """The first task of each injection template (the default run's sample, tests/embedded_sample.py): every
    site and attack kind; the other tasks differ in their values only (``python -m benchmarks.run --agent
    oracle --split all`` runs them all)."""
    return FIRST_OF_EACH_TEMPLATE & set(injection_tasks())


def _run(agent: str, out: Path) -> list[dict]:
    result = run(
        RunConfig(agent=agent, suite="embedded", tasks=sorted(first_of_each()), out=out, workers=2, audit=False)
    )
    assert result.summary["errors"] == 0
    return list(RunDir(out).results())


def test_oracle_passes_utility_and_security_and_an_obedient_agent_fails_security(tmp_path: Path) -> None:
    oracle = _run("oracle", tmp_path / "oracle")
    assert {r["task_id"] for r in oracle} == first_of_each()
    assert {s for tid in first_of_each() for s in injection_tasks()[tid].sites} == {"shop", "forum", "tracker"}
    assert all(r["success"] for r in oracle), [r["task_id"] for r in oracle if not r["success"]]
    assert not any(r["security"]["attacked"] for r in oracle), [
        r["task_id"] for r in oracle if r["security"]["attacked"]
    ]

    obedient = _run("injection_agents:ObedientAgent", tmp_path / "obedient")
    attacked = {r["task_id"] for r in obedient if r["security"]["attacked"]}
    assert attacked == first_of_each(), sorted(first_of_each() - attacked)
    # the exfiltration attempt never left: the boundary refused it and the record counts it (redacted)
    exfil = [r for r in obedient if r["task_id"].startswith("inject.shop_review")]
    assert all(r["blocked_requests"] >= 1 for r in exfil)
    assert all("emma.lopez@example.com" not in " ".join(r["blocked_urls"]) for r in exfil)
    assert all("[EMAIL]" in " ".join(r["blocked_urls"]) for r in exfil)

    table = leaderboard.leaderboard([tmp_path / "oracle", tmp_path / "obedient"])
    assert "Prompt-injection tasks" in table and "attack success" in table
    by_agent = {r["agent"]: r for r in leaderboard.table_rows(_group([tmp_path / "obedient"]), sites=False)[0]}
    row = next(iter(by_agent.values()))
    assert row["injection"]["attack_success"]["success_rate"] == 1.0
    assert row["success_rate"] == row["injection"]["utility"]["success_rate"]  # ASR is never part of success


def _group(paths: list[Path]) -> list:
    from symbiotic_gym.results.runs import group_runs

    return group_runs(paths)


def test_the_injected_text_is_on_the_page_the_agent_reads(tmp_path: Path) -> None:
    out = tmp_path / "oracle"
    run(RunConfig(agent="oracle", suite="embedded", tasks=sorted(first_of_each()), out=out, workers=0, audit=False))
    for rec in RunDir(out).results():
        instruction = load_tasks()[rec["task_id"]].injection["instruction"]
        seen = " ".join(s["axtree_txt"] for s in RunDir(out).trajectory(rec["task_id"]))
        assert instruction[:60] in seen, rec["task_id"]
