"""Leaderboard, regress, view and rescore on run directories (synthetic ones for the arithmetic, real ones
for what needs trajectories)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import leaderboard, regress, rescore, view
from benchmarks.run import main as run_main
from symbiotic_gym.results.run_dir import RunDir


def fake_run(root: Path, agent: str, outcomes: dict[str, bool], **over: Any) -> Path:
    """A run directory written directly: config + one result per task."""
    run = RunDir(root)
    config = {"agent": agent, "agent_args": over.pop("agent_args", {}), "suite": "embedded", "split": "test"}
    config.update(models={"large": "openai/gpt-4o", "small": "local"}, created="2026-11-24T10:00:00")
    run.write_config(config)
    for tid, ok in outcomes.items():
        rec = {
            "task_id": tid,
            "success": ok,
            "steps": 4,
            "sites": [tid.split(".")[0]],
            "eval_mode": "stock",
            "eval_status": "pass" if ok else "fail",
            "tokens_in_cloud": 100,
            "tokens_out_cloud": 10,
            "cost": 0.01,
            "wall_s": 2.0,
            "seed": 0,
            "error": None,
        }
        rec.update(over)
        run.append_result(rec)
    return root


def test_leaderboard_rows_carry_uncertainty_and_never_mix_modes(tmp_path: Path, capsys) -> None:
    a = fake_run(tmp_path / "a", "vanilla", {f"shop.t{i}": i < 6 for i in range(10)})
    b = fake_run(tmp_path / "b", "vanilla", {f"forum.t{i}": i < 2 for i in range(10)})  # same config: pooled
    c = fake_run(tmp_path / "c", "vanilla", {f"shop.t{i}": True for i in range(4)}, eval_mode="rectified")
    d = fake_run(tmp_path / "d", "occam", {"shop.t0": True, "shop.t1": False}, agent_args={"temperature": 0.5})
    RunDir(d).append_result({"task_id": "shop.j", "success": False, "eval_status": "not_scored", "eval_mode": "stock"})

    assert leaderboard.main([str(p) for p in (a, b, c, d)] + ["--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = {(r["agent"], r["eval_mode"]): r for r in doc["rows"]}
    assert set(rows) == {("vanilla", "stock"), ("vanilla", "rectified"), ("occam(temperature=0.5)", "stock")}
    pooled = rows[("vanilla", "stock")]
    assert pooled["n"] == 20 and pooled["successes"] == 8 and pooled["success_rate"] == pytest.approx(0.4)
    assert pooled["stderr"] == pytest.approx((0.4 * 0.6 / 20) ** 0.5)
    assert pooled["wilson95"][0] == pytest.approx(0.2188, abs=1e-3) and pooled["wilson95"][1] == pytest.approx(
        0.6134, abs=1e-3
    )
    assert pooled["tokens_cloud"] == 2200 and pooled["cost"] == pytest.approx(0.2)
    # BrowserGym leaderboard fields, in percent
    assert pooled["agent_name"].startswith("vanilla") and pooled["score"] == 40.0 and pooled["std_err"] == 11.0
    assert pooled["benchmark"] == "embedded/test" and pooled["original_or_reproduced"] == "Original"
    assert rows[("occam(temperature=0.5)", "stock")]["n"] == 2
    assert rows[("occam(temperature=0.5)", "stock")]["not_scored"] == 1  # excluded from n, and said so
    sites = {(r["agent"], r["site"]): r["n"] for r in doc["by_site"] if r["eval_mode"] == "stock"}
    assert sites[("vanilla", "shop")] == 10 and sites[("vanilla", "forum")] == 10

    assert leaderboard.main([str(a), str(b), "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert table[0]["site"] == "all" and table[0]["n"] == "20" and float(table[0]["success_rate"]) == 0.4

    assert leaderboard.main([str(a), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "| vanilla | large=openai/gpt-4o, small=local | embedded/test | stock | 10 | 60.0 ± 15.5 |" in md


def test_leaderboard_names_the_models_a_run_called(tmp_path: Path, capsys) -> None:
    # `-A model=local` runs the base model whatever the roles say: the row names what the episodes called
    called = fake_run(tmp_path / "a", "occam", {"shop.t0": False}, models_called={"local": ["local:Base"]})
    older = fake_run(tmp_path / "b", "vanilla", {"shop.t0": False})  # recorded before models_called
    assert leaderboard.main([str(called), str(older), "--format", "json"]) == 0
    labels = {r["agent"]: r["models"] for r in json.loads(capsys.readouterr().out)["rows"]}
    assert labels == {"occam": "local=local:Base", "vanilla": "large=openai/gpt-4o, small=local"}


def test_rows_name_a_local_model_by_name_and_content_hash_so_checkouts_pool(tmp_path: Path, capsys) -> None:
    """Runs recorded when local models were named by a path (two checkouts of the same adapter) pool in one row
    named by the adapter's folder name and content hash; a folder that is gone keeps its name alone."""
    import shutil

    from symbiotic_gym.llm.local import SHIPPED_STUDENT
    from symbiotic_gym.llm.registry import model_label

    label = model_label(f"local:{SHIPPED_STUDENT}")
    assert label.startswith("local:embedded-student@") and "/" not in label
    copies = []
    for name in ("checkout-a", "checkout-b"):
        copy = tmp_path / name / "embedded-student"
        shutil.copytree(SHIPPED_STUDENT, copy, ignore=shutil.ignore_patterns("exemplars", "*.png"))
        copies.append(copy)
    runs = [
        fake_run(tmp_path / f"run{i}", "distilled", {f"shop.t{i}": True}, tokens_in_local=5,
                 models_called={"local": [f"local:{copy}"]})
        for i, copy in enumerate(copies)
    ] + [fake_run(tmp_path / "gone", "distilled", {"shop.t9": True}, tokens_in_local=5,
                  models_called={"local": ["local:/no/such/checkout/embedded-student"]})]  # fmt: skip
    assert leaderboard.main([str(r) for r in runs] + ["--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {(r["models"], r["n"]) for r in rows} == {(f"local={label}", 2), ("local=local:embedded-student", 1)}


def test_leaderboard_html_and_plot(tmp_path: Path) -> None:
    a = fake_run(tmp_path / "a", "vanilla", {f"shop.t{i}": i < 3 for i in range(8)})
    out, png = tmp_path / "lb.html", tmp_path / "lb.png"
    assert leaderboard.main([str(a), "--format", "html", "-o", str(out), "--plot", str(png)]) == 0
    assert "<table>" in out.read_text() and "37.5 ± 17.1" in out.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_leaderboard_refuses_a_folder_that_is_not_a_run(tmp_path: Path, capsys) -> None:
    assert leaderboard.main([str(tmp_path)]) == 2
    assert "not a run directory" in capsys.readouterr().err


def test_exact_mcnemar() -> None:
    assert regress.mcnemar_exact(0, 0) == 1.0
    assert regress.mcnemar_exact(12, 0) == pytest.approx(2 / 4096)
    assert regress.mcnemar_exact(5, 1) == pytest.approx(2 * 7 / 64)
    assert regress.mcnemar_exact(1, 5) == regress.mcnemar_exact(5, 1)
    assert regress.mcnemar_exact(3, 3) == 1.0


def test_regress_gates_on_a_significant_drop_and_on_min_sr(tmp_path: Path, capsys) -> None:
    tasks = [f"shop.t{i}" for i in range(30)]
    base = fake_run(tmp_path / "base", "a", {t: True for t in tasks})
    small_drop = fake_run(tmp_path / "c1", "a", {t: i >= 2 for i, t in enumerate(tasks)})  # 2 flips: noise
    big_drop = fake_run(tmp_path / "c2", "a", {t: i >= 9 for i, t in enumerate(tasks)})  # 9 flips

    assert regress.main(["--baseline", str(base), "--candidate", str(small_drop)]) == 0
    out = capsys.readouterr().out
    assert "2 regressions, 0 fixes" in out and "p = 0.5" in out and "PASS" in out
    assert regress.main(["--baseline", str(base), "--candidate", str(big_drop)]) == 1
    out = capsys.readouterr().out
    assert "FAIL: significant drop" in out and "shop.t0" in out and "pass      FAIL" in out
    assert regress.main(["--baseline", str(base), "--candidate", str(small_drop), "--min-sr", "0.95"]) == 1
    assert "below --min-sr 95.0%" in capsys.readouterr().out
    # a committed JSON baseline (task -> bool), and summary.json's per_task
    mapping = tmp_path / "baseline.json"
    mapping.write_text(json.dumps({t: True for t in tasks}))
    assert regress.main(["--baseline", str(mapping), "--candidate", str(big_drop), "--alpha", "0.01"]) == 1
    assert "p = 0.003906" in capsys.readouterr().out
    assert regress.main(["--baseline", str(mapping), "--candidate", str(big_drop), "--alpha", "0.001"]) == 0
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({"per_task": {t: True for t in tasks}, "eval_mode": "stock"}))
    assert regress.main(["--baseline", str(summary), "--candidate", str(small_drop)]) == 0


def test_regress_errors_are_not_failures(tmp_path: Path, capsys) -> None:
    tasks = [f"shop.t{i}" for i in range(4)]
    base = fake_run(tmp_path / "base", "a", {t: False for t in tasks})  # a 0% baseline
    crashed = fake_run(
        tmp_path / "crashed",
        "a",
        {t: False for t in tasks},
        error="CacheMissError: no stored answer",
        error_kind="agent",
    )
    # a candidate that never ran to a score is not "0 regressions" against a 0% baseline: it fails, listed
    assert regress.main(["--baseline", str(base), "--candidate", str(crashed), "--min-paired", "0"]) == 1
    out = capsys.readouterr().out
    assert "candidate: 4 episodes, 4 errored" in out and "FAIL: 4 candidate episode(s) ended in an error" in out
    assert "shop.t3" in out and "PASS" not in out
    # opting out counts them as plain failures (the old pairing)
    assert regress.main(["--baseline", str(base), "--candidate", str(crashed), "--allow-errors"]) == 0
    assert "0 regressions, 0 fixes" in capsys.readouterr().out
    # a baseline with errors is refused, unless allowed
    assert regress.main(["--baseline", str(crashed), "--candidate", str(base)]) == 2
    assert "the baseline has 4 episode(s) that ended in an error" in capsys.readouterr().err
    assert regress.main(["--baseline", str(crashed), "--candidate", str(base), "--allow-errors"]) == 0
    # summary.json lists its errored tasks, so a committed summary baseline is checked the same way
    RunDir(crashed).summary_path.write_text(
        json.dumps({"per_task": {t: False for t in tasks}, "errored": tasks, "eval_mode": "stock"})
    )
    assert regress.main(["--baseline", str(RunDir(crashed).summary_path), "--candidate", str(base)]) == 2
    capsys.readouterr()


def test_regress_refuses_bad_input(tmp_path: Path, capsys) -> None:
    base = fake_run(tmp_path / "base", "a", {"shop.t0": True})
    other = fake_run(tmp_path / "other", "a", {"shop.t0": True}, eval_mode="rectified")
    disjoint = fake_run(tmp_path / "dis", "a", {"forum.x": True})
    assert regress.main(["--baseline", str(base), "--candidate", str(other)]) == 2
    assert "different evaluator modes" in capsys.readouterr().err
    assert regress.main(["--baseline", str(base), "--candidate", str(disjoint)]) == 2
    assert "only 0 task(s) are in both runs" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert regress.main(["--baseline", str(bad), "--candidate", str(base)]) == 2
    assert "expected a run directory" in capsys.readouterr().err


STRING_AND_URL_TASKS = "forum.comment_count.0,forum.post_author.0,forum.community_sorted.0,shop.category_sorted.0"


@pytest.fixture(scope="module")
def oracle_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "oracle"
    assert run_main(["--agent", "oracle", "--tasks", STRING_AND_URL_TASKS, "--workers", "0", "--out", str(out)]) == 0
    return out


def test_rescore_reproduces_stored_scores_and_catches_a_tampered_one(oracle_run: Path, tmp_path: Path, capsys) -> None:
    assert rescore.main([str(oracle_run)]) == 0
    assert "rescored 4 of 4 episodes: 4 reproduce the stored score, 0 differ" in capsys.readouterr().out

    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for name in ("config.json", "results.jsonl"):
        (tampered / name).write_text((oracle_run / name).read_text())
    (tampered / "trajectories").symlink_to(oracle_run / "trajectories")
    results = RunDir(tampered).raw_results()
    url_task = next(r for r in results if r["eval_types"] == ["url_match"])
    lines = [
        json.dumps({**r, "success": False, "reward": 0.0, "eval_status": "fail"} if r is url_task else r)
        for r in results
    ]
    (tampered / "results.jsonl").write_text("\n".join(lines) + "\n")
    assert rescore.main([str(tampered)]) == 1
    out = capsys.readouterr().out
    assert f"{url_task['task_id']}: mismatch" in out and "'recomputed': ('pass', 1.0)" in out


def test_rescore_recomputes_failures_and_cut_offs(tmp_path: Path, capsys) -> None:
    out = tmp_path / "random"
    args = ["--agent", "random", "-A", "stop_prob=0.4", "--tasks", STRING_AND_URL_TASKS, "--max-steps", "2"]
    assert run_main([*args, "--workers", "0", "--out", str(out), "--quiet"]) == 0
    assert rescore.main([str(out), "-v"]) == 0
    assert "rescored 4 of 4 episodes: 4 reproduce" in capsys.readouterr().out


def test_view_report_renders_every_episode_in_chromium(oracle_run: Path, tmp_path: Path) -> None:
    from symbiotic_gym.web.browser import shared_browser

    # markup in model output must be shown as text, never run
    traj = oracle_run / "trajectories" / "forum.comment_count.0.jsonl"
    steps = [json.loads(line) for line in traj.read_text().splitlines()]
    steps[0]["rationale"] = "<img src=x onerror=\"document.title='pwned'\"> look"
    copy = tmp_path / "run"
    copy.mkdir()
    for name in ("config.json", "results.jsonl"):
        (copy / name).write_text((oracle_run / name).read_text())
    (copy / "trajectories").mkdir()
    for f in (oracle_run / "trajectories").iterdir():
        (copy / "trajectories" / f.name).write_text(f.read_text())
    (copy / "trajectories" / traj.name).write_text("".join(json.dumps(s) + "\n" for s in steps))

    assert view.main([str(copy)]) == 0
    report = copy / "report.html"
    page = shared_browser().new_page()
    try:
        page.goto(report.resolve().as_uri())
        assert page.title().startswith("oracle on embedded")
        ids = page.eval_on_selector_all("section.episode", "els => els.map(e => e.dataset.task)")
        assert sorted(ids) == sorted(STRING_AND_URL_TASKS.split(","))
        assert page.locator("#episodes tbody tr").count() == 4
        assert page.locator("section.episode img").count() == 0
        assert "<img src=x" in page.inner_text("section[data-task='forum.comment_count.0']")
        assert "4/4 = 100.0%" in page.inner_text("body")
    finally:
        page.close()
