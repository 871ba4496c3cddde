"""decide=choose: the page's candidate actions, the model's constrained choice among them, and the agent."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.candidates import candidate_actions, goal_spans
from symbiotic_gym.distill.named_refs import ground
from symbiotic_gym.distill.prompt import PromptFormat
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.llm.base import Choice
from symbiotic_gym.web.actions import parse_action

sys.path.insert(0, str(Path(__file__).parents[1] / "llm"))
from tiny_model import build_tiny_chat_model

PAGE = (
    "RootWebArea 'Account'\n"
    "\t[3] link 'Home'\n"
    "\t[8] link 'Orders'\n"
    "\t[9] textbox 'Phone', value='(602) 555-0146'\n"
    "\t[11] combobox 'Status', value='Pending'\n"
    "\t\t[12] option 'Pending', selected\n"
    "\t\t[13] option 'Shipped'\n"
    "\t[14] checkbox 'Newsletter', checked\n"
    "\t[20] link 'Edit'\n"
    "\t[21] link 'Edit'\n"
    "\tStaticText 'Total: $41.50'\n"
    "\t[30] button 'Save changes'\n"
)
GOAL = "Change the phone number on my account to (628) 555-0110."


def test_every_candidate_parses_and_names_an_element_of_the_page() -> None:
    candidates = candidate_actions(PAGE, GOAL)
    for text in candidates:
        action = parse_action(text)
        assert str(action) == text
        assert not ground(action, PAGE).error, text
    assert "fill('Phone', '(628) 555-0110')" in candidates  # the goal's value whole, brackets kept
    assert "click('Save changes')" in candidates and "select_option('Status', 'Shipped')" in candidates
    assert "send_msg_to_user('$41.50')" in candidates and "send_msg_to_user('Done')" in candidates
    assert "uncheck('Newsletter')" in candidates and "check('Newsletter')" not in candidates  # it is checked
    assert "select_option('Status', 'Pending')" not in candidates  # what it shows: would change nothing
    assert sum(c.startswith("click('Edit'") for c in candidates) == 1  # the second 'Edit' cannot be named
    assert len(candidates) == len(set(candidates))
    by_id = candidate_actions(PAGE, GOAL, refs="bid")
    assert "fill('9', '(628) 555-0110')" in by_id and "click('21')" in by_id


def test_goal_spans_keep_values_whole() -> None:
    spans = goal_spans("Reply to the post 'Best resources' with the comment 'Following this thread.'.")
    assert "Best resources" in spans and "Following this thread." in spans
    assert "Sunflower!2024" in goal_spans("Change my password from Sunflower!2024 to Maple@Harbor19.")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = build_tiny_chat_model(tmp_path_factory.mktemp("tiny") / "model", max_positions=2048)
    PromptFormat(output="action", refs="name", max_obs_chars=600).save(folder)
    return folder


def _greedy_by_full_passes(llm, messages, continuations) -> int:  # type: ignore[no-untyped-def]
    """The same constrained greedy choice, recomputed without any cache: one whole forward pass per token."""
    import torch

    enc = llm.tokenizer.apply_chat_template(
        messages, continue_final_message=True, return_tensors="pt", return_dict=True
    )
    prompt = enc["input_ids"][0].tolist()
    seqs = [
        [*llm.tokenizer(c, add_special_tokens=False)["input_ids"], llm.tokenizer.eos_token_id] for c in continuations
    ]
    alive, prefix = list(range(len(seqs))), []
    while True:
        nexts = {seqs[i][len(prefix)] for i in alive}
        if len(nexts) > 1:
            with torch.inference_mode():
                logits = llm.net(torch.tensor([prompt + prefix])).logits[0, -1]
            token = max(nexts, key=lambda t: float(logits[t]))
        else:
            token = nexts.pop()
        prefix.append(token)
        alive = [i for i in alive if seqs[i][len(prefix) - 1] == token]
        done = [i for i in alive if len(seqs[i]) == len(prefix)]
        if done:
            return done[0]


def test_the_choice_is_the_greedy_constrained_decoding_of_the_whole_prompt(tiny: Path) -> None:
    from symbiotic_gym.llm.local import TransformersLLM

    llm = TransformersLLM(tiny, dtype="float32")
    messages = [{"role": "user", "content": f"Task: {GOAL}\n{PAGE}"}, {"role": "assistant", "content": "Action:"}]
    continuations = [f" {c}" for c in candidate_actions(PAGE, GOAL)]
    choice = llm.choose(messages, continuations)
    assert choice.index == _greedy_by_full_passes(llm, messages, continuations)
    assert choice.forwards >= 2 and choice.logprob <= 0
    assert llm.choose(messages, [" go_back()"]).index == 0
    with pytest.raises(Exception, match="at least one"):
        llm.choose(messages, [])


def _scores_by_full_passes(llm, messages, continuations) -> list[float]:  # type: ignore[no-untyped-def]
    """Each continuation's log-probability as a whole, scored on its own with one whole forward pass, no cache."""
    import torch

    enc = llm.tokenizer.apply_chat_template(
        messages, continue_final_message=True, return_tensors="pt", return_dict=True
    )
    prompt = enc["input_ids"][0].tolist()
    scores = []
    for c in continuations:
        seq = [*llm.tokenizer(c, add_special_tokens=False)["input_ids"], llm.tokenizer.eos_token_id]
        with torch.inference_mode():
            logp = torch.log_softmax(llm.net(torch.tensor([prompt + seq])).logits[0].float(), dim=-1)
        scores.append(sum(float(logp[len(prompt) - 1 + j, t]) for j, t in enumerate(seq)))
    return scores


