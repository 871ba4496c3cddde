"""Action matching for speculative synthesis, and the small model's prompt format."""

from __future__ import annotations

from pathlib import Path

import pytest

from symbiotic_gym.distill.matching import match_candidate
from symbiotic_gym.distill.prompt import (
    PromptFormat,
    State,
    action_target,
    prompt_messages,
    summary_target,
)
from symbiotic_gym.errors import SymbioticGymError

AXTREE = """RootWebArea 'Cart | Shop', focused
\t[5] heading 'Your cart'
\t[12] button 'Add to cart'
\t[13] button 'Add to cart'
\t[14] button 'Remove'
\t[20] textbox 'Search products'
\t[21] searchbox 'Search products'
\t[22] link 'My account'"""


@pytest.mark.parametrize(
    ("student", "candidates", "expected"),
    [
        ("click('13')", ["click('12')"], 0),  # same role and name, other id
        ("click('14')", ["click('12')"], None),  # another element
        ("fill('21', 'mug')", ["type('20', 'mug')"], 0),  # fill == type, textbox == searchbox
        ("type('20', 'mug', press_enter=True)", ["fill('20', 'mug')"], None),  # also submits
        ("send_msg_to_user('  Forty  Two ')", ["send_msg_to_user('forty two')"], 0),
        ("fill('20', 'Mug')", ["fill('20', 'mug')"], None),  # a typed value keeps its case
        ("click('99')", ["click('99')"], 0),  # unknown ids still equal themselves
        ("click(12", ["click('12')"], None),  # unparseable
        ("go_back()", ["click('22')", "go_back()"], 1),
    ],
)
def test_match_candidate(student: str, candidates: list[str], expected: int | None) -> None:
    assert match_candidate(student, candidates, AXTREE) == expected


def test_prompt_has_state_and_instruction_per_kind() -> None:
    fmt = PromptFormat(max_obs_chars=500, history=2, layout="full")
    state = State("Find the mug", "http://x/", AXTREE, ("click('1')", "click('2')", "click('3')"), "no element 9")
    msgs = prompt_messages(state, fmt, "action")
    user = msgs[1]["content"]
    assert msgs[0]["role"] == "system" and "OBJECTIVE: Find the mug" in user
    assert "2. click('2')\n3. click('3')" in user and "1. click('1')" not in user  # last 2 of the history
    assert "LAST ACTION ERROR: no element 9" in user and "[12] button 'Add to cart'" in user
    assert user.endswith("Action: <action>")
    assert "Rationale: <why>" in prompt_messages(state, fmt, "rationale_action")[1]["content"]
    assert prompt_messages(state, fmt, "summary")[1]["content"].endswith("input fields and buttons.")
    with pytest.raises(SymbioticGymError, match="unknown target kind"):
        prompt_messages(state, fmt, "poem")


def test_compact_prompt_puts_the_main_content_first_and_has_no_manual() -> None:
    page = (
        "RootWebArea 'Cart | Shop'\n\t[2] banner ''\n\t\t[3] link 'Home'\n\t[4] main ''\n"
        "\t\t[5] heading 'Your cart'\n\t\t[6] button 'Check out'\n\t[7] contentinfo ''\n\t\t[8] link 'Help'\n"
    )
    fmt = PromptFormat(history=2)
    assert fmt.layout == "compact" and fmt.version == 2
    state = State("Check out", "http://x/cart", page, ("click('1')", "click('2')", "click('3')"), "no element 9")
    system, user = (m["content"] for m in prompt_messages(state, fmt, "action"))
    assert "click(bid)" not in system and "Actions:" not in system  # the student learns the syntax from targets
    assert user.splitlines()[:4] == [
        "Task: Check out",
        "URL: http://x/cart",
        "Done: 2. click('2') 3. click('3')",
        "Error: no element 9",
    ]
    body = user.splitlines()[4:]
    assert body.index("[6] button Check out") < body.index("-- rest of page --") < body.index("[3] link Home")
    assert user.endswith("Action?")
    assert PromptFormat.from_dict({"version": 1, "output": "action"}).layout == "full"  # version-1 files


def test_recap_writes_the_task_and_progress_again_right_before_the_question() -> None:
    page = "RootWebArea 'Shop'\n\t[4] main ''\n\t\t[6] textbox 'Search products'\n\t\t[7] button 'Search'\n"
    state = State("Add 2 mugs to my cart", "http://x/", page, ("click('1')",), "no element 9")
    plain = prompt_messages(state, PromptFormat(), "action")[1]["content"].splitlines()
    recap = prompt_messages(state, PromptFormat(recap=True), "action")[1]["content"].splitlines()
    assert recap[:2] == ["Task: Add 2 mugs to my cart", "URL: http://x/"]  # the page is read knowing the task
    assert recap[-4:] == ["Task: Add 2 mugs to my cart", "Done: 1. click('1')", "Error: no element 9", "Action?"]
    assert sorted(recap) == sorted([*plain, "Task: Add 2 mugs to my cart"])  # the same lines, the task twice
    assert PromptFormat.from_dict({"version": 2, "output": "action"}).recap is False  # folders from before it
    with pytest.raises(SymbioticGymError, match="recap needs the compact layout"):
        PromptFormat(layout="full", recap=True)


def test_targets() -> None:
    assert action_target(" click('12') ", "why", "action") == "Action: click('12')"
    assert action_target("click('12')", "Open the\n cart.", "rationale_action") == (
        "Rationale: Open the cart.\nAction: click('12')"
    )
    summary = summary_target(AXTREE, "http://x/cart")
    assert summary.splitlines()[0] == "Title: Cart | Shop"
    assert "Headings: Your cart" in summary and "Buttons: Add to cart, Remove" in summary
    assert "Fields: textbox 'Search products', searchbox 'Search products'" in summary and "Links: 1" in summary


def test_prompt_format_round_trip_and_errors(tmp_path: Path) -> None:
    fmt = PromptFormat(output="action", max_obs_chars=900)
    fmt.save(tmp_path)
    assert PromptFormat.load(tmp_path) == fmt
    assert PromptFormat.load(tmp_path / "missing") is None
    (tmp_path / "prompt_format.json").write_text('{"output": "action", "colour": 1}')
    with pytest.raises(SymbioticGymError, match=r"unknown field.*colour"):
        PromptFormat.load(tmp_path)
    with pytest.raises(SymbioticGymError, match="output must be one of"):
        PromptFormat(output="summary")
    with pytest.raises(SymbioticGymError, match="rest must be one of"):
        PromptFormat(rest="list")
    with pytest.raises(SymbioticGymError, match="rest_share must be between"):
        PromptFormat(rest_share=1.5)
    index = PromptFormat(output="action", rest="index", rest_share=0.5)
    index.save(tmp_path)
    assert PromptFormat.load(tmp_path) == index
    # a model folder written before the rest fields existed reads back as the tree layout it was trained on
    (tmp_path / "prompt_format.json").write_text('{"version": 2, "output": "action", "layout": "compact"}')
    assert PromptFormat.load(tmp_path).rest == "tree"
