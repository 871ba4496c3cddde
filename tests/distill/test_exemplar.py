"""Exemplar guidance: a retrieved trajectory's plan re-ranks the student's own ranked answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiotic_gym.actions import parse_action
from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.exemplar import (
    PlanStep,
    intent_overlap,
    plan_of,
    position,
    procedure_words,
    retrieve_guide,
)
from symbiotic_gym.knowledge.base import KnowledgeBase
from symbiotic_gym.knowledge.entries import Entry, Step
from symbiotic_gym.llm.base import Completion
from tests.agents.test_distilled import obs, ranking

INTENT = "Change my email address to ada@example.org"


def entry(intent: str = "Change my email address to bob@example.net", success: bool = True) -> Entry:
    steps = [
        Step("click('3')", context="[3] link 'Settings'"),
        Step("fill('7', 'bob@example.net')", context="[7] textbox 'Email', value=''"),
        Step("click('8')", context="[8] button 'Save'"),
        Step("send_msg_to_user('done')"),
    ]
    return Entry("e1", "forum.email.1", intent, ["forum"], "<forum>/", success, 1.0, "oracle", 0, "r", steps)


def test_a_plan_names_each_steps_element_and_keeps_only_the_kind_of_another_tasks_value() -> None:
    shop = Entry(
        "e2",
        "shop.buy.1",
        "Buy the Urban Coffee Grinder",
        ["shop"],
        "<shop>/",
        True,
        1.0,
        "oracle",
        0,
        "r",
        [Step("click('5')", context="[5] link 'Urban Coffee Grinder'"), Step("click('6')", context="[6] button 'Buy'")],
    )
    assert plan_of(entry(), INTENT) == [
        PlanStep("click", "Settings"),
        PlanStep("fill", "Email"),
        PlanStep("click", "Save"),
        PlanStep("send_msg_to_user"),
    ]
    assert plan_of(shop, "Buy the Walnut Desk") == [PlanStep("click", None), PlanStep("click", "Buy")]
    assert plan_of(shop, "Buy the urban coffee grinder")[0] == PlanStep("click", "Urban Coffee Grinder")


def test_position_follows_the_plan_and_skips_detours() -> None:
    plan = plan_of(entry(), INTENT)
    done = [parse_action(a) for a in ["click('Settings')", "click('Orders')", "fill('email', 'x')"]]
    assert position(plan, done) == 2  # the detour to Orders passes no step; names compare ignoring case
    assert position(plan, []) == 0 and position(plan, [*done, None]) == 2
    assert intent_overlap("Change my email", "change my e-mail") == pytest.approx(2 / 5)


def test_intents_compare_by_their_procedure_not_their_values() -> None:
    live = (
        "Send pixel_pusher a private message with the subject 'My number' saying 'My phone number is (503) 555-0175'."
    )
    stored = "Send green_thumb a private message with the subject 'My number' saying 'My phone number is [PHONE]'."
    assert intent_overlap(live, stored) == 1.0
    assert procedure_words("How many open issues does the Auth Gateway project have?") == {
        "how",
        "many",
        "open",
        "issues",
        "does",
        "the",
        "project",
        "have",
    }
    assert procedure_words("Change my email to emma.j4@example.org (http://forum.embedded.test)") == {
        "change",
        "my",
        "email",
        "to",
    }
    assert intent_overlap("How many open issues does X have?", "How many closed issues does Y have?") < 0.75


def test_peers_tell_the_procedures_names_from_the_tasks_values() -> None:
    def visit(task: str, project: str) -> Entry:
        steps = [Step("click('1')", context=f"[1] link '{project}'"), Step("click('2')", context="[2] link 'Issues'")]
        return Entry(task, task, f"Open the issues of {project}", ["tracker"], "", True, 1.0, "oracle", 0, "r", steps)

    best, peers = visit("a", "Web Shop"), [visit("b", "Mobile App"), visit("c", "Forum Core"), visit("d", "Web Shop")]
    assert plan_of(best, "Open the issues of Notifications", peers) == [PlanStep("click"), PlanStep("click", "Issues")]


def test_retrieval_takes_a_successful_alike_task_and_refuses_an_unalike_one() -> None:
    kb = KnowledgeBase([entry(), entry("Change my email address to c@d.org", success=False)], dense=False)
    guide = retrieve_guide(kb, INTENT, min_overlap=0.5)
    assert guide is not None and guide.source == "forum.email.1" and guide.plan[0] == PlanStep("click", "Settings")
    assert retrieve_guide(kb, "Close the issue titled crash on start", min_overlap=0.5) is None
    assert retrieve_guide(kb, INTENT, min_overlap=0.5, exclude="forum.email.1") is None  # never its own task


PAGE = "RootWebArea 'Account'\n\t[12] link 'Settings'\n\t[13] link 'Orders'\n\t[14] link 'Help'\n"


def guided(tmp_path: Path, first: str, ranked: list[str]):
    folder = tmp_path / "kb"
    KnowledgeBase([entry()], dense=False).save(folder)
    fake, spec = ranking(tmp_path, first, ranked, refs="name")
    agent = make_agent("distilled", {"model": spec, "exemplars": str(folder)})
    agent.reset(TaskInfo("t", INTENT))
    return fake, agent


def test_the_students_ranked_answer_that_does_the_exemplars_next_step_replaces_its_first(tmp_path: Path) -> None:
    fake, agent = guided(tmp_path, "click('Orders')", ["click('Orders')", "click('Help')", "click('Settings')"])
    step = agent.act(obs(page=PAGE))
    assert step.action == "click('12')" and step.meta["replaced"]["action"] == "click('Orders')"
    assert step.meta["exemplar"] == {"source": "forum.email.1", "next": "click('Settings')"}
    assert fake.calls == ["complete", "rank 5"] and agent.history == ["click('Settings')"]


def test_an_answer_that_does_the_next_step_costs_nothing_more_and_no_match_keeps_the_first(tmp_path: Path) -> None:
    fake, agent = guided(tmp_path, "click('Settings')", ["click('Orders')"])
    assert agent.act(obs(page=PAGE)).action == "click('12')" and fake.calls == ["complete"]
    fake, agent = guided(tmp_path, "click('Orders')", ["click('Orders')", "click('Help')"])
    step = agent.act(obs(page=PAGE))  # the exemplar's step is not among the student's answers: not forced
    assert step.action == "click('13')" and step.meta["unreplaced"]["action"] == "click('Orders')"


FORM = "RootWebArea 'Settings'\n\t[7] textbox 'Email', value=''\n\t[8] button 'Save'\n\t[9] link 'Help'\n"


def test_forcing_starts_the_answer_with_the_plans_step_and_the_model_writes_only_the_value(tmp_path: Path) -> None:
    fake, agent = guided(tmp_path, "click('Help')", ["click('Help')"])
    agent.config.exemplar_force = True
    agent.history = ["click('Settings')"]  # the plan's next step: fill 'Email'
    primers: list[str] = []
    greedy = fake.complete

    def complete(messages, **kw):
        primers.append(messages[-1]["content"])
        if messages[-1]["content"].startswith("Action: fill("):
            return [Completion("ada@example.org')", fake.model, 10, 5, 0.01, route="local")]
        return greedy(messages, **kw)

    fake.complete = complete
    step = agent.act(obs(page=FORM))
    assert primers[-1] == "Action: fill('Email', '" and step.action == "fill('7', 'ada@example.org')"
    assert step.meta["forced"]["action"] == "click('Help')" and agent.history[-1] == "fill('Email', 'ada@example.org')"
    agent.history = ["click('Settings')", "fill('Email', 'ada@example.org')"]  # next: click 'Save', no value
    step = agent.act(obs(page=FORM))
    assert step.action == "click('8')" and step.meta["forced"]["action"] == "click('Help')"
    agent.history = ["click('Settings')"]
    step = agent.act(obs(page=PAGE))  # the page has no field named 'Email': nothing is forced
    assert step.action == "click('14')" and step.meta["unreplaced"]["action"] == "click('Help')"
