"""The paired table of an ablation: rates with n and ±, McNemar against the reference, training time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import paired_table as cli
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.paired import paired_table, render_markdown
from symbiotic_gym.results.run_dir import RunDir


def write_run(
    root: Path, solved: dict[str, bool | None], model: str = "", latency: float = 0.5, split: str = "test"
) -> Path:
    """A run directory; None stands for an episode that ended in an error."""
    run = RunDir(root)
    run.write_config({"agent": "distilled", "agent_args": {"model": model} if model else {}, "split": split})
    for task, ok in solved.items():
        error = "boom" if ok is None else None
        record = {"task_id": task, "split": split, "success": bool(ok), "reward": float(bool(ok)), "error": error}
        run.append_result(record)
        step = {"step": 1, "action": "noop()", "meta": {"usage": {"calls": 1, "latency_s": latency}}}
        run.write_trajectory(task, [step, {**step, "meta": {"usage": {"calls": 0, "latency_s": 0.0}}}])
    return root


def test_rows_are_paired_with_the_reference_on_the_tasks_both_scored(tmp_path: Path) -> None:
    tasks = [f"shop.t.{i}" for i in range(10)]
    floor = write_run(tmp_path / "floor", dict.fromkeys(tasks, False))
    model = tmp_path / "model"
    model.mkdir()
    (model / "train_stats.json").write_text(json.dumps({"runtime_s": 1800.0}))
    solved = {t: i < 7 for i, t in enumerate(tasks)}
    solved[tasks[9]] = None  # errored: out of n and of the pairing
    student = write_run(tmp_path / "student", solved, model=f"local:{model}", latency=0.8)
    rows = paired_table([("floor", floor), ("student", student)])
    ref, row = rows
    assert (ref.n, ref.successes, ref.reference, ref.p_value) == (10, 0, "", None)
    assert (row.n, row.successes, row.errors, row.paired_n) == (9, 7, 1, 9)
    assert (row.fixes, row.regressions) == (7, 0) and row.p_value == pytest.approx(2 / 2**7)
    assert row.success_rate == pytest.approx(7 / 9) and row.stderr > 0 and row.wilson95[0] > 0.4
    assert row.train_minutes == 30.0 and row.median_step_s == 0.8 and ref.train_minutes is None
    text = render_markdown(rows)
    assert "| student | test | 9 | 77.8 ± 13.9 |" in text and "+7 / −0 (9)" in text and "student: 1 errored" in text


def test_the_cli_writes_markdown_and_json_and_refuses_bad_rows(tmp_path: Path, capsys) -> None:
    a = write_run(tmp_path / "a", {"x.t.0": True, "x.t.1": False})
    b = write_run(tmp_path / "b", {"x.t.0": False, "x.t.1": True})
    out, js = tmp_path / "t.md", tmp_path / "t.json"
    assert cli.main([f"base={a}", f"new={b}", "--reference", "new", "-o", str(out), "--json", str(js)]) == 0
    rows = json.loads(js.read_text())
    assert [r["reference"] for r in rows] == ["new", ""] and (rows[0]["fixes"], rows[0]["regressions"]) == (1, 1)
    assert out.read_text() == capsys.readouterr().out
    assert cli.main([str(a)]) == 2 and "LABEL=RUN_DIR" in capsys.readouterr().err
    assert cli.main([f"a={a}", f"b={b}", "--reference", "c"]) == 2
    with pytest.raises(SymbioticGymError, match="unique"):
        paired_table([("a", a), ("a", b)])
    with pytest.raises(SymbioticGymError, match="not a run directory"):
        paired_table([("a", tmp_path / "none")])


def test_follow_counts_the_leading_steps_taken_as_the_teacher_did(tmp_path: Path) -> None:
    def run(root: Path, actions: dict[str, list[str]], solved: bool) -> Path:
        out = RunDir(root)
        out.write_config({"agent": "x", "agent_args": {}})
        for task, acts in actions.items():
            out.append_result({"task_id": task, "split": "test", "success": solved, "reward": float(solved)})
            out.write_trajectory(task, [{"step": i + 1, "action": a, "meta": {}} for i, a in enumerate(acts)])
        return root

    teacher = run(tmp_path / "oracle", {"t.0": ["click('3')", "fill('5', 'mug')", "send_msg_to_user('Done')"],
                                        "t.1": ["click('4')", "send_msg_to_user('Done')"]}, True)  # fmt: skip
    student = run(tmp_path / "s", {"t.0": ["click( '3' )", "fill('5', 'mug')", "click('9')"],
                                   "t.1": ["click('8')", "click('4')"]}, False)  # fmt: skip
    (row,) = paired_table([("student", student)], follow=teacher)
    assert (row.followed_n, row.first_step_right, row.mean_steps_right, row.mean_reference_steps) == (2, 1, 1.0, 2.5)
    assert "| 1/2 | 1.0 of 2.5 |" in render_markdown([row])


def test_each_row_is_paired_within_its_split_by_default(tmp_path: Path) -> None:
    """Rows of two splits share no task: a test row pairs with the first test row and an unseen row with the
    first unseen row, and a pair forced across splits says it has no task in common instead of p = 1."""
    a_test = write_run(tmp_path / "a_test", {"x.t.0": True, "x.t.1": False})
    b_test = write_run(tmp_path / "b_test", {"x.t.0": True, "x.t.1": True})
    a_unseen = write_run(tmp_path / "a_unseen", {"y.u.0": False}, split="unseen")
    b_unseen = write_run(tmp_path / "b_unseen", {"y.u.0": True}, split="unseen")
    rows = [("a test", a_test), ("a unseen", a_unseen), ("b test", b_test), ("b unseen", b_unseen)]
    built = {r.label: r for r in paired_table(rows)}
    assert built["a test"].reference == "" and built["a unseen"].reference == ""
    assert (built["b test"].reference, built["b test"].fixes, built["b test"].paired_n) == ("a test", 1, 2)
    assert (built["b unseen"].reference, built["b unseen"].fixes, built["b unseen"].paired_n) == ("a unseen", 1, 1)
    across = paired_table(rows, "a test")
    assert across[1].paired_n == 0 and across[1].p_value is None
    assert "| a unseen | unseen | 1 | 0.0 ± 0.0 | 0.0–79.3 | a test | no task in common | — |" in render_markdown(
        across
    )
