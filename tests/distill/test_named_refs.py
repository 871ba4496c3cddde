"""Named element references: recorded id actions <-> the student's named actions, and the agent grounding them."""

from __future__ import annotations

from pathlib import Path

from symbiotic_gym import llm
from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.named_refs import ground, resolve, to_named
from symbiotic_gym.distill.prompt import PromptFormat, State, prompt_messages
from symbiotic_gym.llm.base import Completion
from symbiotic_gym.web.actions import parse_action
from symbiotic_gym.web.observation import strip_bids

PAGE = (
    "RootWebArea 'Settings'\n"
    "\t[3] link 'Home'\n"
    "\t[7] heading 'Search'\n"
    "\t[8] link 'Search'\n"
    "\t[9] textbox 'Email', value='old@example.org'\n"
    "\t[10] button 'Search'\n"
    "\t[11] combobox 'Status'\n"
    "\t[12] checkbox 'api'\n"
    "\t[20] link 'Edit'\n"
    "\t[21] link 'Edit'\n"
    "\t[30] button 'Save settings'\n"
)


def test_recorded_actions_are_written_by_name_when_the_name_leads_back() -> None:
    assert to_named("click('30')", PAGE) == "click('Save settings')"
    assert to_named("fill('9', 'new@example.org')", PAGE) == "fill('Email', 'new@example.org')"
    assert to_named("select_option('11', 'Shipped')", PAGE) == "select_option('Status', 'Shipped')"
    assert to_named("check('12')", PAGE) == "check('api')"
    assert to_named("send_msg_to_user('Done')", PAGE) == "send_msg_to_user('Done')"  # no element: unchanged
    assert to_named("goto('http://forum.embedded.test/')", PAGE) == "goto('http://forum.embedded.test/')"
    # the link 'Search' comes before the button: a click on the button cannot be written by name
    assert to_named("click('8')", PAGE) == "click('Search')"
    assert to_named("click('10')", PAGE) is None
    assert to_named("click('21')", PAGE) is None  # the second 'Edit'
    assert to_named("click('99')", PAGE) is None  # not on the page
    assert to_named("click(", PAGE) is None  # not an action


def test_grounding_prefers_the_role_an_action_needs_and_interactive_elements() -> None:
    assert resolve("click", "Search", PAGE).bid == "8"  # the link, not the heading before it
    assert resolve("fill", "email", PAGE).bid == "9"  # case-insensitive when nothing matches exactly
    assert resolve("fill", "Save settings", PAGE) is None  # a button is not a field
    assert ground(parse_action("fill('Email', 'a@b.org')"), PAGE).action == "fill('9', 'a@b.org')"
    assert ground(parse_action("fill('Email', ' a@b.org ')"), PAGE).action == "fill('9', 'a@b.org')"  # ends trimmed
    missing = ground(parse_action("click('Logout')"), PAGE)
    assert missing.action == "click('Logout')" and missing.error == "No element named 'Logout' on this page."
    assert "textbox" in ground(parse_action("fill('Nope', 'x')"), PAGE).error


def test_a_named_prompt_shows_the_page_without_ids() -> None:
    assert strip_bids("[12] link 'Cart'\nMenu: [3] Home; [4] Cart | [5] link 'X'\nStaticText '[1]x'") == (
        "link 'Cart'\nMenu: Home; Cart | link 'X'\nStaticText '[1]x'"
    )
    state = State(goal="Change my email", url="http://forum.embedded.test/settings", axtree=PAGE)
    user = prompt_messages(state, PromptFormat(output="action", refs="name"))[1]["content"]
    assert "link Search" in user and "button Save settings" in user and "[" not in user.split("\n", 3)[3]
    ids = prompt_messages(state, PromptFormat(output="action"))[1]["content"]
    assert "[30] button Save settings" in ids


class Scripted:
    def __init__(self, spec: str, replies: list[str]) -> None:
        self.model, self.route, self.replies = spec, "local", replies
        self.prompts: list[str] = []

    def complete(self, messages, *, n=1, temperature=0.0, max_tokens=512, stop=None) -> list[Completion]:
        self.prompts.append(messages[1]["content"])
        return [Completion(self.replies.pop(0), self.model, tokens_in=10, tokens_out=5, latency_s=0.01, route="local")]


def test_the_distilled_agent_grounds_names_and_keeps_its_history_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "student"
    PromptFormat(output="action", refs="name").save(folder)
    spec = f"local:{folder}"
    fake = Scripted(
        spec, ["Action: fill('Email', 'new@example.org')", "Action: click('Logout')", "Action: click('Home')"]
    )
    llm.register_llm(spec, fake, route="local")
    agent = make_agent("distilled", {"model": spec, "ground_retries": 0})
    agent.reset(TaskInfo("t", "Change my email to new@example.org"))
    obs = {"goal": "Change my email to new@example.org", "url": "http://forum.embedded.test/", "axtree_txt": PAGE}
    step = agent.act(obs)
    assert step.action == "fill('9', 'new@example.org')" and step.meta["named_action"] == agent.history[0]
    assert agent.history == ["fill('Email', 'new@example.org')"]
    agent.note_step("click('30')", "the cloud side saved", obs=obs)  # hybrid: the other side's step, by name
    assert agent.history[-1] == "click('Save settings')"
    missing = agent.act(obs)
    assert missing.meta["grounding_error"] == "No element named 'Logout' on this page."
    agent.act({**obs, "last_action_error": "Element with bid 'Logout' was not found"})
    assert "Error: No element named 'Logout' on this page." in fake.prompts[-1]  # our message, not the browser's
    assert "1. fill('Email', 'new@example.org') 2. click('Save settings') 3. click('Logout')" in fake.prompts[-1]


def test_a_name_the_page_lacks_is_asked_again_until_one_grounds(tmp_path: Path) -> None:
    folder = tmp_path / "student"
    PromptFormat(output="action", refs="name").save(folder)
    spec = f"local:{folder}"
    replies = ["Action: click('Logout')", "Action: click('Sign out')", "Action: click('Home')"]
    llm.register_llm(spec, Scripted(spec, replies), route="local")
    agent = make_agent("distilled", {"model": spec})
    agent.reset(TaskInfo("t", "Go home"))
    step = agent.act({"goal": "Go home", "url": "http://forum.embedded.test/", "axtree_txt": PAGE})
    assert step.action == "click('3')" and step.meta["ungrounded_avoided"] == "click('Logout')"
    assert step.meta["usage"]["calls"] == 3 and agent.history == ["click('Home')"]
