"""Task ids become file names that cannot leave the run directory: hostile ids are encoded, reversibly."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiotic_gym.file_names import MAX_NAME, UnsafeNameError, file_name, name_of_file
from symbiotic_gym.results.run_dir import RunDir

HOSTILE = [
    "../escape",
    "..",
    ".",
    ".hidden",
    "maze/*",
    "/etc/passwd",
    "a\\b",
    "nul\x00byte",
    "x" * 1000,
    "é/日本",
    "100%",
    "a:b?c|d<e>f\"g'h",
    "~/home",
]


@pytest.mark.parametrize("task_id", HOSTILE)
def test_a_hostile_id_is_one_safe_path_component(task_id: str) -> None:
    name = file_name(task_id)
    assert "/" not in name and "\\" not in name and "\x00" not in name and "*" not in name
    assert not name.startswith(".") and len(name) <= MAX_NAME
    if len(task_id) < 100:
        assert name_of_file(name) == task_id  # reversible


def test_safe_ids_keep_their_names() -> None:
    for task_id in ("shop.order_total.0", "miniwob.click-test", "webarena.123", "a_b-c~d"):
        assert file_name(task_id) == task_id
    assert file_name("x" * 1000) != file_name("x" * 999)  # shortened names stay distinct
    with pytest.raises(UnsafeNameError, match="non-empty string"):
        file_name("")


def test_hostile_ids_stay_inside_the_run_directory(tmp_path: Path) -> None:
    root = tmp_path / "run"
    run = RunDir(root)
    for task_id in HOSTILE:
        run.write_trajectory(task_id, [{"step": 1, "action": "noop()", "screenshot_jpeg": b"\xff\xd8jpeg"}])
        record = {"_network_trace": {"log": {"entries": []}}, "_response": {"status": "SUCCESS"}}
        run.write_network(task_id, record)
        assert run.trajectory(task_id)[0]["action"] == "noop()"
        assert run.network_trace(task_id) is not None
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to((root / "trajectories").resolve()) for p in written)
    assert not (tmp_path / "escape.jsonl").exists() and not Path("/etc/passwd.jsonl").exists()
    names = {p.name for p in (root / "trajectories").iterdir()}
    assert "..%2Fescape.jsonl" not in names and "%2E.%2Fescape.jsonl" in names and "maze%2F%2A.jsonl" in names


def test_the_default_run_directory_is_one_name_under_runs() -> None:
    from symbiotic_gym.runner import RunConfig
    from symbiotic_gym.runner.engine import default_out

    assert default_out(RunConfig(agent="hybrid", suite="embedded")).name.startswith("hybrid-embedded-")
    out = default_out(RunConfig(agent="pkg.mod:Agent", suite="../x/*"))
    assert out.parent == Path("runs") and out.name.startswith("pkg.mod_Agent-%2E.%2Fx%2F%2A-")
