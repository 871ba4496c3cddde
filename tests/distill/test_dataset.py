"""Run directories -> datasets: kinds, filters, dedupe, split by task id, files and data card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import dataset as dataset_cli
from symbiotic_gym.distill.dataset import DatasetConfig, build_dataset, is_validation, load_examples, save_dataset
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.run_dir import RunDir

AX = "RootWebArea 'Shop'\n\t[3] link 'Cart'\n\t[4] textbox 'Search'\n\t[5] button 'Go'"


def step(n: int, action: str, rationale: str = "", error_after: str = "", meta: dict | None = None) -> dict[str, Any]:
    return {
        "step": n,
        "url": "http://shop/",
        "axtree_txt": AX,
        "last_action_error": "",
        "action": action,
        "rationale": rationale,
        "error_after": error_after,
        "meta": meta or {},
    }


def write_run(root: Path, agent: str, episodes: dict[str, tuple[bool, str, list[dict[str, Any]]]]) -> Path:
    run = RunDir(root)
    run.write_config({"agent": agent, "agent_args": {}, "models": {"small": "local"}, "suite": "embedded"})
    for task_id, (success, split, steps) in episodes.items():
        run.append_result(
            {
                "task_id": task_id,
                "success": success,
                "reward": float(success),
                "split": split,
                "goal": f"goal of {task_id}",
                "error": None,
            }
        )
        run.write_trajectory(task_id, steps)
    return root


@pytest.fixture()
def runs(tmp_path: Path) -> list[Path]:
    good = [
        step(1, "fill('4', 'mug')", "Search for it."),
        step(2, "click('5')", "Submit."),
        step(3, "noop(200)", "wait"),
        step(4, "click('9')", "bad id", error_after="no element 9"),
        step(5, "send_msg_to_user('12')", "Answer."),
    ]
    oracle = write_run(
        tmp_path / "oracle",
        "oracle",
        {
            "shop.a.0": (True, "train", good),
            "shop.a.1": (False, "train", good),  # failed episode
            "shop.b.0": (True, "test", good),  # held out
        },
    )
    again = write_run(tmp_path / "oracle2", "oracle", {"shop.a.0": (True, "train", good)})  # exact duplicate
    spec = write_run(
        tmp_path / "spec",
        "speculative",
        {
            "shop.c.0": (
                False,
                "train",
                [
                    step(1, "click('3')", "Open the cart.", meta={"speculative": {"decision": "accepted"}}),
                    step(2, "click('5')", "Go.", meta={"speculative": {"decision": "rejected"}}),
                    step(3, "click('4')", "?", meta={"speculative": {"decision": "no_candidates"}}),
                ],
            ),
        },
    )
    return [oracle, again, spec]


def test_kinds_filters_dedupe_and_held_out_tasks(runs: list[Path]) -> None:
    ds = build_dataset(runs, DatasetConfig(kinds=("action", "rationale_action", "summary")))
    tasks = {ex["task_id"] for ex in ds.train}
    # failed oracle episode out, held-out test task refused, failed speculative episode kept (labelled)
    assert tasks == {"shop.a.0", "shop.c.0"}
    assert ds.card["excluded_tasks"] == ["shop.b.0"]
    a0 = [ex for ex in ds.train if ex["task_id"] == "shop.a.0"]
    assert sorted({ex["step"] for ex in a0}) == [1, 2, 5]  # the wait and the failed action are dropped
    assert len(a0) == 9 and ds.card["counts"]["duplicates_dropped"] == 9  # the second run adds nothing
    c0 = [ex for ex in ds.train if ex["task_id"] == "shop.c.0" and ex["kind"] == "action"]
    assert [ex["decision"] for ex in c0] == ["accepted", "rejected"]  # the unlabelled step is dropped
    by_kind = {ex["kind"]: ex for ex in a0 if ex["step"] == 5}
    assert by_kind["action"]["messages"][-1] == {"role": "assistant", "content": "Action: send_msg_to_user('12')"}
    assert (
        by_kind["rationale_action"]["messages"][-1]["content"] == "Rationale: Answer.\nAction: send_msg_to_user('12')"
    )
    assert by_kind["summary"]["messages"][-1]["content"].startswith("Title: Shop")
    # the prompt carries the history of every earlier action, failed ones included
    assert "3. noop(200) 4. click('9')" in by_kind["action"]["messages"][1]["content"]


def test_multitask_target_is_learned_on_the_action_prompt(runs: list[Path]) -> None:
    """A multitask example has exactly the action example's prompt (what the agent sends live) and a target whose
    first line is the action example's whole target: the rationale and page summary follow it."""
    ds = build_dataset(runs[:1], DatasetConfig(kinds=("action", "multitask")))
    pairs = {(ex["step"], ex["kind"]): ex["messages"] for ex in ds.train if ex["task_id"] == "shop.a.0"}
    for n in (1, 2, 5):
        action, multi = pairs[(n, "action")], pairs[(n, "multitask")]
        assert multi[:-1] == action[:-1]
        first, rationale, title, url, *rest = multi[-1]["content"].split("\n")
        assert first == action[-1]["content"]
        assert rationale.startswith("Rationale: ") and title == "Title: Shop" and url == "URL: http://shop/"
        assert rest[0] == "Headings: none" and rest[-1] == "Links: 1"
    assert pairs[(1, "multitask")][-1]["content"].split("\n")[1] == "Rationale: Search for it."
    with pytest.raises(SymbioticGymError, match="multitask"):
        DatasetConfig(kinds=("summary",))