def test_the_best_choice_is_the_continuation_likeliest_as_a_whole(tiny: Path) -> None:
    from symbiotic_gym.llm.local import TransformersLLM

    llm = TransformersLLM(tiny, dtype="float32")
    messages = [{"role": "user", "content": f"Task: {GOAL}\n{PAGE}"}, {"role": "assistant", "content": "Action:"}]
    continuations = [f" {c}" for c in candidate_actions(PAGE, GOAL)][::7]  # every kind, few enough to score each
    best = llm.choose(messages, continuations, search="best")
    scores = _scores_by_full_passes(llm, messages, continuations)
    assert best.index == max(range(len(scores)), key=lambda i: scores[i])
    assert best.logprob == pytest.approx(scores[best.index], abs=1e-3)  # the whole continuation's
    greedy = llm.choose(messages, continuations)
    assert scores[greedy.index] <= scores[best.index]
    assert llm.choose(messages, [" go_back()"], search="best").index == 0
    with pytest.raises(Exception, match="search must be one of"):
        llm.choose(messages, continuations, search="beam")


def test_the_agent_acts_only_by_actions_of_the_page_and_not_twice_on_an_unchanged_page(tiny: Path) -> None:
    agent = make_agent("distilled", {"model": f"local:{tiny}", "decide": "choose"})
    agent.reset(TaskInfo("t", GOAL))
    obs = {"goal": GOAL, "url": "http://shop.embedded.test/account", "axtree_txt": PAGE}
    first = agent.act(obs)
    action = parse_action(first.action)
    if action.bid is not None:
        assert f"[{action.bid}] " in PAGE  # the id of an element the page has
    assert first.meta["choice"]["candidates"] == len(candidate_actions(PAGE, GOAL, may_end=False))
    second = agent.act(obs)  # the page did not change: the same action is not offered again
    assert second.meta["raw"] != first.meta["raw"]
    assert agent.history == [first.meta["raw"], second.meta["raw"]]
    # a fill changes the field's value and focus, not the page: neither earlier action comes back
    typed = {**obs, "axtree_txt": PAGE.replace("value='(602) 555-0146'", "value='x', focused")}
    third = agent.act(typed)
    assert third.meta["raw"] not in (first.meta["raw"], second.meta["raw"])


class _FillsPhone:
    """A test double of an in-process model: chooses the first fill of the phone field, else the first action."""

    model, route = "fills-phone", "local"

    def __init__(self) -> None:
        self.offered: list[list[str]] = []  # the candidates of each step

    def choose(self, messages: Any, continuations: Sequence[str], *, search: str = "greedy") -> Choice:
        self.offered.append([c.strip() for c in continuations])
        fills = [i for i, c in enumerate(continuations) if c.startswith(" fill('Phone'")]
        return Choice(index=fills[0] if fills else 0, logprob=0.0, forwards=1, prompt_tokens=1)


