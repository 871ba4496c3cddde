"""Test doubles: a scripted LLM, and a responder that plays a correct model by asking the oracle."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from symbiotic_gym.llm import Completion, Message
from symbiotic_gym.web.actions import parse_action


class ScriptedLLM:
    """Answers with ``respond(messages)`` (or the next string of a list); counts calls like a real backend."""

    def __init__(
        self, respond: Callable[[list[Message]], str] | Sequence[str], model: str = "scripted", route: str = "cloud"
    ) -> None:
        self.model = model
        self.route = route
        self._script = None if callable(respond) else list(respond)
        self._respond = respond if callable(respond) else None
        self.calls: list[list[Message]] = []

    def complete(self, messages, *, n=1, temperature=0.0, max_tokens=512, stop=None) -> list[Completion]:
        msgs = [dict(m) for m in messages]
        self.calls.append(msgs)
        text = self._respond(msgs) if self._respond is not None else (self._script or ["noop()"]).pop(0)
        size = sum(len(m["content"]) for m in msgs)
        return [
            Completion(
                text,
                self.model,
                tokens_in=size // 4,
                tokens_out=len(text) // 4 + 1,
                latency_s=0.001,
                cost=0.000001 * size,
                route=self.route,
            )
            for _ in range(n)
        ]


class OracleResponder:
    """Plays a competent model for one embedded task: reads the observation out of the prompt and answers
    with the reference solution's next action, in the reply format of the ``vanilla`` or ``occam`` agent."""

    def __init__(self, task_id: str, style: str = "vanilla") -> None:
        from baselines.oracle import OracleAgent
        from symbiotic_gym.suites.embedded.suite import EmbeddedSuite

        self.style = style
        self.oracle = OracleAgent(retries=3)
        self.oracle.reset(EmbeddedSuite().task_info(task_id))

    def observation(self, prompt: str) -> str:
        text = prompt.split("OBSERVATION:\n", 1)[1]
        return text.split("\nURL: ", 1)[0] if self.style == "vanilla" else text

    def __call__(self, messages: list[Message]) -> str:
        step = self.oracle.act({"axtree_txt": self.observation(messages[-1]["content"])})
        if self.style == "vanilla":
            summary = f"In summary, the next action I will perform is ```{step.action}```"
            return f"Let's think step-by-step. {step.rationale}\n{summary}"
        action = parse_action(step.action)
        a = action.args
        occam = {
            "click": lambda: f"click({a[0]!r})",
            "check": lambda: f"click({a[0]!r})",
            "fill": lambda: f"type({a[0]!r}, {a[1]!r})",
            "select_option": lambda: f"select({a[0]!r}, {a[1]!r})",
            "send_msg_to_user": lambda: f"stop({a[0]!r})",
            "noop": lambda: "note('waiting for the page')",
            "report_infeasible": lambda: f"stop({a[0]!r})",
        }[action.name]()
        bid = action.bid or ""
        return f"Highlights: {bid}\nReason: {step.rationale}\nAction: {occam}"