def test_keep_all_and_validation_split_by_task(runs: list[Path]) -> None:
    ds = build_dataset(runs[:1], DatasetConfig(kinds=("action",), keep="all", exclude_splits=()))
    assert {ex["task_id"] for ex in ds.train} == {"shop.a.0", "shop.a.1", "shop.b.0"}
    frac = 0.5
    ds = build_dataset(runs[:1], DatasetConfig(kinds=("action",), keep="all", exclude_splits=(), val_fraction=frac))
    val_tasks = {ex["task_id"] for ex in ds.validation}
    assert val_tasks == {t for t in ("shop.a.0", "shop.a.1", "shop.b.0") if is_validation(t, frac)}
    assert not val_tasks & {ex["task_id"] for ex in ds.train}


def test_save_load_and_cli(runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data"
    assert dataset_cli.main(["build", *map(str, runs), "--out", str(out), "--kinds", "rationale_action,summary"]) == 0
    assert "held-out tasks refused" in capsys.readouterr().out
    for name in ("train.jsonl", "validation.jsonl", "prompt_format.json", "data_card.json", "DATA_CARD.md"):
        assert (out / name).exists(), name
    from datasets import load_from_disk

    hf = load_from_disk(str(out / "hf"))
    rows = load_examples(out)
    assert hf["train"].num_rows == len(rows) and hf["train"][0]["messages"] == rows[0]["messages"]
    card = json.loads((out / "data_card.json").read_text())
    assert card["counts"]["by_agent"] == {"oracle": 6, "speculative": 4} and len(card["runs"]) == 3
    assert dataset_cli.main(["stats", str(runs[2])]) == 0
    assert "acceptance 50.0% (1/2" in capsys.readouterr().out


def test_clear_errors(runs: list[Path], tmp_path: Path) -> None:
    with pytest.raises(SymbioticGymError, match="not a run directory"):
        build_dataset([tmp_path / "nowhere"])
    with pytest.raises(SymbioticGymError, match="dataset is empty"):
        build_dataset([runs[0]], DatasetConfig(exclude_splits=("train", "test")))
    with pytest.raises(SymbioticGymError, match="kinds must be among"):
        DatasetConfig(kinds=("poem",))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "train.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(SymbioticGymError, match=r"train.jsonl:1: field 'messages'"):
        load_examples(bad)
    ds = build_dataset([runs[0]])
    save_dataset(ds, tmp_path / "ok", hf=False)
    assert not (tmp_path / "ok" / "hf").exists()


def test_the_card_counts_targets_whose_element_the_prompt_cuts_off(runs: list[Path]) -> None:
    from symbiotic_gym.distill.prompt import PromptFormat

    kinds = ("action", "rationale_action", "summary")
    counts = build_dataset(runs, DatasetConfig(kinds=kinds)).card["counts"]
    # fill('4'), click('5') of shop.a.0 and click('3'), click('5') of shop.c.0, in two kinds each; the
    # answer send_msg_to_user('12') and the summaries name no element
    assert (counts["element_targets"], counts["element_targets_shown"]) == (8, 8)
    short = DatasetConfig(kinds=kinds, prompt=PromptFormat(max_obs_chars=60))  # the first three lines
    cut = build_dataset(runs, short)
    shown = [ex["messages"][1]["content"] for ex in cut.train if "[4] " in ex["messages"][1]["content"]]
    assert shown and not any("[5] " in text for text in shown)  # the budget cuts the button off
    assert 0 < cut.card["counts"]["element_targets_shown"] < 8


def test_merge_keeps_each_datasets_examples_once_and_refuses_two_formats(
    runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An iteration's data is an earlier dataset plus a new run's: merging never drops the earlier examples (a
    rebuild's --max-per-template would), keeps each example once and refuses datasets in different formats."""
    from symbiotic_gym.distill.dataset import merge_datasets
    from symbiotic_gym.distill.prompt import PromptFormat

    cfg = DatasetConfig(kinds=("action",))
    first = save_dataset(build_dataset(runs[:1], cfg), tmp_path / "first", hf=False)
    second = save_dataset(build_dataset(runs[1:], cfg), tmp_path / "second", hf=False)  # repeats shop.a.0
    merged = merge_datasets([first, second])
    expected = load_examples(first) + [ex for ex in load_examples(second) if ex["task_id"] == "shop.c.0"]
    assert merged.train == expected
    assert merged.card["counts"]["duplicates_dropped"] == 3
    assert [m["counts"]["train"] for m in merged.card["merged_from"]] == [3, 5]
    assert len(merged.card["runs"]) == 3 and merged.card["excluded_tasks"] == ["shop.b.0"]
    out = tmp_path / "merged"
    assert dataset_cli.main(["merge", str(first), str(second), "--out", str(out), "--no-hf"]) == 0
    assert "5 train / 0 validation examples" in capsys.readouterr().out
    assert load_examples(out) == expected and PromptFormat.load(out) == cfg.prompt
    assert "## Merged from" in (out / "DATA_CARD.md").read_text()
    other = save_dataset(
        build_dataset(runs[1:], DatasetConfig(kinds=("action",), prompt=PromptFormat(max_obs_chars=999))),
        tmp_path / "other",
        hf=False,
    )
    with pytest.raises(SymbioticGymError, match="prompt format"):
        merge_datasets([first, other])
    with pytest.raises(SymbioticGymError, match="at least two"):
        merge_datasets([first])
    aside = save_dataset(
        build_dataset(runs[1:], DatasetConfig(kinds=("action",), exclude_tasks=("shop.a.0",))),
        tmp_path / "aside",
        hf=False,
    )
    with pytest.raises(SymbioticGymError, match=r"refused are in another: \['shop.a.0'\]"):
        merge_datasets([first, aside])  # shop.a.0 was set aside in one and trained on in the other
    assert dataset_cli.main(["merge", str(first), str(tmp_path / "nowhere"), "--out", str(out)]) == 2


def test_excluded_tasks_never_enter_whatever_their_split(runs: list[Path], tmp_path: Path) -> None:
    """A train task set aside (the tasks an acceptance rate is measured on) is refused like a held-out one."""
    ds = build_dataset(runs, DatasetConfig(kinds=("action",), exclude_tasks=("shop.c.0",)))
    assert {ex["task_id"] for ex in ds.train} == {"shop.a.0"}
    assert ds.card["excluded_tasks"] == ["shop.b.0", "shop.c.0"]
    assert ds.card["counts"]["episodes_skipped"]["excluded task"] == 1
    (tmp_path / "ids.txt").write_text("# set aside\nshop.c.0  # the acceptance task\n\nshop.zzz.1\n")
    out = tmp_path / "data"
    assert (
        dataset_cli.main(["build", *map(str, runs), "--out", str(out), "--exclude-tasks", f"@{tmp_path / 'ids.txt'}"])
        == 0
    )
    assert {ex["task_id"] for ex in load_examples(out)} == {"shop.a.0"}
    with pytest.raises(SystemExit):
        dataset_cli.main(["build", str(runs[0]), "--out", str(out), "--exclude-tasks", "@/nowhere/ids.txt"])


def test_paired_acceptance_pairs_steps_on_the_same_page(
    runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two students' speculative runs are compared on the steps both were judged on, page for page."""
    from symbiotic_gym.distill.speculative_stats import paired_acceptance

    def spec_step(n: int, decision: str, url: str = "http://shop/") -> dict[str, Any]:
        return {**step(n, "click('3')", meta={"speculative": {"decision": decision}}), "url": url}

    other = write_run(
        tmp_path / "spec2",
        "speculative",
        {
            "shop.c.0": (
                False,
                "train",
                [spec_step(1, "rejected"), spec_step(2, "accepted", url="http://shop/elsewhere")],
            )
        },
    )
    pa = paired_acceptance(runs[2], other)  # step 2 is on another page: only step 1 pairs
    assert (pa["paired"], pa["a_only"], pa["b_only"]) == (1, 1, 0) and pa["p_value"] == 1.0
    assert pa["a"]["successes"] == 1 and pa["b"]["successes"] == 0
    assert dataset_cli.main(["stats", str(runs[2]), str(other), "--paired"]) == 0
    assert "paired on 1 steps" in capsys.readouterr().out
    assert dataset_cli.main(["stats", str(runs[2]), "--paired"]) == 2
