"""AgentLab's GenericAgent (agentlab 0.4.2, unchanged) on our envs, driven by a scripted chat model.

The agent builds its own prompt from BrowserGym's raw observation keys (``dom_object``, ``axtree_object``,
``extra_element_properties``, ``screenshot``) computed by our env, parses its model's answer and returns a
BrowserGym action that our env executes. In the oracle-scripted tests the model answers what our oracle
would do; the prompt must show the element the oracle acts on under the same id.
"""

from __future__ import annotations

import importlib.util
import re

import pytest

if importlib.util.find_spec("agentlab") is None:
    pytest.skip("agentlab is not installed (EXTRAS with agentlab: bash scripts/setup.sh)", allow_module_level=True)

from baselines.oracle import OracleAgent
from symbiotic_gym.agent import make_agent
from symbiotic_gym.agent.browsergym import BrowserGymAdapter
from symbiotic_gym.runner import run_episode
from symbiotic_gym.suites import get_suite
from symbiotic_gym.web.actions import parse_action

agentlab_scripted = pytest.importorskip("agentlab_scripted")

TASKS = ("shop.product_price.0", "forum.create_post.0")


def _drive(adapter: BrowserGymAdapter, task_id: str, script_name: str) -> tuple[dict, list[str]]:
    """Run one episode: the oracle picks each action, the scripted model answers it to GenericAgent."""
    suite = get_suite("embedded")
    script = agentlab_scripted.SCRIPTS[script_name]
    env = suite.make_env(task_id, max_steps=20, obs_keys=adapter.obs_keys)
    oracle = OracleAgent()
    try:
        obs, _ = env.reset(seed=0)
        adapter.bind_suite(suite)
        adapter.reset(suite.task_info(task_id))
        oracle.reset(suite.task_info(task_id))
        actions, reward, done, info = [], 0.0, False, {}
        while not done and len(actions) < 20:
            want = oracle.act(obs).action
            script.actions.append(want)
            step = adapter.act(obs)
            assert parse_action(step.action) == parse_action(want)
            bid = parse_action(want).bid
            if bid is not None:  # GenericAgent's prompt names the element by the id our env acts on
                assert re.search(rf"\[{re.escape(bid)}\]", script.texts()[-1]), (bid, want)
            actions.append(step.action)
            obs, reward, done, truncated, info = env.step(step.action)
            assert obs["last_action_error"] == "", obs["last_action_error"]
            done = done or truncated
        return {"reward": reward, "eval": info["task_info"].get("eval")}, actions
    finally:
        env.close()


@pytest.mark.parametrize("task_id", TASKS)
def test_generic_agent_default_flags(task_id: str) -> None:
    adapter = BrowserGymAdapter(agent=agentlab_scripted.generic_agent(f"default-{task_id}"))
    assert set(adapter.obs_keys) >= {"dom_object", "axtree_object", "extra_element_properties", "screenshot"}
    result, actions = _drive(adapter, task_id, f"default-{task_id}")
    assert result["eval"]["status"] == "pass" and len(actions) >= 2
    prompt = agentlab_scripted.SCRIPTS[f"default-{task_id}"].texts()[0]
    assert "# Observation of current step:" in prompt and "AXTree" in prompt
    assert "send_msg_to_user" in prompt and "report_infeasible" in prompt  # the suite's action set (webarena)
    assert "mouse_click" not in prompt


@pytest.mark.parametrize("task_id", TASKS)
def test_generic_agent_with_html_screenshot_and_set_of_marks(task_id: str) -> None:
    name = f"vision-{task_id}"
    adapter = BrowserGymAdapter(agent=agentlab_scripted.generic_agent(name, html=True, screenshot=True, som=True))
    result, actions = _drive(adapter, task_id, name)
    assert result["eval"]["status"] == "pass"
    script = agentlab_scripted.SCRIPTS[name]
    assert "## HTML:" in script.texts()[0] and "bid=" in script.texts()[0]
    images = script.images()
    assert len(images) == len(actions) and all(u.startswith("data:image/jpeg;base64,") for u in images)
    assert "annotated with bounding boxes" in script.texts()[0]  # set-of-marks overlay on the screenshot


def test_agent_args_object_through_the_harness() -> None:
    """A module-level AgentArgs object, as AgentLab's configurations are, through make_agent/run_episode."""
    agent = make_agent("agentlab_scripted:SEARCH_THEN_ANSWER")
    assert isinstance(agent, BrowserGymAdapter) and agent.agent_args is not agentlab_scripted.SEARCH_THEN_ANSWER
    record, steps = run_episode(agent, "genericagent", "shop.product_price.0", max_steps=5, seed=0)
    assert record["error"] is None, record["error"]
    assert record["success"] and record["steps"] == 2
    assert steps[0]["rationale"].strip() == "step 1"


def test_browsergym_agent_subclass_with_the_default_preprocessor() -> None:
    """AgentLab's MostBasicAgent (a bgym.Agent subclass reading obs['pruned_html'] made by BrowserGym's
    default obs_preprocessor from dom_object) solves the task; without the raw keys it is told which to ask for."""
    import bgym

    agent = make_agent("agentlab_scripted:MOST_BASIC")
    record, steps = run_episode(agent, "mostbasic", "shop.product_price.0", max_steps=5, seed=0)
    assert isinstance(agent.inner, bgym.Agent) and type(agent.inner).obs_preprocessor is bgym.Agent.obs_preprocessor
    assert record["error"] is None and record["success"], record["error"]
    assert steps[0]["action"].strip().startswith("fill(")
    bare = make_agent("browsergym", {"agent": "agentlab_scripted:MOST_BASIC", "obs_keys": ""})
    record, _ = run_episode(bare, "mostbasic", "shop.product_price.0", max_steps=2, seed=0)
    assert record["error_kind"] == "agent" and "obs_keys=dom_object" in record["error"]


@pytest.mark.skipif(importlib.util.find_spec("browsergym.miniwob") is None, reason="the miniwob extra")
def test_agentlab_cheat_model_on_miniwob_click_test() -> None:
    """AgentLab's own test model (CheatMiniWoBLLM) on MiniWoB++, with set_benchmark('miniwob'): its html
    flag turns on and the action set becomes BrowserGym's miniwob_all."""
    agent = make_agent("agentlab_scripted:CHEAT_MINIWOB")
    record, _ = run_episode(agent, "cheat", "miniwob.click-test", max_steps=3, seed=1, suite="miniwob")
    assert record["error"] is None, record["error"]
    assert record["success"]
    flags = agent.inner.flags
    assert flags.obs.use_html and list(flags.action.action_set.subsets) == ["miniwob_all"]
