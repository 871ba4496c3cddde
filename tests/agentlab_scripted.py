"""Scripted chat models for AgentLab's GenericAgent (test doubles of the LLM only; the agent is AgentLab's).

``ScriptedModelArgs(script="name")`` builds a chat model that answers in GenericAgent's format
(``<think>...</think><action>...</action>``) with the next action of the :class:`Script` registered under
that name, and keeps every prompt it was sent. The args hold the script's name, not the script, because
AgentLab (and our adapter) deep-copy ``AgentArgs``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from agentlab.agents.generic_agent import AGENT_4o_MINI, GenericAgentArgs
from agentlab.agents.most_basic_agent.most_basic_agent import MostBasicAgentArgs
from agentlab.llm.base_api import AbstractChatModel, BaseModelArgs
from agentlab.llm.chat_api import CheatMiniWoBLLMArgs, make_assistant_message

from symbiotic_gym.suites.embedded.task_configs import get_task


@dataclass
class Script:
    actions: list[str] = field(default_factory=list)  # the next actions, consumed in order
    prompts: list[Any] = field(default_factory=list)  # every Discussion the model was sent

    def texts(self) -> list[str]:
        return [_text(p) for p in self.prompts]

    def images(self) -> list[str]:
        return [url for p in self.prompts for url in _image_urls(p)]


SCRIPTS: dict[str, Script] = {}


def _parts(discussion: Any) -> list[Any]:
    messages = getattr(discussion, "messages", discussion)
    out = []
    for m in messages:
        content = m["content"]
        out.extend(content if isinstance(content, list) else [{"type": "text", "text": content}])
    return out


def _text(discussion: Any) -> str:
    return "\n".join(p.get("text", "") for p in _parts(discussion) if p.get("type") == "text")


def _image_urls(discussion: Any) -> list[str]:
    urls = []
    for p in _parts(discussion):
        if p.get("type") == "image_url":
            url = p["image_url"]
            urls.append(url["url"] if isinstance(url, dict) else url)
    return urls


class ScriptedChat(AbstractChatModel):
    def __init__(self, script: str) -> None:
        self.script = SCRIPTS[script]

    def __call__(self, messages: Any) -> dict:
        self.script.prompts.append(messages)
        action = self.script.actions.pop(0) if self.script.actions else "noop()"
        return make_assistant_message(f"<think>\nFollowing the script.\n</think>\n<action>\n{action}\n</action>")


@dataclass
class ScriptedModelArgs(BaseModelArgs):
    model_name: str = "test/scripted"
    max_total_tokens: int = 128_000
    max_input_tokens: int = 120_000
    max_new_tokens: int = 256
    vision_support: bool = True
    script: str = "default"

    def make_model(self) -> ScriptedChat:
        return ScriptedChat(self.script)


def generic_agent(script: str, *, html: bool = False, screenshot: bool = False, som: bool = False) -> Any:
    """AgentLab's GenericAgent with AGENT_4o_MINI's flags (its default configuration), optionally with the
    pruned HTML, the screenshot and set-of-marks turned on, driven by the named script."""
    flags = copy.deepcopy(AGENT_4o_MINI.flags)
    flags.obs.use_html = html
    flags.obs.use_screenshot = screenshot
    flags.obs.use_som = som
    SCRIPTS.setdefault(script, Script())
    return GenericAgentArgs(chat_model_args=ScriptedModelArgs(script=script), flags=flags)


# the task these scripts solve, read from its config (the generator may change its values)
_TASK = get_task("shop.product_price.0").raw
PRODUCT = _TASK["instantiation_dict"]["product"]
PRICE = _TASK["eval"]["reference_answers"]["must_include"][0]


class SearchThenAnswer(ScriptedChat):
    """Reads the prompt it is sent: fills the search box it finds in the page, then answers (in
    GenericAgent's reply format; the page as AgentLab's AX tree)."""

    search_box = r"\[(\w+)\] textbox 'Search products'"

    def __init__(self) -> None:
        self.n = 0

    def reply(self, action: str) -> str:
        return f"<think>step {self.n}</think>\n<action>{action}</action>"

    def __call__(self, messages: Any) -> dict:
        self.n += 1
        if self.n == 1:
            bid = re.search(self.search_box, _text(messages)).group(1)
            action = f"fill('{bid}', {PRODUCT!r})"
        else:
            action = f"send_msg_to_user({PRICE!r})"
        return make_assistant_message(self.reply(action))


@dataclass
class SearchThenAnswerArgs(BaseModelArgs):
    model_name: str = "test/search-then-answer"
    max_total_tokens: int = 128_000
    max_input_tokens: int = 120_000
    max_new_tokens: int = 256

    def make_model(self) -> SearchThenAnswer:
        return SearchThenAnswer()


class HtmlSearchThenAnswer(SearchThenAnswer):
    """The same, for an agent that shows its model the pruned HTML and reads a code block (MostBasicAgent)."""

    search_box = r'<input bid="(\w+)"[^>]*name="q"'

    def reply(self, action: str) -> str:
        return f"Step {self.n}.\n```\n{action}\n```"


@dataclass
class HtmlSearchThenAnswerArgs(SearchThenAnswerArgs):
    def make_model(self) -> HtmlSearchThenAnswer:
        return HtmlSearchThenAnswer()


# module-level AgentArgs objects, as AgentLab's own configurations are (``--agent agentlab_scripted:NAME``)
SEARCH_THEN_ANSWER = GenericAgentArgs(chat_model_args=SearchThenAnswerArgs(), flags=copy.deepcopy(AGENT_4o_MINI.flags))
# AgentLab's own test model (clicks the page's button), for MiniWoB++'s click-test
CHEAT_MINIWOB = GenericAgentArgs(chat_model_args=CheatMiniWoBLLMArgs(), flags=copy.deepcopy(AGENT_4o_MINI.flags))
# AgentLab's MostBasicAgent: a plain BrowserGym Agent subclass with BrowserGym's default obs_preprocessor
MOST_BASIC = MostBasicAgentArgs(chat_model_args=HtmlSearchThenAnswerArgs(), temperature=0.0)
