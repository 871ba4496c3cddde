"""Exemplar guidance: a retrieved trajectory's plan re-ranks the student's own ranked answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.exemplar import (
    PlanStep,
    answer_shape,
    intent_overlap,
    plan_of,
    position,
    procedure_words,
    retrieve_guide,
    says,
    slot_value,
)
from symbiotic_gym.knowledge.base import KnowledgeBase
from symbiotic_gym.knowledge.entries import Entry, Step
from symbiotic_gym.llm.base import Completion
from symbiotic_gym.web.actions import parse_action
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
        PlanStep("fill", "Email", "ada@example.org"),  # the value where the exemplar's stood in its intent
        PlanStep("click", "Save"),
        PlanStep("send_msg_to_user"),  # 'done' reports, it does not read the page
    ]
    assert plan_of(shop, "Buy the Walnut Desk") == [PlanStep("click", None), PlanStep("click", "Buy")]
    assert plan_of(shop, "Buy the urban coffee grinder")[0] == PlanStep("click", "Urban Coffee Grinder")
    # with values, the element the exemplar named by its intent's value is named by this task's
    assert plan_of(shop, "Buy the Walnut Desk", values=True)[0] == PlanStep("click", "Walnut Desk", named_by_goal=True)


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


def test_a_value_from_the_exemplars_intent_is_found_at_the_same_place_in_this_tasks_intent() -> None:
    theirs = "Add 2 units of the Bright Mouse to my cart."
    ours = "Add 6 units of the Modern Building Blocks to my cart."
    assert slot_value(theirs, "Bright Mouse", ours) == "Modern Building Blocks"  # another length, whole
    assert slot_value(theirs, "2", ours) == "6"
    assert slot_value(theirs, "bright mouse", ours) == "Modern Building Blocks"  # found ignoring case
    price = "Set the price of the Bright Watering Can to $146.97 in the admin panel."
    assert slot_value(price, "146.97", "Set the price of the Pro Tent to $104.82 in the admin panel.") == "104.82"
    post = "Reply to the post 'Cat litter tips' with the comment 'Thanks, this helped a lot!'."
    mine = "Reply to the post 'Best resources for cinema etiquette' with the comment 'I tried it and loved it.'."
    assert slot_value(post, "Thanks, this helped a lot!", mine) == "I tried it and loved it."
    assert slot_value(post, "Cat litter tips", mine) == "Best resources for cinema etiquette"
    subject = "Send it to olivia.smith with the subject 'Address'."
    assert slot_value(subject, "Address", "Send it to coffee_addict with the subject 'Address'.") == "Address"
    assert slot_value(subject, "coffee_addict", "Send it to coffee_addict with the subject 'Address'.") is None
    title = "titled 'Refund order #13' with the label bug"
    assert slot_value(title, "Refund order #13", "titled 'Refund order #73' with the label ui") == "Refund order #73"
    assert slot_value(title, "Refund", "titled 'Refund order #73' with the label ui") == "Refund"
    assert slot_value(title, "order #1", "titled 'Refund order #73' with the label ui") is None  # ends in a token
    assert slot_value(title, "efund", "titled 'Refund order #73' with the label ui") is None  # inside a token
    assert says("Which milestone v2.0 holds issue 2?", "2") and not says("Which milestone v2.0 holds it?", "2")
    address = "Ship to 12 Oak Road, Austin, TX 78701."
    assert slot_value(address, "TX", "Ship to 342 Summit Street, Boise, ID 83720.") == "ID"  # token for token
    assert slot_value(address, "Oak", "Ship to 4 Elm Lane West, Boise, ID 83720.") is None  # stretches differ


def test_a_plan_step_answered_with_a_value_read_on_the_page_says_so() -> None:
    steps = [Step("click('4')", context="[4] link 'Stock'"), Step("send_msg_to_user('55')")]
    stock = Entry(
        "s", "admin.stock.1", "How many units of the Ultra Puzzle are in stock?", [], "", True, 1.0, "o", 0, "r", steps
    )
    plan = plan_of(stock, "How many units of the Velvet Suitcase are in stock?")
    assert plan[-1] == PlanStep("send_msg_to_user", reads_page=True, shape="number")
    assert [answer_shape(a) for a in ("$1,204.50", "12", "v1.0", "emma.lopez")] == ["price", "number", "text", "text"]
    redacted = Entry(
        "p", "x.1", "Change my phone to [PHONE]", [], "", True, 1.0, "o", 0, "r", [Step("send_msg_to_user('[VALUE]')")]
    )
    assert plan_of(redacted, "Change my phone to (404) 555-0164") == [PlanStep("send_msg_to_user")]


def test_a_private_exemplars_numbered_goal_values_become_this_tasks_own() -> None:
    steps = [
        Step("fill('4', 'liam.chen')", context="[4] textbox 'To'"),
        Step("fill('5', 'My number')", context="[5] textbox 'Subject'"),
        Step("fill('6', 'My phone number is [GOAL_VALUE_1]')", context="[6] textbox 'Message'"),
        Step("fill('7', '[VALUE]')", context="[7] textbox 'Note'"),  # masked whole: the model writes it
        Step("fill('8', '[GOAL_VALUE_2]')", context="[8] textbox 'Other'"),  # a value this goal does not have
    ]
    theirs = "Send liam.chen a private message with the subject 'My number' saying 'My phone number is [PHONE]'."
    entry = Entry("m", "forum.message_phone.1", theirs, [], "", True, 1.0, "o", 0, "r", steps)
    ours = "Send noah.patel a private message with the subject 'My number' saying 'My phone number is (917) 555-0179'."
    plan = plan_of(entry, ours, values=True)
    assert [p.value for p in plan] == ["noah.patel", "My number", "My phone number is (917) 555-0179", None, None]
    assert not any(p.reads_page for p in plan)


def values_agent(tmp_path: Path, first: str, ranked: list[str]):
    fake, agent = guided(tmp_path, first, ranked)
    agent.config.exemplar_values = True
    return fake, agent


def test_exemplar_values_put_this_tasks_value_from_its_intent_into_the_plans_step(tmp_path: Path) -> None:
    fake, agent = values_agent(tmp_path, "fill('Email', 'bob@example.net')", [])
    agent.history = ["click('Settings')"]
    step = agent.act(obs(page=FORM))
    assert step.action == "fill('7', 'ada@example.org')" and fake.calls == ["complete"]
    assert step.meta["value_from"] == {"action": "fill('Email', 'bob@example.net')", "value": "ada@example.org"}
    assert agent.history[-1] == "fill('Email', 'ada@example.org')"
    fake, agent = guided(tmp_path, "fill('Email', 'bob@example.net')", [])  # off: the model's value stands
    agent.history = ["click('Settings')"]
    assert agent.act(obs(page=FORM)).action == "fill('7', 'bob@example.net')"


def test_exemplar_values_replace_a_report_with_the_likeliest_answer_the_page_shows(tmp_path: Path) -> None:
    stock = Entry(
        "s",
        "admin.stock.1",
        "How many units of the Ultra Puzzle are in stock?",
        [],
        "",
        True,
        1.0,
        "o",
        0,
        "r",
        [Step("send_msg_to_user('55')")],
    )
    folder = tmp_path / "kb"
    KnowledgeBase([stock], dense=False).save(folder)
    fake, spec = ranking(tmp_path, "send_msg_to_user('Done')", [], refs="name")
    primers: list[str] = []

    def rank(messages, k, *, max_tokens=64):
        primers.append(messages[-1]["content"])
        beams = ["Done')", "Velvet')", "stock')", "59')", "N/A')"]  # 'stock' is on the page, but no number
        return [Completion(t, fake.model, 10, 5, 0.01, route="local") for t in beams]

    fake.ranked_completions = rank
    agent = make_agent("distilled", {"model": spec, "exemplars": str(folder), "exemplar_values": True})
    agent.reset(TaskInfo("t", "How many units of the Velvet Suitcase are in stock?"))
    page = "RootWebArea 'Velvet Suitcase'\n\t[5] StaticText 'In stock: 59'\n"
    step = agent.act(obs(page=page))
    assert step.action == "send_msg_to_user('59')" and primers == ["Action: send_msg_to_user('"]
    assert step.meta["value_from"]["action"] == "send_msg_to_user('Done')"
    fake.first = "send_msg_to_user('59')"  # an answer the page shows stands, with no more model calls
    agent.reset(TaskInfo("t", "How many units of the Velvet Suitcase are in stock?"))
    assert agent.act(obs(page=page)).action == "send_msg_to_user('59')" and len(primers) == 1


def test_exemplar_values_report_infeasible_when_the_item_the_goal_names_is_not_where_the_exemplar_found_its(
    tmp_path: Path,
) -> None:
    steps = [
        Step("fill('2', 'Bright Mouse')", context="[2] searchbox 'Search products'"),
        Step("click('3')", context="[3] button 'Search'"),
        Step("click('9')", context="[9] link 'Bright Mouse'"),
        Step("send_msg_to_user('$12.00')"),
    ]
    price = Entry("p", "shop.price.1", "What is the price of the Bright Mouse?", [], "", True, 1.0, "o", 0, "r", steps)
    folder = tmp_path / "kb"
    KnowledgeBase([price], dense=False).save(folder)
    _, spec = ranking(tmp_path, "send_msg_to_user('Done')", [], refs="name")
    agent = make_agent("distilled", {"model": spec, "exemplars": str(folder), "exemplar_values": True})
    agent.reset(TaskInfo("t", "What is the price of the Golden Hammock?"))
    agent.history = ["fill('Search products', 'Golden Hammock')", "click('Search')"]
    results = (
        "RootWebArea 'Search'\n\t[2] searchbox 'Search products'\n\t[3] button 'Search'\n\t[5] StaticText 'None'\n"
    )
    step = agent.act(obs(page=results))
    assert step.action.startswith("report_infeasible(") and step.meta["missing"]["element"] == "Golden Hammock"
    agent.reset(TaskInfo("t", "What is the price of the Golden Hammock?"))
    agent.history = ["fill('Search products', 'Golden Hammock')"]  # not right after the search: no verdict
    assert agent.act(obs(page=results)).action == "send_msg_to_user('Done')"


def test_a_forced_choice_takes_this_tasks_value_and_a_web_address_is_never_snapped_to_the_goal(tmp_path: Path) -> None:
    steps = [Step("select_option('5', 'Shipped')", context="[5] combobox 'Status', value='Pending'")]
    change = Entry("c", "admin.status.1", "Change order #6 to Shipped.", [], "", True, 1.0, "o", 0, "r", steps)
    folder = tmp_path / "kb"
    KnowledgeBase([change], dense=False).save(folder)
    fake, spec = ranking(tmp_path, "click('Help')", [], refs="name")
    options = {"model": spec, "exemplars": str(folder), "exemplar_values": True, "exemplar_force": True}
    agent = make_agent("distilled", options)
    agent.reset(TaskInfo("t", "Change order #76 to Canceled."))
    page = "RootWebArea 'Order'\n\t[5] combobox 'Status', value='Pending'\n\t[9] link 'Help'\n"
    step = agent.act(obs(page=page))  # a choice is a value too: forced, with the goal's value, no model call
    assert step.action == "select_option('5', 'Canceled')" and fake.calls == ["complete", "rank 5"]
    goto = "goto('http://forum.embedded.test/messages/new')"
    trip = Entry("g", "x.1", "Write on the forum (<forum>)", [], "", True, 1.0, "o", 0, "r", [Step(goto)])
    KnowledgeBase([trip], dense=False).save(tmp_path / "kb2")
    fake, spec = ranking(tmp_path, goto, [], refs="name")
    agent = make_agent("distilled", {"model": spec, "exemplars": str(tmp_path / "kb2"), "exemplar_values": True})
    agent.reset(TaskInfo("t", "Write on the forum (http://forum.embedded.test)"))
    assert agent.guide is not None and agent.guide.plan == [PlanStep("goto")]
    assert agent.act(obs(page=page)).action == goto  # not cut back to the goal's 'http://forum.embedded.test'


def test_a_knowledge_base_saved_again_in_its_folder_is_loaded_again(tmp_path: Path) -> None:
    from agents.rag import load_kb

    folder = tmp_path / "kb"
    KnowledgeBase([entry()], dense=False).save(folder)
    assert len(load_kb(str(folder)).entries) == 1 and load_kb(str(folder)) is load_kb(str(folder))
    KnowledgeBase([entry(), entry("Change my email address to c@d.org")], dense=False).save(folder)
    assert len(load_kb(str(folder)).entries) == 2  # a symbiosis iteration rebuilds its knowledge base in place
