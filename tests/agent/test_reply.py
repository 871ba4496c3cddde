from __future__ import annotations

import pytest

from symbiotic_gym.agent.reply import extract_action
from symbiotic_gym.web.actions import ActionError


@pytest.mark.parametrize(
    ("reply", "action", "rationale"),
    [
        (
            "Let's think.\nIn summary, the next action I will perform is ```click('12')```",
            "click('12')",
            "Let's think.",
        ),
        ("Thought: the button\nAction: click('12')", "click('12')", "the button"),
        ("```python\nfill('3', 'a)b')\n```", "fill('3', 'a)b')", ""),
        ("I will click('12'). Yes, click('12').", "click('12')", "I will"),
        ('send_msg_to_user("It costs $12 (incl. tax)")', "send_msg_to_user('It costs $12 (incl. tax)')", ""),
        ("Action: click(12)", "click('12')", ""),
        ("type('18', 'mug', press_enter=1)", "type('18', 'mug', True)", ""),
    ],
)
def test_extracts_one_action(reply: str, action: str, rationale: str) -> None:
    got = extract_action(reply)
    assert got.text == action
    assert got.rationale == rationale


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("I think we should search for the product first.", "No action found"),
        ("click('12')\nclick('13')", "Only one action"),
        ("```click('12')\nfill('3', 'x')```", "Only one action"),
        ("click('12)", "unbalanced"),
        ("x" * 10_000, "No action found"),
        ("Action: exec('import os')", "No action found"),
        ("click('12', 'left', [], 'extra')", "Too many arguments"),
    ],
)
def test_rejects_with_advice(reply: str, message: str) -> None:
    with pytest.raises(ActionError, match=message):
        extract_action(reply)


def test_fence_wins_over_prose_mentions() -> None:
    reply = "I could click('5') or fill('6', 'x'), but the best is\n```click('7')```"
    assert extract_action(reply).text == "click('7')"


def test_agent_grammar_limits_actions() -> None:
    from baselines.occam import OCCAM_GRAMMAR

    assert extract_action("Action: stop('$3')", OCCAM_GRAMMAR).text == "stop('$3')"
    with pytest.raises(ActionError, match="No action found"):
        extract_action("Action: fill('3', 'x')", OCCAM_GRAMMAR)
