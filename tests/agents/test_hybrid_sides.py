"""Hybrid routes between two agents: each side builds its own prompt, and they share the episode's history."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import ScriptedLLM

from symbiotic_gym import llm
from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.prompt import PromptFormat, State, prompt_messages
from symbiotic_gym.errors import SymbioticGymError

PAGE = "RootWebArea 'Account'\n\t[5] main ''\n\t\t[12] textbox 'New e-mail'\n\t\t[13] button 'Save'\n"
PUBLIC_GOAL = "Open the account settings"
PRIVATE_GOAL = "Change my e-mail to jane.doe@example.com"


def sides(tmp_path: Path, fmt: PromptFormat) -> tuple[ScriptedLLM, ScriptedLLM, str]:
    """A cloud fake answering in occam's format and a local fake standing for a trained student's folder."""
    student = tmp_path / "student"
    fmt.save(student)  # the folder a trained adapter lives in: its prompt_format.json says how it was trained
    spec = f"local:{student}"
    cloud = ScriptedLLM(lambda m: "Highlights: 12\nReason: open it\nAction: click('12')", "fake-cloud", "cloud")
    local = ScriptedLLM(lambda m: "Rationale: type it\nAction: fill('12', 'x')", spec, "local")
    llm.register_llm("fake-cloud", cloud, route="cloud")
    llm.register_llm(spec, local, route="local")
    return cloud, local, spec


def obs(goal: str) -> dict[str, str]:
    return {"goal": goal, "url": "http://shop.embedded.test/account", "axtree_txt": PAGE, "last_action_error": ""}


def test_the_distilled_small_side_receives_exactly_its_training_format(tmp_path: Path) -> None:
    fmt = PromptFormat(output="rationale_action", max_obs_chars=900, history=3)
    cloud, local, spec = sides(tmp_path, fmt)
    agent = make_agent("hybrid", {"large": "fake-cloud", "small": spec})
    assert type(agent.small_side).__name__ == "DistilledAgent" and type(agent.large_side).__name__ == "OccamAgent"
    agent.reset(TaskInfo("t", PRIVATE_GOAL))
    step = agent.act(obs(PRIVATE_GOAL))
    assert step.meta["privacy"]["decided_route"] == "local" and step.meta["privacy"]["agent"] == "distilled"
    assert cloud.calls == []
    expected = prompt_messages(State(PRIVATE_GOAL, obs("")["url"], PAGE), fmt)
    sent = local.calls[0]
    assert sent[:-1] == expected  # what a dataset built with this format holds, byte for byte
    assert sent[-1] == {"role": "assistant", "content": "Rationale:"}  # the trained answer's first word


def test_the_sides_share_the_history_of_the_episode(tmp_path: Path) -> None:
    _cloud, local, spec = sides(tmp_path, PromptFormat(output="rationale_action"))
    agent = make_agent("hybrid", {"large": "fake-cloud", "small": spec, "sticky": False})
    agent.reset(TaskInfo("t", PUBLIC_GOAL))
    first = agent.act(obs(PUBLIC_GOAL))
    assert first.meta["privacy"]["decided_route"] == "cloud" and first.action == "click('12')"
    assert first.meta["privacy"]["agent"] == "occam" and local.calls == []
    agent.act(obs(PRIVATE_GOAL))  # private: the student decides, and is shown the cloud's step in its history
    assert "1. click('12')" in local.calls[0][1]["content"]
    assert [h.action for h in agent.large_side.history] == ["click('12')", "fill('12', 'x')"]


def test_rag_and_vanilla_work_as_the_large_side(tmp_path: Path) -> None:
    for name, args in (("rag", '{"retrieval": false}'), ("vanilla", "")):
        agent = make_agent("hybrid", {"large_agent": name, "large": "fake-cloud", "large_args": args})
        assert type(agent.large_side).__name__.lower().startswith(name[:3])
    with pytest.raises(SymbioticGymError, match="large_args must be a JSON object"):
        make_agent("hybrid", {"large_agent": "rag", "large": "fake-cloud", "large_args": "kb=x"})


def test_without_a_cloud_model_both_sides_are_the_small_agent(tmp_path: Path, monkeypatch) -> None:
    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "SYMBIOTIC_LARGE_MODEL"):
        monkeypatch.delenv(var, raising=False)
    _cloud, local, spec = sides(tmp_path, PromptFormat(output="rationale_action"))
    llm.configure(small=spec, announce=False)
    agent = make_agent("hybrid", {})
    assert agent.large_side is agent.small_side and agent.large_fallback
    agent.reset(TaskInfo("t", PUBLIC_GOAL))
    step = agent.act(obs(PUBLIC_GOAL))
    assert step.meta["privacy"]["decided_route"] == "local" and "fell back" in step.meta["privacy"]["reason"]
    assert (
        len(local.calls) == 1
        and local.calls[0][0]["content"] == prompt_messages(State(PUBLIC_GOAL, "", ""), PromptFormat())[0]["content"]
    )


def test_runs_with_workers_say_the_large_role_fallback_once_in_the_main_process(capsys, monkeypatch):
    """Workers configure their models silently, so the run itself says that the large role fell back."""
    from symbiotic_gym.agent import names_large_role, resolve_agent
    from symbiotic_gym.llm import configure
    from symbiotic_gym.llm.registry import announce_fallback, settings

    for key in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    assert names_large_role(resolve_agent("hybrid"), {})
    assert not names_large_role(resolve_agent("hybrid"), {"large": "small"})
    assert not names_large_role(resolve_agent("oracle"), {})
    configure(announce=True)
    assert settings().fallback_reason
    announce_fallback()
    announce_fallback()
    err = capsys.readouterr().err
    assert err.count("the large model role runs on the local small model") == 1


def test_a_student_that_names_elements_sees_the_cloud_steps_by_name(tmp_path: Path) -> None:
    """The cloud side acts by id; the student was trained on named actions, so its history names them."""
    fmt = PromptFormat(output="action", refs="name")
    _cloud, local, spec = sides(tmp_path, fmt)
    local._respond = lambda m: "Action: fill('New e-mail', 'jane.doe@example.com')"
    agent = make_agent("hybrid", {"large": "fake-cloud", "small": spec, "sticky": False})
    agent.reset(TaskInfo("t", PUBLIC_GOAL))
    assert agent.act(obs(PUBLIC_GOAL)).action == "click('12')"  # the cloud's step, by id
    step = agent.act(obs(PRIVATE_GOAL))
    assert step.meta["privacy"]["decided_route"] == "local" and step.action == "fill('12', 'jane.doe@example.com')"
    sent = local.calls[0][1]["content"]
    assert "Done: 1. click('New e-mail')" in sent and "[12]" not in sent  # its trained format: names, no ids


def test_a_worker_given_the_fallback_runs_the_small_agent_on_both_sides(tmp_path: Path, monkeypatch) -> None:
    """Workers receive the resolved specs (large = the student), so the main process hands them its fallback
    decision; without it a worker ran occam's prompt on the student for every public step."""
    from symbiotic_gym.llm import configure

    for var in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "SYMBIOTIC_LARGE_MODEL"):
        monkeypatch.delenv(var, raising=False)
    _cloud, _local, spec = sides(tmp_path, PromptFormat(output="action", refs="name"))
    configure(spec, spec, announce=False)  # what a worker was given: no reason, so occam on the student
    assert type(make_agent("hybrid", {}).large_side).__name__ == "OccamAgent"
    configure(spec, spec, announce=False, fallback_reason="no key")
    agent = make_agent("hybrid", {})
    assert agent.large_side is agent.small_side and type(agent.small_side).__name__ == "DistilledAgent"