def test_a_field_that_got_its_value_is_not_given_another_on_the_same_page(tiny: Path) -> None:
    assert not any(c.startswith("fill('Phone'") for c in candidate_actions(PAGE, GOAL, given={"Phone"}))
    assert any(c.startswith("fill('9'") for c in candidate_actions(PAGE, GOAL, refs="bid", given={"Phone"}))
    agent = make_agent("distilled", {"model": f"local:{tiny}", "decide": "choose"})
    agent._llm = _FillsPhone()  # type: ignore[assignment]
    agent.reset(TaskInfo("t", GOAL))
    obs = {"goal": GOAL, "url": "http://shop.embedded.test/account", "axtree_txt": PAGE}
    first = agent.act(obs)
    assert first.meta["raw"].startswith("fill('Phone'")
    typed = {**obs, "axtree_txt": PAGE.replace("value='(602) 555-0146'", "value='(628) 555-0110', focused")}
    refused = {**typed, "last_action_error": "Element 9 is disabled, so it cannot be used."}
    assert not agent.act(refused).meta["raw"].startswith("fill('Phone'")  # another span would fail the same way
    assert not agent.act(typed).meta["raw"].startswith("fill('Phone'")  # it has its value on this page
    elsewhere = {**typed, "url": "http://shop.embedded.test/account/edit"}
    assert agent.act(elsewhere).meta["raw"].startswith("fill('Phone'")  # another page: a new field


def test_done_is_not_offered_before_the_first_action_nor_right_after_typing(tiny: Path) -> None:
    agent = make_agent("distilled", {"model": f"local:{tiny}", "decide": "choose"})
    agent._llm = model = _FillsPhone()  # type: ignore[assignment]
    agent.reset(TaskInfo("t", GOAL))
    obs = {"goal": GOAL, "url": "http://shop.embedded.test/account", "axtree_txt": PAGE}
    assert agent.act(obs).meta["raw"].startswith("fill('Phone'")
    no_phone = {**obs, "axtree_txt": PAGE.replace("[9] textbox 'Phone', value='(602) 555-0146'", "[9] link 'Help'")}
    agent.act(no_phone)  # the first action offered: a click
    agent.act(no_phone)
    done = "send_msg_to_user('Done')"
    assert [done in offered for offered in model.offered] == [False, False, True]


def test_the_page_without_its_input_state_drops_the_text_a_field_echoes() -> None:
    from symbiotic_gym.web.observation import without_state

    form = "RootWebArea 'New'\n\t[4] textbox 'Description', value='{v}', focused\n\t\tStaticText '{v}'\n{rest}"
    rest = "\t[5] combobox 'Status', value='A'\n\t\t[6] option 'A', selected\n\tStaticText 'Total: $4'"
    one, two = form.format(v="Cypress Dash", rest=rest), form.format(v="Cypress Dash Camera", rest=rest)
    assert without_state(one) == without_state(two)
    assert "[6] option 'A'" in without_state(one) and "StaticText 'Total: $4'" in without_state(one)
    assert without_state(one) != without_state(one.replace("Total: $4", "Total: $5"))  # the page's own text


def test_a_link_to_the_page_itself_is_not_offered() -> None:
    from symbiotic_gym.web.observation import page_url

    page = (
        "RootWebArea 'Bestsellers', url='http://admin.embedded.test/bestsellers', focused\n"
        "\t[5] link 'Bestsellers', url='http://admin.embedded.test/bestsellers'\n"
        "\t[6] link 'Top', url='http://admin.embedded.test/bestsellers#top'\n"
        "\t[7] link 'Orders', url='http://admin.embedded.test/orders'\n"
    )
    assert page_url(page) == "http://admin.embedded.test/bestsellers" and page_url(PAGE) is None
    clicks = [c for c in candidate_actions(page, GOAL) if c.startswith("click(")]
    assert clicks == ["click('Top')", "click('Orders')"]


