"""The shipped student's default: guided by the shipped exemplars (``exemplars=auto``), any other model
unguided; the runner records the settled arguments; an exemplar only guides a task on its own sites."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.distilled import DistilledAgent, guidance_defaults
from agents.hybrid import HybridAgent
from agents.speculative import SpeculativeAgent
from symbiotic_gym.agent import AgentStep, ConfiguredAgent, register_agent
from symbiotic_gym.distill.exemplar import retrieve_guide
from symbiotic_gym.distill.shipped import SHIPPED_EXEMPLARS, SHIPPED_STUDENT
from symbiotic_gym.knowledge.base import KnowledgeBase
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.runner import RunConfig, run
from symbiotic_gym.suites.embedded.task_configs import load_tasks
from tests.agents.test_distilled import ranking

SHIPPED = f"local:{SHIPPED_STUDENT}"
FULL = {"exemplars": "shipped", "exemplar_force": True, "exemplar_values": True}
AUTO = {"decide": "auto"}  # recorded too: how the steps were decided (choose where no exemplar guides)


def test_the_shipped_student_is_guided_by_default_and_any_other_model_is_not(tmp_path: Path) -> None:
    assert guidance_defaults({"model": SHIPPED}) == {"model": SHIPPED, **FULL, **AUTO}
    assert guidance_defaults({"model": "local"}) == {"model": "local", **AUTO}  # the untrained base: the floor row
    none = {"model": SHIPPED, "exemplars": "none"}
    assert guidance_defaults(none) == {**none, **AUTO}
    assert guidance_defaults({"model": SHIPPED, "exemplar_values": False})["exemplar_values"] is False
    kb = {"model": SHIPPED, "exemplars": "runs/kb"}
    assert guidance_defaults(kb) == {**kb, **AUTO}
    assert guidance_defaults({"model": SHIPPED, "decide": "generate"})["decide"] == "generate"

    guided = DistilledAgent(model=SHIPPED)
    assert (guided.config.exemplars, guided.config.exemplar_force, guided.config.exemplar_values) == (
        "shipped",
        True,
        True,
    )
    assert guided.kb is not None
    assert DistilledAgent(DistilledAgent.Config(model=SHIPPED)).kb is not None
    assert DistilledAgent(model=SHIPPED, exemplars="none").kb is None
    _fake, spec = ranking(tmp_path, "click('Settings')", [], refs="name")
    assert DistilledAgent(model=spec).kb is None and DistilledAgent({"model": spec}).kb is None


def test_hybrid_records_its_local_sides_guidance_and_speculation_keeps_the_student_unguided() -> None:
    settled = HybridAgent.settle_args({"small": SHIPPED})
    assert json.loads(settled["small_args"]) == {**FULL, **AUTO}
    own = HybridAgent.settle_args({"small": SHIPPED, "small_args": '{"exemplars": "none"}'})
    assert json.loads(own["small_args"]) == {"exemplars": "none", **AUTO}
    assert HybridAgent.settle_args({"small": "local"}) == {"small": "local", "small_args": json.dumps(AUTO)}
    assert HybridAgent.settle_args({"style": "occam"}) == {"style": "occam"}
    spec = SpeculativeAgent(student_model=SHIPPED)
    assert spec.student.kb is None and spec.student.config.exemplars == "none"


def test_an_exemplar_guides_only_a_task_on_its_own_sites() -> None:
    kb = KnowledgeBase.load(SHIPPED_EXEMPLARS)
    task = next(t for t in load_tasks().values() if t.split == "test" and "change_email" in t.task_id)
    sites = tuple(task.raw["sites"])
    assert retrieve_guide(kb, task.intent, min_overlap=0.75, exclude=task.task_id, sites=sites) is not None
    assert retrieve_guide(kb, task.intent, min_overlap=0.75, exclude=task.task_id, sites=("shopping",)) is None


@register_agent("settles-its-args")
class SettlingAgent(ConfiguredAgent):
    @dataclass
    class Config:
        mode: str = "auto"

    @classmethod
    def settle_args(cls, args: dict[str, Any]) -> dict[str, Any]:
        return {**args, "mode": "settled"} if args.get("mode", "auto") == "auto" else dict(args)

    def reset(self, task: Any) -> None:
        pass

    def act(self, obs: Any) -> AgentStep:
        return AgentStep(f"send_msg_to_user('{self.config.mode}')")


def test_the_runner_records_and_runs_the_settled_arguments(tmp_path: Path) -> None:
    result = run(RunConfig(agent="settles-its-args", tasks="shop.*", limit=1, workers=0, out=tmp_path / "r"))
    assert result.n == 1
    config = json.loads((tmp_path / "r" / "config.json").read_text())
    assert config["agent_args"] == {"mode": "settled"}
    trajectory = RunDir(tmp_path / "r").trajectory(result.episodes[0].task_id)
    assert [step["action"] for step in trajectory] == ["send_msg_to_user('settled')"]
