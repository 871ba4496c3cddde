"""The distilled agent's repeat guard: an action repeated on a page it left unchanged is asked again."""

from __future__ import annotations

import math
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


class Ranking:
    """Greedy: ``first``; scores the next word so that ending the task has ``p_end``; ranks its answers as
    ``ranked`` (what beam search would offer, likeliest first)."""

    def __init__(self, spec: str, first: str, ranked: list[str], p_end: float = 0.5) -> None:
        self.model, self.route = spec, "local"
        self.first, self.ranked, self.p_end = first, ranked, p_end
        self.calls: list[str] = []

    def first_token_logprobs(self, messages, candidates):
        assert messages[-1] == {"role": "assistant", "content": "Action:"}
        self.calls.append("score")
        p = {" send": self.p_end, " click": 1.0 - self.p_end}  # first words: " send_msg_to_user(" -> " send"
        words = [c.split("(")[0].split("_")[0] for c in candidates]
        return [(w, math.log(p.get(w, 1e-12))) for w in words]

    def ranked_completions(self, messages, k, *, max_tokens=64) -> list[Completion]:
        assert messages[-1] == {"role": "assistant", "content": "Action:"}
        self.calls.append(f"rank {k}")
        return [Completion(f"Action: {t}", self.model, 10, 5, 0.01, route="local") for t in self.ranked[:k]]

    def complete(self, messages, *, n=1, temperature=0.0, max_tokens=512, stop=None) -> list[Completion]:
        self.calls.append("complete")
        return [Completion(f"Action: {self.first}", self.model, 10, 5, 0.01, route="local")]


def ranking(
    tmp_path: Path, first: str, ranked: list[str], p_end: float = 0.5, refs: str = "bid"
) -> tuple[Ranking, str]:
    folder = tmp_path / "student"
    PromptFormat(output="action", refs=refs).save(folder)
    spec = f"local:{folder}"
    fake = Ranking(spec, first, ranked, p_end)
    llm.register_llm(spec, fake, route="local")
    return fake, spec


DONE = "send_msg_to_user('Done')"


def test_an_unsure_stop_gives_way_to_the_next_best_action_that_does_not_end_the_task(tmp_path: Path) -> None:
    ranked = [DONE, "send_msg_to_user('done')", "click('99')", "click('13')"]  # 99 is not on the page
    fake, spec = ranking(tmp_path, DONE, ranked, p_end=0.3)
    agent = make_agent("distilled", {"model": spec, "stop_gate": 0.5})
    agent.reset(TaskInfo("t", "Open my orders"))
    step = agent.act(obs())
    assert step.action == "click('13')" and step.meta["stop_confidence"] == 0.3
    assert step.meta["replaced"] == {"action": DONE, "why": "ends the task with confidence 0.30 < 0.5"}
    assert fake.calls == ["complete", "score", "rank 5"] and step.meta["usage"]["calls"] == 2
    assert agent.history == ["click('13')"]


def test_a_confident_stop_stands_and_the_gate_is_off_by_default(tmp_path: Path) -> None:
    fake, spec = ranking(tmp_path, DONE, ["click('13')"], p_end=0.8)
    agent = make_agent("distilled", {"model": spec, "stop_gate": 0.5})
    agent.reset(TaskInfo("t", "Open my orders"))
    step = agent.act(obs())
    assert step.action == DONE and step.meta["stop_confidence"] == 0.8 and fake.calls == ["complete", "score"]
    off = make_agent("distilled", {"model": spec})  # off by default
    off.reset(TaskInfo("t", "Open my orders"))
    assert off.act(obs()).action == DONE and fake.calls[-1] == "complete"


def test_a_stop_stands_when_no_usable_alternative_is_offered(tmp_path: Path) -> None:
    ranked = [DONE, "click('Logout')"]  # named: no element of the page has that name
    _, spec = ranking(tmp_path, DONE, ranked, p_end=0.1, refs="name")
    agent = make_agent("distilled", {"model": spec, "stop_gate": 0.5})
    agent.reset(TaskInfo("t", "Open my orders"))
    step = agent.act(obs())
    assert step.action == DONE and step.meta["unreplaced"]["action"] == DONE


FORM = "RootWebArea 'Message'\n\t[9] textbox 'To', value='byte_bandit', focused\n\t[10] button 'Send'\n"


def test_filling_a_field_with_the_value_it_shows_gives_way_to_the_next_best_action(tmp_path: Path) -> None:
    fill = "fill('To', 'byte_bandit')"
    _, spec = ranking(tmp_path, fill, [fill, "click('Send')"], refs="name")
    agent = make_agent("distilled", {"model": spec, "skip_noops": True})
    agent.reset(TaskInfo("t", "Message byte_bandit"))
    step = agent.act(obs(page=FORM))
    assert step.action == "click('10')" and step.meta["replaced"]["action"] == fill
    assert agent.history == ["click('Send')"]
    changed = FORM.replace("value='byte_bandit'", "value=''")  # the field is empty: the fill stands
    assert agent.act(obs(page=changed)).action == "fill('9', 'byte_bandit')"
    off = make_agent("distilled", {"model": spec})  # off by default
    off.reset(TaskInfo("t", "Message byte_bandit"))
    assert off.act(obs(page=FORM)).action == "fill('9', 'byte_bandit')"


def test_a_model_that_cannot_rank_or_score_keeps_its_answer(tmp_path: Path) -> None:
    folder = tmp_path / "student"
    PromptFormat(output="action").save(folder)
    spec = f"local:{folder}"

    class Plain:
        model, route = spec, "local"

        def complete(self, messages, *, n=1, temperature=0.0, max_tokens=512, stop=None) -> list[Completion]:
            return [Completion(f"Action: {DONE}", spec, 10, 5, 0.01, route="local")]

    llm.register_llm(spec, Plain(), route="local")
    agent = make_agent("distilled", {"model": spec, "stop_gate": 0.5})
    agent.reset(TaskInfo("t", "Open my orders"))
    assert agent.act(obs()).action == DONE


LISTS = (
    "RootWebArea 'Post'\n\t[5] combobox 'Community', value='fitness'\n\t\t[6] option 'books'\n"
    "\t\t[7] option 'fitness', selected\n\t[8] checkbox 'Notify me', checked\n\t[9] checkbox 'Pin'\n"
    "\t[10] button 'Submit'\n"
)


def test_setting_a_list_or_box_to_what_it_shows_changes_nothing(tmp_path: Path) -> None:
    for first, expected in [
        ("select_option('5', 'fitness')", "click('10')"),
        ("check('8')", "click('10')"),
        ("uncheck('9')", "click('10')"),
        ("select_option('5', 'books')", "select_option('5', 'books')"),  # a change: it stands
        ("check('9')", "check('9')"),
    ]:
        _, spec = ranking(tmp_path, first, [first, "click('10')"])
        agent = make_agent("distilled", {"model": spec, "skip_noops": True})
        agent.reset(TaskInfo("t", "Post it"))
        assert agent.act(obs(page=LISTS)).action == expected, first
