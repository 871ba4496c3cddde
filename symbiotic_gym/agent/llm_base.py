"""What every prompting agent shares: the model call, one retry with the parse error, usage and route.

A reply that holds no valid action is sent back to the model once with the error. If the retry fails too,
the raw reply (capped) is returned as the action: the environment rejects it and the agent sees the error
on its next observation, so a confused model costs a step, never the episode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from symbiotic_gym.agent import AgentStep, ConfiguredAgent, Observation, TaskInfo
from symbiotic_gym.agent.reply import ExtractedAction, extract_action
from symbiotic_gym.llm import LLM, Message, UsageMeter, get_llm
from symbiotic_gym.llm.tokens import truncate_to_tokens
from symbiotic_gym.web.actions import ACTIONS, ActionError, ActionSpec

RAW_ACTION_CHARS = 500


@dataclass
class LLMAgentConfig:
    """The settings every prompting agent has; subclasses' ``Config`` extend it (and may change defaults)."""

    model: str = "large"  # a role (large/small) or a model spec
    temperature: float = 0.0
    max_tokens: int = 384
    max_obs_tokens: int = 3000
    prime: str = "auto"  # answer prefix; auto: "Action:" for in-process models, none for remote ones


class LLMAgentBase(ConfiguredAgent):
    """Subclasses define ``Config``, ``grammar`` and ``build_messages``; ``decide`` runs the model with one retry."""

    grammar: Mapping[str, ActionSpec] = ACTIONS
    Config = LLMAgentConfig
    config: LLMAgentConfig

    def __init__(self, config: Any = None, /, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        self.task: TaskInfo | None = None
        self._llm: LLM | None = None
        self.pending_error = ""  # an extraction error the model has not yet seen in an observation

    @property
    def llm(self) -> LLM:
        if self._llm is None:
            self._llm = get_llm(self.config.model)
        return self._llm

    def use_model(self, model: str) -> None:
        """Ask another model from the next call on (the hybrid router switches sides this way)."""
        if self.config.model != model:
            self.config = replace(self.config, model=model)
            self._llm = None

    def note_step(self, action: str, rationale: str, obs: Observation | None = None) -> None:
        """Another agent decided this step on ``obs`` (the hybrid router's other side): keep it in this agent's
        history, so its next prompt shows the whole episode. Agents with a history override this."""

    def history_entry(self, action: str, axtree: str) -> str:
        """An executed action as this agent's history shows it, given the page it ran on (this base keeps it
        as written; an agent that names elements instead of ids rewrites it)."""
        return action

    def prompt_texts(self) -> list[str]:
        """What this agent's next prompt carries besides the observation (the task, its history, an error it
        has not shown yet): the hybrid router scans these before a cloud call. Agents with more state (notes,
        plans) add theirs."""
        texts = [self.task.intent] if self.task is not None else []
        return [*texts, self.pending_error]

    def reset(self, task: TaskInfo) -> None:
        self.task = task
        self.pending_error = ""

    def fit_observation(self, text: str) -> str:
        return truncate_to_tokens(text, self.config.max_obs_tokens, self.llm)

    def last_error(self, obs: Mapping[str, Any]) -> str:
        """The error the model should see: its own unreadable reply, else the browser's action error."""
        return self.pending_error or str(obs.get("last_action_error") or "")

    def answer_prefix(self) -> str:
        """Start of the answer written for the model: small in-process models follow a format far better when
        their answer already begins with it (``auto``: ``Action:`` for in-process models only; the prefix is
        part of the reply and of the recorded prompt)."""
        if self.config.prime != "auto":
            return self.config.prime
        return "Action:" if str(self.llm.model).startswith("local:") else ""

    def decide(
        self, messages: list[Message], meter: UsageMeter | None = None, *, temperature: float | None = None
    ) -> tuple[ExtractedAction | None, str, dict[str, Any]]:
        """(parsed action or None, the final raw reply, meta with usage, route, model and errors).

        ``meter`` lets a caller that asks several times in one step (planning) sum the usage of all of them;
        ``temperature`` overrides the configured one for this call.
        """
        meter = meter if meter is not None else UsageMeter()
        prefix = self.answer_prefix()
        primer: list[Message] = [{"role": "assistant", "content": prefix}] if prefix else []
        convo = list(messages)
        extracted: ExtractedAction | None = None
        reply, errors = "", []
        for attempt in range(2):
            completions = self.llm.complete(
                convo + primer,
                n=1,
                temperature=self.config.temperature if temperature is None else temperature,
                max_tokens=self.config.max_tokens,
                stop=self.stop_sequences(),
            )
            meter.add(completions)
            reply = completions[0].text
            try:
                extracted = extract_action(reply, self.grammar)
                break
            except ActionError as err:
                errors.append(str(err))
                if attempt == 0:
                    convo += [
                        {"role": "assistant", "content": reply[:4000]},
                        {"role": "user", "content": f"ERROR: {err}\nAnswer again, ending with exactly one action."},
                    ]
        self.pending_error = errors[-1] if extracted is None else ""
        meta: dict[str, Any] = {
            "route": self.llm.route,
            "model": self.llm.model,
            "usage": meter.to_dict(),
            "raw": reply[:4000],
            "parse_errors": errors,
        }
        return extracted, reply, meta

    def stop_sequences(self) -> list[str] | None:
        """Where a reply ends: a primed answer is one action, so at the first blank line."""
        return ["\n\n"] if self.answer_prefix() else None

    def unparsed_step(self, reply: str, meta: dict[str, Any]) -> AgentStep:
        action = reply.strip()[:RAW_ACTION_CHARS] or "(empty reply)"
        return AgentStep(action, "The model gave no valid action.", meta)
