"""The knowledge base: built from real runs, redacted, deduplicated, persisted, and searchable three ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import kb as kb_cli
from benchmarks.run import main as run_main
from symbiotic_gym.knowledge import entries_from_run
from symbiotic_gym.knowledge.base import KnowledgeBase
from symbiotic_gym.knowledge.entries import fill_goal_values, goal_values, mask_values, numbered_intent
from symbiotic_gym.privacy import redact
from symbiotic_gym.suites.embedded.private_values import private_values
from symbiotic_gym.web.actions import parse_action

PRIVATE_TASKS = "forum.change_password.0,shop.checkout_new_card.0,tracker.create_token.0,forum.message_phone.0"
PUBLIC_TASKS = "shop.product_price.1,forum.post_author.0,tracker.issue_assignee.0"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("kbruns")
    out = {}
    for name, tasks in (("private", PRIVATE_TASKS), ("public", PUBLIC_TASKS)):
        out[name] = root / name
        assert (
            run_main(["--agent", "oracle", "--tasks", tasks, "--workers", "0", "--out", str(out[name]), "--quiet"]) == 0
        )
    return out


@pytest.fixture(scope="module")
def kb(runs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kb") / "kb"
    assert kb_cli.main(["build", "--kb", str(folder), str(runs["private"]), str(runs["public"])]) == 0
    return folder


def all_values() -> list[str]:
    return [v for values in private_values().values() for v in values]


def test_no_seeded_secret_is_stored_or_retrievable(kb: Path, runs: dict[str, Path]) -> None:
    # the raw trajectories do hold them (the oracle typed the passwords, saw the token)...
    raw = "".join(p.read_text() for p in (runs["private"] / "trajectories").glob("*.jsonl"))
    assert sum(v in raw for v in all_values()) >= 3
    # ...the knowledge base holds none, in any file, and no query brings one back
    stored = b"".join(p.read_bytes() for p in kb.rglob("*") if p.is_file())
    leaked = [v for v in all_values() if v.encode() in stored]
    assert leaked == []
    base = KnowledgeBase.load(kb)
    for value in all_values():
        for mode in ("bm25", "hybrid"):
            for hit in base.search(f"password card token phone {value}", 5, mode):
                assert value not in json.dumps(hit.entry.to_dict())
    texts = json.dumps([e.to_dict() for e in base.entries])
    assert "[PASSWORD]" in texts or "[VALUE]" in texts


def test_search_modes_find_the_matching_task_family(kb: Path) -> None:
    base = KnowledgeBase.load(kb)
    for mode in ("bm25", "dense", "hybrid"):
        hits = base.search("What is the price of this product in the shop?", 3, mode)
        assert hits and hits[0].entry.task_id.startswith("shop.product_price"), (mode, [h.entry.task_id for h in hits])
    hits = base.search("assignee of an issue in the tracker", 2, "hybrid")
    assert hits[0].entry.task_id == "tracker.issue_assignee.0" and hits[0].rank == 1


def test_build_is_incremental_and_deduplicated(kb: Path, runs: dict[str, Path], capsys) -> None:
    before = KnowledgeBase.load(kb).stats()
    assert kb_cli.main(["build", "--kb", str(kb), str(runs["public"])]) == 0
    assert "0 new entries (3 already present)" in capsys.readouterr().out
    after = KnowledgeBase.load(kb)
    assert after.stats() == before and len(after.vectors) == before["documents"]


def test_save_load_roundtrip_and_cli(kb: Path, capsys) -> None:
    assert kb_cli.main(["stats", "--kb", str(kb)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entries"] == 7 and stats["by_agent"] == {"oracle": 7}
    assert kb_cli.main(["query", "--kb", str(kb), "change my forum password", "--k", "2", "--mode", "bm25"]) == 0
    out = capsys.readouterr().out
    assert "forum.change_password.0" in out and "(bm25," in out
    assert kb_cli.main(["stats", "--kb", str(kb.parent / "nope")]) == 2


def test_entries_mask_values_of_private_tasks(runs: dict[str, Path]) -> None:
    entries = {e.task_id: e for e in entries_from_run(runs["private"])}
    actions = [s.action for s in entries["forum.change_password.0"].steps]
    assert all("Maple@Harbor19" not in a for a in actions)
    # the old and new password were typed from the goal: they say which of its private values they were
    fills = [parse_action(a).args[1] for a in actions if a.startswith("fill(")]
    assert fills == ["[GOAL_VALUE_1]", "[GOAL_VALUE_2]", "[GOAL_VALUE_2]"]
    assert "<forum>" in entries["forum.change_password.0"].start_url
    message = entries["forum.message_phone.0"]
    typed = [parse_action(s.action).args[1] for s in message.steps if s.action.startswith("fill(")]
    # the recipient and subject are words of the (redacted) intent; the body carries the goal's phone number
    assert [t for t in typed if "[GOAL_VALUE_1]" in t] and all(t in numbered_intent(message.intent) for t in typed)
    assert "[GOAL_VALUE_1]" in message.render().splitlines()[0]  # the intent shows the values numbered alike
    card = entries["shop.checkout_new_card.0"]
    assert "[GOAL_VALUE_1]" in " ".join(s.action for s in card.steps)
    leaked = [v for v in all_values() if any(v in s.action for e in entries.values() for s in e.steps)]
    assert leaked == []


@pytest.mark.parametrize(
    ("action", "kept"),
    [
        ("fill('12', '(720) 555-0110')", "fill('12', '[GOAL_VALUE_1]')"),  # the goal's private value
        ("fill('3', 'Emma Lopez')", "fill('3', 'Emma Lopez')"),  # words the redacted intent shows anyway
        ("fill('12', '555-0110')", "fill('12', '[VALUE]')"),  # part of a private value: masked whole
        ("fill('12', '(720) 555-0199')", "fill('12', '[VALUE]')"),  # not the goal's: masked whole
        ("send_msg_to_user('Done')", "send_msg_to_user('[VALUE]')"),
        ("fill('12', 'Lopez to (720) 555-0110')", "fill('12', 'Lopez to [GOAL_VALUE_1]')"),
        ("click('4')", "click('4')"),
    ],
)
def test_a_private_tasks_value_is_kept_only_as_a_stretch_of_its_intent(action: str, kept: str) -> None:
    intent = "Change the phone number of the customer Emma Lopez to (720) 555-0110 in the admin panel."
    assert mask_values(action, intent) == kept
    masked = mask_values(action)  # without the intent every value is masked whole
    assert masked == action if action.startswith("click") else masked.endswith("'[VALUE]')")


def test_numbered_goal_values_round_trip() -> None:
    intent = "Change my forum password from Sunflower!2024 to Maple@Harbor19."
    values, numbered = goal_values(intent)
    assert values == ["Sunflower!2024", "Maple@Harbor19"]
    assert numbered == "Change my forum password from [GOAL_VALUE_1] to [GOAL_VALUE_2]."
    assert numbered_intent(redact(intent)) == numbered
    assert fill_goal_values(numbered, values) == intent
    assert fill_goal_values("[GOAL_VALUE_3]", values) is None


def test_vectors_are_float16_and_float32_knowledge_bases_still_load(kb: Path, tmp_path: Path) -> None:
    import shutil

    import numpy as np

    loaded = KnowledgeBase.load(kb)
    assert loaded.vectors.dtype == np.float16
    before = [h.entry.id for h in loaded.search("Change my forum password", 3, "dense")]
    old = tmp_path / "old"
    shutil.copytree(kb, old)
    np.save(old / "dense.npy", np.asarray(np.load(kb / "dense.npy"), dtype=np.float32))
    again = KnowledgeBase.load(old)
    assert again.vectors.dtype == np.float16
    assert [h.entry.id for h in again.search("Change my forum password", 3, "dense")] == before
