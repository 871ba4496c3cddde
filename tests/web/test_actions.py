from __future__ import annotations

import pytest

from symbiotic_gym.web.actions import ACTIONS, ActionError, describe_actions, parse_action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("click('12')", "click('12')"),
        ("click(12)", "click('12')"),
        ("  `click('12')`  ", "click('12')"),
        ("fill('3', \"it's\")", "fill('3', \"it's\")"),
        ("select_option('4', ['a', 'b'])", "select_option('4', ['a', 'b'])"),
        ("scroll(0, -200)", "scroll(0, -200)"),
        ("click('5', button='right')", "click('5', 'right')"),
        ("send_msg_to_user('done')", "send_msg_to_user('done')"),
        ("noop()", "noop()"),
    ],
)
def test_parse_valid(text: str, expected: str) -> None:
    assert str(parse_action(text)) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Empty action"),
        ("I think I should click the button", "Could not parse"),
        ("click('1'); click('2')", "Only one action"),
        ("click('1')\nfill('2', 'x')", "Only one action"),
        ("os.system('rm -rf /')", "single function call"),
        ("__import__('os')", "Unknown action"),
        ("fill('3')", "Missing argument 'value'"),
        ("click('1', buton='x')", "Unknown argument 'buton'"),
        ("click(bid)", "must be a literal"),
        ("fill('1', 'unbalanced)", "Could not parse"),
        ("x" * 10_000, "too long"),
        ("tab_focus('a')", "must be int"),
    ],
)
def test_parse_invalid_is_a_clear_error(text: str, fragment: str) -> None:
    with pytest.raises(ActionError, match=fragment):
        parse_action(text)


def test_prompt_description_and_parser_share_one_definition() -> None:
    text = describe_actions()
    for name, spec in ACTIONS.items():
        assert spec.signature() in text
        for example in spec.examples:
            assert parse_action(example).name == name