def test_a_number_field_is_offered_numbers_only() -> None:
    page = PAGE + "\t[40] spinbutton 'Quantity', value='1'\n"
    goal = "Add a product with price $99.99 and 40 units in stock."
    fills = [c for c in candidate_actions(page, goal) if c.startswith("fill('Quantity'")]
    assert "fill('Quantity', '40')" in fills and "fill('Quantity', '99.99')" in fills
    assert all(parse_action(c).args[1].replace(".", "").isdigit() for c in fills), fills  # never '40 units'
    assert "fill('Phone', '40 units')" in candidate_actions(page, goal)  # a text field takes any span
    assert not any(c.startswith("fill('Status'") for c in candidate_actions(page, goal))  # a <select>: options
    editable = page + "\t[41] combobox 'City', value=''\n"  # a text field with suggestions, none shown yet
    assert "fill('City', '40 units')" in candidate_actions(editable, goal)


def test_a_question_is_answered_with_a_value_never_done() -> None:
    from symbiotic_gym.distill.candidates import asks_question

    question = "What is the total of my last order? Answer with the amount."
    answers = [c for c in candidate_actions(PAGE, question) if c.startswith("send_msg_to_user(")]
    assert "send_msg_to_user('Done')" not in answers and "send_msg_to_user('$41.50')" in answers
    assert "send_msg_to_user('Done')" in candidate_actions(PAGE, GOAL)  # a task to carry out ends with Done
    assert not asks_question("Open http://shop.embedded.test/search?q=lamp and add it to the cart.")
    assert not asks_question("Upvote the post 'Thoughts on cat litter?'.")  # a quoted question is a value
    assert asks_question("Which products did I buy in my order #85?")
    assert not asks_question("Change my password from Sunflower!2024 to Harbor?Willow11.")  # inside a word
    assert asks_question("注文#85の合計はいくらですか？答えは金額で。")


def test_how_many_is_answered_with_a_whole_number() -> None:
    from symbiotic_gym.distill.candidates import asks_count

    page = PAGE + "\tStaticText '3 orders, $41.50 in all'\n"
    question = "How many orders did I place in 2026?"
    answers = [c for c in candidate_actions(page, question) if c.startswith("send_msg_to_user(")]
    assert "send_msg_to_user('3')" in answers and "send_msg_to_user('0')" in answers
    assert all(parse_action(a).args[0].isdigit() for a in answers), answers  # not '$41.50', not '3 orders'
    assert not asks_count("Check how many units are in stock, then post that number on the forum.")
    assert not asks_count("What is the total of my last order?")


def test_a_goal_url_is_offered_without_the_sentence_around_it() -> None:
    from symbiotic_gym.distill.candidates import goal_url

    goal = "Post it on the forum (http://forum.embedded.test). Then see http://shop.embedded.test/a_(b)."
    gotos = [c for c in candidate_actions(PAGE, goal) if c.startswith("goto(")]
    assert gotos == ["goto('http://forum.embedded.test')", "goto('http://shop.embedded.test/a_(b)')"]
    assert goal_url("http://x.test/[1]];") == "http://x.test/[1]"


def test_auto_chooses_where_no_exemplar_guides_and_an_in_process_model_runs(tiny: Path, tmp_path: Path) -> None:
    """decide=auto, the default: an unguided task with an in-process model is a choice among the page's
    actions; a model served or registered under the spec (which cannot choose) generates."""
    from agents.distilled import DistilledAgent
    from symbiotic_gym import llm

    assert DistilledAgent.settle_args({"model": f"local:{tiny}"})["decide"] == "auto"  # recorded in the row
    agent = make_agent("distilled", {"model": f"local:{tiny}"})
    agent.reset(TaskInfo("t", GOAL))
    assert agent.deciding == "choose"
    obs = {"goal": GOAL, "url": "http://shop.embedded.test/account", "axtree_txt": PAGE}
    assert "choice" in agent.act(obs).meta
    assert make_agent("distilled", {"model": f"local:{tiny}", "decide": "generate"}).deciding == "generate"

    class Served:
        model, route = "served", "local"

        def complete(self, messages, **kwargs):  # never called here
            raise AssertionError

    spec = f"local:{tmp_path / 'served'}"
    llm.register_llm(spec, Served(), route="local")  # the conftest fixture forgets it after the test
    served = make_agent("distilled", {"model": spec})
    served.reset(TaskInfo("t", GOAL))
    assert served.deciding == "generate"


