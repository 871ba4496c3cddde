"""The rag agent puts retrieved trajectories in the prompt (or not, for the ablation) and records their ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import OracleResponder, ScriptedLLM

from benchmarks import kb as kb_cli
from benchmarks.run import main as run_main
from symbiotic_gym import llm
from symbiotic_gym.agent import make_agent
from symbiotic_gym.runner import run_episode


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rag")
    run = root / "train"
    tasks = "shop.product_price.0,shop.product_price.2,forum.post_author.1"
    assert run_main(["--agent", "oracle", "--tasks", tasks, "--workers", "0", "--out", str(run), "--quiet"]) == 0
    assert kb_cli.main(["build", "--kb", str(root / "kb"), str(run), "--no-dense"]) == 0
    return root / "kb"


def test_retrieved_examples_reach_the_prompt_and_the_trajectory(kb: Path) -> None:
    fake = ScriptedLLM(OracleResponder("shop.product_price.1", "occam"))
    llm.register_llm("fake", fake)
    agent = make_agent("rag", {"kb": str(kb), "model": "fake", "mode": "bm25", "k": 2})
    record, steps = run_episode(agent, "rag", "shop.product_price.1", max_steps=10, seed=0)
    assert record["success"]
    prompt = fake.calls[0][-1]["content"]
    assert prompt.startswith("EXAMPLES of earlier trajectories") and "shop" in prompt.split("TASK:")[0]
    assert len(steps[0]["meta"]["retrieved"]) == 2 and steps[0]["meta"]["retrieval"]["enabled"]


def test_ablation_has_no_examples_and_own_task_is_never_retrieved(kb: Path) -> None:
    fake = ScriptedLLM(OracleResponder("shop.product_price.0", "occam"))
    llm.register_llm("fake", fake)
    agent = make_agent("rag", {"retrieval": False, "model": "fake"})
    _, steps = run_episode(agent, "rag", "shop.product_price.0", max_steps=10, seed=0)
    assert "EXAMPLES" not in fake.calls[0][-1]["content"] and steps[0]["meta"]["retrieved"] == []

    fake2 = ScriptedLLM(OracleResponder("shop.product_price.0", "occam"))
    llm.register_llm("fake2", fake2)
    agent = make_agent("rag", {"kb": str(kb), "model": "fake2", "mode": "bm25"})
    _, steps = run_episode(agent, "rag", "shop.product_price.0", max_steps=10, seed=0)
    from symbiotic_gym.knowledge.base import KnowledgeBase

    ids = {e.id: e.task_id for e in KnowledgeBase.load(kb).entries}
    assert steps[0]["meta"]["retrieved"] and all(
        ids[i] != "shop.product_price.0" for i in steps[0]["meta"]["retrieved"]
    )


def test_rag_without_a_kb_is_refused() -> None:
    with pytest.raises(Exception, match="needs -A kb=DIR"):
        make_agent("rag", {})
