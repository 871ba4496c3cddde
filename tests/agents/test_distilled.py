"""The distilled agent's repeat guard: an action repeated on a page it left unchanged is asked again."""

from __future__ import annotations

from pathlib import Path

from symbiotic_gym import llm
from symbiotic_gym.agent import TaskInfo, make_agent
from symbiotic_gym.distill.prompt import PromptFormat
from symbiotic_gym.llm.base import Completion

PAGE = "RootWebArea 'Account'\n\t[12] link 'Settings'\n\t[13] link 'Orders'\n"


class TemperatureAware:
    """Greedy answers click('12'); sampled answers go through ``sampled`` (what a hot model might say)."""

    def __init__(self, spec: str, sampled: list[str]) -> None:
        self.model, self.route = spec, "local"
        self.sampled = sampled
        self.temperatures: list[float] = []
        self.stops: list[list[str] | None] = []

    def complete(self, messages, *, n=1, temperature=0.0, max_tokens=512, stop=None) -> list[Completion]:
        self.temperatures.append(temperature)
        self.stops.append(stop)
        text = "Action: click('12')" if temperature == 0 else self.sampled.pop(0)
        return [Completion(text, self.model, tokens_in=10, tokens_out=5, latency_s=0.01, route="local")]


def student(tmp_path: Path, sampled: list[str]) -> tuple[TemperatureAware, str]:
    folder = tmp_path / "student"
    PromptFormat(output="action").save(folder)
    spec = f"local:{folder}"
    fake = TemperatureAware(spec, sampled)
    llm.register_llm(spec, fake, route="local")
    return fake, spec


def obs(page: str = PAGE, error: str = "") -> dict[str, str]:
    url = "http://shop.embedded.test/"
    return {"goal": "Open my orders", "url": url, "axtree_txt": page, "last_action_error": error}


def test_a_repeat_on_an_unchanged_page_is_replaced_by_a_different_sample(tmp_path: Path) -> None:
    fake, spec = student(tmp_path, ["Action: click('12')", "Action: click('13')"])
    agent = make_agent("distilled", {"model": spec})
    agent.reset(TaskInfo("t", "Open my orders"))
    assert agent.act(obs()).action == "click('12')"
    second = agent.act(obs())  # the click changed nothing: click('12') again cannot help
    assert second.action == "click('13')" and second.meta["repeat_avoided"] == "click('12')"
    assert fake.temperatures == [0.0, 0.0, 0.8, 0.8]  # the first sample repeated too; the second differed
    assert second.meta["usage"]["calls"] == 3  # every model call of the step is counted
    assert agent.history == ["click('12')", "click('13')"]


def test_a_repeat_is_kept_when_the_page_changed_or_the_guard_is_off(tmp_path: Path) -> None:
    fake, spec = student(tmp_path, [])
    agent = make_agent("distilled", {"model": spec})
    agent.reset(TaskInfo("t", "Open my orders"))
    agent.act(obs())
    assert agent.act(obs(PAGE + "\t[14] text 'Saved'\n")).action == "click('12')"  # the page moved on
    assert agent.act(obs(PAGE + "\t[14] text 'Saved'\n", error="Timeout")).action == "click('12')"  # a retry
    off = make_agent("distilled", {"model": spec, "repeat_retries": 0})
    off.reset(TaskInfo("t", "Open my orders"))
    off.act(obs())
    assert off.act(obs()).action == "click('12')"
    agent.reset(TaskInfo("t", "Open my orders"))
    agent.act(obs())
    agent.note_step("click('13')", "the other side of a hybrid acted")  # its action, not this one, was last
    assert agent.act(obs()).action == "click('12')" and fake.temperatures.count(0.8) == 0


def test_an_action_that_failed_is_retried_once_then_replaced(tmp_path: Path) -> None:
    """A failed action on an unchanged page may be retried once (a timeout can pass); a third identical try
    would fail as the second did, so it is asked again (the last student filled a non-field 12 times)."""
    fake, spec = student(tmp_path, ["Action: click('13')"])
    agent = make_agent("distilled", {"model": spec})
    agent.reset(TaskInfo("t", "Open my orders"))
    agent.act(obs())
    error = "Element is not an <input>"
    assert agent.act(obs(error=error)).action == "click('12')"  # the one retry
    third = agent.act(obs(error=error))
    assert third.action == "click('13')" and third.meta["repeat_avoided"] == "click('12')"
    assert fake.temperatures == [0.0, 0.0, 0.0, 0.8]
    agent.reset(TaskInfo("t", "Open my orders"))  # a new episode forgets the retry
    agent.act(obs())
    assert agent.act(obs(error=error)).action == "click('12')"


def test_an_action_only_student_stops_at_the_end_of_its_line(tmp_path: Path) -> None:
    """Every action target is one line, so an untrained base model is cut there instead of at max_tokens."""
    fake, spec = student(tmp_path, [])
    agent = make_agent("distilled", {"model": spec})
    agent.reset(TaskInfo("t", "Open my orders"))
    agent.act(obs())
    assert fake.stops == [["\n"]]
    folder = tmp_path / "multi"
    PromptFormat(output="rationale_action").save(folder)
    multi = make_agent("distilled", {"model": spec, "prompt_format": str(folder)})
    multi.reset(TaskInfo("t", "Open my orders"))
    multi.act(obs())
    assert fake.stops[-1] == ["\n\n"]  # a rationale comes first: its reply ends at the first blank line
