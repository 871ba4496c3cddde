from __future__ import annotations

import pytest
from fakes import ScriptedLLM

from symbiotic_gym.llm import CacheMissError, RecordReplayLLM, begin_episode, request_key

MSGS = [{"role": "system", "content": "s"}, {"role": "user", "content": "which action?"}]


def test_request_key_is_stable_and_sensitive() -> None:
    k = request_key("m", MSGS, n=1, temperature=0.0, max_tokens=10, stop=[])
    assert k == request_key("m", [dict(m) for m in MSGS], n=1, temperature=0.0, max_tokens=10, stop=[])
    assert k != request_key("m2", MSGS, n=1, temperature=0.0, max_tokens=10, stop=[])
    assert k != request_key("m", MSGS, n=1, temperature=0.5, max_tokens=10, stop=[])
    assert k != request_key(
        "m", [*MSGS[:1], {"role": "user", "content": "which action? "}], n=1, temperature=0.0, max_tokens=10, stop=[]
    )


def _never() -> ScriptedLLM:
    raise AssertionError("replay-strict must not build the model")


def test_record_then_replay_strict_gives_same_answers_per_occurrence(tmp_path) -> None:
    live = ScriptedLLM(["first", "second", "third"])
    rec = RecordReplayLLM("m", "cloud", lambda: live, tmp_path, "record")
    begin_episode("t1")
    got = [rec.complete(MSGS)[0].text for _ in range(3)]
    assert got == ["first", "second", "third"]

    strict = RecordReplayLLM("m", "cloud", _never, tmp_path, "replay-strict")
    begin_episode("t1")
    replayed = [strict.complete(MSGS)[0] for _ in range(3)]
    assert [c.text for c in replayed] == got
    assert all(c.cached for c in replayed)
    assert replayed[0].tokens_in > 0 and replayed[0].route == "cloud"  # recorded usage travels with the answer
    with pytest.raises(CacheMissError, match="no recorded answer"):
        strict.complete(MSGS)  # a fourth occurrence was never recorded
    with pytest.raises(CacheMissError):
        strict.complete([{"role": "user", "content": "never asked"}])


def test_replay_fills_misses_and_record_rerecords(tmp_path) -> None:
    replay = RecordReplayLLM("m", "local", lambda: ScriptedLLM(["a"]), tmp_path, "replay")
    begin_episode("t")
    assert replay.complete(MSGS)[0].text == "a" and replay.misses == 1
    begin_episode("t")
    assert replay.complete(MSGS)[0].text == "a" and replay.hits == 1
    rec = RecordReplayLLM("m", "local", lambda: ScriptedLLM(["b"]), tmp_path, "record")
    begin_episode("t")
    assert rec.complete(MSGS)[0].text == "b"
    strict = RecordReplayLLM("m", "local", _never, tmp_path, "replay-strict")
    begin_episode("t")
    assert strict.complete(MSGS)[0].text == "b"


def test_corrupt_entry_names_the_file(tmp_path) -> None:
    rec = RecordReplayLLM("m", "local", lambda: ScriptedLLM(["a"]), tmp_path, "record")
    begin_episode("t")
    rec.complete(MSGS)
    (path,) = tmp_path.rglob("*.json")
    path.write_text("{torn")
    strict = RecordReplayLLM("m", "local", _never, tmp_path, "replay-strict")
    with pytest.raises(Exception, match="Corrupt LLM cache entry"):
        strict.complete(MSGS)


class _Chooser(ScriptedLLM):
    """A scripted model that chooses the continuation its script names (test double)."""

    def choose(self, messages, continuations, *, search="greedy"):  # type: ignore[no-untyped-def]
        from symbiotic_gym.llm.base import Choice

        text = self.complete(messages)[0].text
        return Choice(index=list(continuations).index(text), logprob=-0.5, forwards=3, prompt_tokens=7)


def test_a_choice_records_and_replays_strictly_per_occurrence(tmp_path) -> None:
    """decide=choose through the cache: the recorded index comes back without building the model, keyed by the
    continuations too; a model that cannot choose is named."""
    options = [" click('Save')", " go_back()"]
    rec = RecordReplayLLM("m", "local", lambda: _Chooser([" go_back()", " click('Save')"]), tmp_path, "record")
    begin_episode("t")
    assert [rec.choose(MSGS, options).index for _ in range(2)] == [1, 0]
    strict = RecordReplayLLM("m", "local", _never, tmp_path, "replay-strict")
    begin_episode("t")
    assert [strict.choose(MSGS, options).index for _ in range(2)] == [1, 0]
    with pytest.raises(CacheMissError, match="no recorded choice"):
        strict.choose(MSGS, [*options, " scroll(0, 500)"])  # another set of continuations: another request
    plain = RecordReplayLLM("m", "cloud", lambda: ScriptedLLM(["x"]), tmp_path / "plain", "record")
    with pytest.raises(Exception, match="cannot choose"):
        plain.choose(MSGS, options)
