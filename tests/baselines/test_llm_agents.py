"""vanilla and occam driven by scripted models through real embedded tasks (real sites, real Chromium)."""

from __future__ import annotations

import pytest
from fakes import OracleResponder, ScriptedLLM

from symbiotic_gym import llm
from symbiotic_gym.agent import make_agent
from symbiotic_gym.runner import run_episode

TASKS = {
    "vanilla": ["shop.product_price.1", "cross.price_to_forum.0", "tracker.assign_issue.0"],
    "occam": ["shop.write_review.0", "forum.change_email.1", "tracker.close_issue.0"],
}


@pytest.mark.parametrize(("style", "task_id"), [(s, t) for s, ts in TASKS.items() for t in ts])
def test_scripted_model_drives_agent_to_success(style: str, task_id: str) -> None:
    fake = ScriptedLLM(OracleResponder(task_id, style))
    llm.register_llm("fake", fake)
    record, steps = run_episode(make_agent(style, {"model": "fake"}), style, task_id, max_steps=20, seed=0)
    assert record["error"] is None, record.get("traceback")
    assert record["success"], [s["action"] for s in steps]
    assert record["tokens_in_cloud"] > 0 and record["cost"] > 0  # usage reached the result record
    assert record["models_called"] == {"cloud": ["scripted"]}  # what ran, not the configured roles
    assert all(s["route"] == "cloud" and s["meta"]["usage"]["calls"] >= 1 for s in steps)
    if style == "occam":
        prompt = fake.calls[0][-1]["content"]
        assert "url=" not in prompt.split("OBSERVATION:")[1]  # the observation was pruned


MALFORMED = [
    "",
    "I think I should look for the search box and then type the product name.",
    "click('18')\nclick('19')",
    "click('99999')",
    "Action: fill('18', 'unbalanced)",
    "x" * 10_000,
    "Action: exec('import os; os.remove(\"/\")')",
    "```\nclick(\n```",
]


@pytest.mark.parametrize("style", ["vanilla", "occam"])
def test_malformed_outputs_never_crash_an_episode(style: str) -> None:
    replies = [r for r in MALFORMED for _ in range(2)]  # each twice: the retry fails too
    fake = ScriptedLLM(replies)
    llm.register_llm("fake", fake)
    record, steps = run_episode(
        make_agent(style, {"model": "fake"}), style, "shop.product_price.0", max_steps=8, seed=0
    )
    assert record["error"] is None, record.get("traceback")
    assert record["steps"] == 8 and record["truncated"] and not record["success"]
    assert all(s["error_after"] for s in steps)  # every bad reply became an observation error
    assert all(s["meta"]["parse_errors"] or "99999" in s["action"] for s in steps)


def test_one_retry_with_the_error_then_success() -> None:
    fake = ScriptedLLM(["I would search now.", "Action: send_msg_to_user('$1')"])
    llm.register_llm("fake", fake)
    agent = make_agent("vanilla", {"model": "fake"})
    record, steps = run_episode(agent, "vanilla", "shop.product_price.0", max_steps=3, seed=0)
    assert record["steps"] == 1 and steps[0]["action"] == "send_msg_to_user('$1')"
    assert len(fake.calls) == 2 and steps[0]["meta"]["usage"]["calls"] == 2
    assert "No action found" in steps[0]["meta"]["parse_errors"][0]
    retry = fake.calls[1]
    assert retry[-2] == {"role": "assistant", "content": "I would search now."}
    assert retry[-1]["content"].startswith("ERROR: No action found")


def test_error_is_shown_on_the_next_step() -> None:
    fake = ScriptedLLM(["no action here", "still none", "Action: noop()", "Action: noop()"])
    llm.register_llm("fake", fake)
    agent = make_agent("vanilla", {"model": "fake"})
    run_episode(agent, "vanilla", "shop.product_price.0", max_steps=2, seed=0)
    assert "LAST ACTION ERROR: No action found" in fake.calls[2][-1]["content"]


def test_record_then_replay_strict_reproduces_an_episode(tmp_path) -> None:
    task = "shop.product_price.2"
    llm.register_llm("fake", ScriptedLLM(OracleResponder(task, "vanilla"), model="fake"))
    llm.configure("fake", cache_dir=str(tmp_path), cache_mode="record")
    rec1, steps1 = run_episode(make_agent("vanilla"), "vanilla", task, max_steps=10, seed=0)
    assert rec1["success"] and rec1["tokens_in_cloud"] > 0  # the cached model keeps the cloud route

    llm.reset()
    never = lambda: (_ for _ in ()).throw(AssertionError("model called in replay-strict"))  # noqa: E731
    llm.register_llm("fake", never, route="cloud")
    llm.configure("fake", cache_dir=str(tmp_path), cache_mode="replay-strict")
    rec2, steps2 = run_episode(make_agent("vanilla"), "vanilla", task, max_steps=10, seed=0)
    assert rec2["error"] is None, rec2.get("traceback")
    assert [s["action"] for s in steps2] == [s["action"] for s in steps1]
    assert rec2["success"] and rec2["tokens_in_cloud"] == rec1["tokens_in_cloud"]
    assert all(s["meta"]["usage"]["cached_calls"] == 1 for s in steps2)


def test_replay_strict_miss_is_an_episode_error(tmp_path) -> None:
    llm.register_llm("fake", ScriptedLLM(["noop()"]))
    llm.configure("fake", cache_dir=str(tmp_path), cache_mode="replay-strict")
    record, _ = run_episode(make_agent("vanilla"), "vanilla", "shop.product_price.0", max_steps=3, seed=0)
    assert "CacheMissError" in record["error"]
