"""``vanilla``: plain chain-of-thought prompting in the style of WebArena's reference agent.

Each step the model sees the objective, the URL, the full accessibility tree (cut to a token budget) and
its previous actions, reasons step by step, and ends with one action in a fenced block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symbiotic_gym.agent import AgentStep, Observation, TaskInfo
from symbiotic_gym.agent.llm_base import LLMAgentBase, LLMAgentConfig
from symbiotic_gym.llm import Message
from symbiotic_gym.web.actions import ACTIONS, describe_actions

VANILLA_ACTIONS = (
    "click",
    "fill",
    "type",
    "select_option",
    "check",
    "uncheck",
    "press",
    "scroll",
    "goto",
    "go_back",
    "go_forward",
    "new_tab",
    "tab_focus",
    "tab_close",
    "send_msg_to_user",
    "report_infeasible",
    "noop",
)

# how every prompting baseline asks for the answer (vanilla, vision)
ANSWER_RULE = (
    "When the task asks for information, answer with send_msg_to_user('<the answer only>'); when the task is "
    "done, send_msg_to_user('done'). If the task cannot be done, use report_infeasible('<why>')."
)

SYSTEM = """You are an autonomous agent that uses a web browser to complete a task.

Each turn you get:
- OBSERVATION: the page's accessibility tree; elements you can act on start with an id, e.g. [12] link 'Cart'
- URL: the current page
- OBJECTIVE: the task
- PREVIOUS ACTIONS: what you have done so far, and the error of the last action if it failed

Actions (use element ids from the current observation):
{actions}

Rules:
1. Issue exactly one action per turn, and only an action valid for the current observation.
2. {answer_rule}
3. Think step by step, then end your reply with: In summary, the next action I will perform is ```<action>```

Example reply:
The objective is to find the price of the Blue Mug. The search box has id 18, so I will search for it.
In summary, the next action I will perform is ```type('18', 'Blue Mug', press_enter=True)```"""


def format_history(history: list[str], limit: int = 12) -> str:
    if not history:
        return "None"
    shown = history[-limit:]
    start = len(history) - len(shown) + 1
    skipped = f"({start - 1} earlier actions not shown)\n" if start > 1 else ""
    return skipped + "\n".join(f"{start + i}. {a}" for i, a in enumerate(shown))


class VanillaAgent(LLMAgentBase):
    """WebArena-style prompting: full observation, reasoning, then one action."""

    grammar = {name: ACTIONS[name] for name in VANILLA_ACTIONS}

    @dataclass
    class Config(LLMAgentConfig):
        history: int = 12  # previous actions shown in the prompt

    config: Config

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        self.history: list[str] = []
        self.system = SYSTEM.format(
            actions=describe_actions(grammar=self.grammar, examples=False), answer_rule=ANSWER_RULE
        )

    def reset(self, task: TaskInfo) -> None:
        super().reset(task)
        self.history = []

    def build_messages(self, obs: Observation) -> list[Message]:
        error = self.last_error(obs)
        user = (
            f"OBSERVATION:\n{self.fit_observation(str(obs.get('axtree_txt', '')))}\n"
            f"URL: {obs.get('url', '')}\n"
            f"OBJECTIVE: {obs.get('goal') or (self.task.intent if self.task else '')}\n"
            f"PREVIOUS ACTIONS:\n{format_history(self.history, self.config.history)}"
            + (f"\nLAST ACTION ERROR: {error}" if error else "")
        )
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def note_step(self, action: str, rationale: str, obs: Observation | None = None) -> None:
        self.history.append(action)
        self.pending_error = ""

    def prompt_texts(self) -> list[str]:
        return [*super().prompt_texts(), *self.history]

    def act(self, obs: Observation) -> AgentStep:
        extracted, reply, meta = self.decide(self.build_messages(obs))
        if extracted is None:
            self.history.append(f"(unreadable reply: {meta['parse_errors'][-1][:120]})")
            return self.unparsed_step(reply, meta)
        self.history.append(extracted.text)
        return AgentStep(extracted.text, extracted.rationale, meta)
