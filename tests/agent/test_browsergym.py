"""A BrowserGym/AgentLab-style agent (get_action + obs_preprocessor) runs unchanged through the adapter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from symbiotic_gym.agent import make_agent
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.runner import run_episode
from symbiotic_gym.suites.embedded.task_configs import get_task

_TASK = get_task("shop.product_price.0").raw  # the values the scripted agents below type and answer
PRODUCT = _TASK["instantiation_dict"]["product"]
PRICE = _TASK["eval"]["reference_answers"]["must_include"][0]

AGENT_SRC = '''
import re


class SearchThenAnswer:
    """Written against BrowserGym's observation keys, knowing nothing of symbiotic-gym."""

    def __init__(self, answer="__PRICE__"):
        self.answer = answer
        self.n = 0

    def obs_preprocessor(self, obs):
        assert obs["goal_object"][0]["text"] == obs["goal"]
        assert int(obs["active_page_index"][0]) == 0
        return {"text": obs["axtree_txt"], "goal": obs["goal"], "error": obs["last_action_error"]}

    def get_action(self, obs):
        self.n += 1
        if self.n == 1:
            bid = re.search(r"\\[(\\w+)\\] textbox 'Search products'", obs["text"]).group(1)
            return f'fill("{bid}", "__PRODUCT__")', {"think": "search", "stats": {"input_tokens": 10}}
        return f'send_msg_to_user("{self.answer}")', {"think": "answer", "stats": {"output_tokens": 3}}


class NeedsScreenshot:
    def get_action(self, obs):
        return "noop(0)", {"think": repr(obs["screenshot"].shape)}
'''


@pytest.fixture
def bg_module(tmp_path, monkeypatch):
    (tmp_path / "bg_style_agent.py").write_text(AGENT_SRC.replace("__PRICE__", PRICE).replace("__PRODUCT__", PRODUCT))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_get_action_agent_is_wrapped_automatically(bg_module) -> None:
    agent = make_agent("bg_style_agent:SearchThenAnswer")
    assert type(agent).__name__ == "BrowserGymAdapter"
    record, steps = run_episode(agent, "bg", "shop.product_price.0", max_steps=5, seed=0)
    assert record["error"] is None and record["steps"] == 2
    assert steps[0]["rationale"] == "search" and steps[0]["error_after"] == ""
    assert record["tokens_in_cloud"] == 10 and record["tokens_out_cloud"] == 3


def test_named_adapter_with_json_args(bg_module) -> None:
    agent = make_agent("browsergym", {"agent": "bg_style_agent:SearchThenAnswer", "args": '{"answer": "x"}'})
    assert agent.inner.answer == "x"


def test_unrequested_observation_key_is_explained(bg_module) -> None:
    agent = make_agent("browsergym", {"agent": "bg_style_agent:NeedsScreenshot", "obs_keys": ""})
    assert agent.obs_keys == ()
    record, _ = run_episode(agent, "bg", "shop.product_price.0", max_steps=2, seed=0)
    assert "obs['screenshot']" in record["error"] and "obs_keys=screenshot" in record["error"]


def test_browsergym_agents_get_stock_browsergym_keys_by_default(bg_module) -> None:
    agent = make_agent("bg_style_agent:NeedsScreenshot")
    assert agent.obs_keys == (
        "dom_object",
        "axtree_object",
        "extra_element_properties",
        "screenshot",
        "focused_element_bid",
    )
    record, steps = run_episode(agent, "bg", "shop.product_price.0", max_steps=1, seed=0)
    assert record["error"] is None
    assert steps[0]["rationale"] == "(720, 1280, 3)"  # the viewport, as an RGB array


def test_objects_without_any_agent_method_are_refused(bg_module) -> None:
    with pytest.raises(SymbioticGymError, match="neither act"):
        make_agent("pathlib:PurePath")


def test_adapter_runs_from_the_cli(bg_module, tmp_path) -> None:
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--agent",
            "bg_style_agent:SearchThenAnswer",
            "--tasks",
            "shop.product_price.0",
            "--out",
            str(tmp_path / "run"),
            "--quiet",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=240,
        env={**__import__("os").environ, "PYTHONPATH": f"{bg_module}:{root}"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(r"success 100\.0%", out.stdout), out.stdout