def test_choose_refuses_guidance_and_unknown_modes() -> None:
    with pytest.raises(SymbioticGymError, match="decide must be one of"):
        make_agent("distilled", {"model": "local", "decide": "sample"})
    with pytest.raises(SymbioticGymError, match="unguided"):
        make_agent("distilled", {"model": "local", "decide": "choose", "exemplars": "shipped"})


def test_skill_examples_come_from_train_pages_only_and_are_candidates(tmp_path: Path) -> None:
    from symbiotic_gym.distill.dataset import load_examples, save_dataset
    from symbiotic_gym.distill.skills import SkillConfig, build_skill_dataset
    from symbiotic_gym.results.run_dir import RunDir

    run = RunDir(tmp_path / "oracle")
    run.write_config({"agent": "oracle", "agent_args": {}, "models": {}, "suite": "embedded"})
    for task_id, split, page in (("shop.a.0", "train", PAGE), ("shop.a.9", "test", PAGE.replace("Home", "Secret"))):
        goal = "Set the phone to '(628) 555-0110'."
        run.append_result({"task_id": task_id, "success": True, "split": split, "goal": goal, "error": None})
        steps = [{"step": 1, "url": "http://shop/", "axtree_txt": page, "action": "fill('9', '(628) 555-0110')"}]
        run.write_trajectory(task_id, steps)
    fmt = PromptFormat(output="action", refs="name")
    ds = build_skill_dataset([tmp_path / "oracle"], fmt, SkillConfig(per_state=6, seed=1))
    assert ds.card["excluded_tasks"] == ["shop.a.9"] and {ex["task_id"] for ex in ds.train} == {"shop.a.0"}
    assert "Secret" not in str(ds.train)  # nothing of the held-out task's page
    # one skill of each kind but "infeasible", which names a link of another train page (there is none)
    assert ds.card["counts"]["by_skill"] == dict.fromkeys(("click", "navigate", "fill", "select", "answer"), 1)
    assert ds.card["counts"]["not_candidates"] == {}
    for ex in ds.train:
        goal = ex["messages"][1]["content"].split("\n", 1)[0].removeprefix("Task: ")
        action = ex["messages"][-1]["content"].removeprefix("Action: ")
        assert action in candidate_actions(PAGE, goal), (ex["skill"], goal, action)
    save_dataset(ds, tmp_path / "skills", hf=False)
    assert len(load_examples(tmp_path / "skills")) == 5


def test_a_question_gets_answers_of_the_form_it_asks_for() -> None:
    """A bare number answers only a question about a quantity; an e-mail question gets e-mail addresses. No answer
    of the oracle (679 episodes) nor any reference answer of WebArena or WebArena-Verified breaks these rules."""
    from symbiotic_gym.distill.candidates import AnswerForm

    page = PAGE + "\tlink 'emma.lopez'\n\tStaticText '3 comments'\n\tStaticText 'olivia.smith@example.org'\n"

    def answers(goal: str) -> list[str]:
        return [parse_action(c).args[0] for c in candidate_actions(page, goal) if c.startswith("send_msg_to_user(")]

    who = answers("Who posted the thread titled 'Best of 2024'?")
    assert "emma.lopez" in who and "3" not in who and "$41.50" not in who and "2024" not in who
    assert "$41.50" in answers("What was the total of my last order?")
    assert "3" in answers("When was it posted?") and "3" in answers(
        "Which order is the priciest? Answer with its number."
    )
    assert answers("What is the e-mail address of the customer of order #5?") == ["olivia.smith@example.org"]
    assert AnswerForm.of("What is the status of order #3?").fits("N/A")
    assert not AnswerForm.of("How many posts?").fits("N/A")
    assert AnswerForm.of("Tell me the number of posts in 2024").fits("3")  # an instruction, not a question: any answer
    assert AnswerForm.of("注文#85の合計はいくらですか？").fits("$41.50")  # the quantity words are English: no filter
