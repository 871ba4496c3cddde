"""In-process sampling is seeded per episode, not per process: a run samples the same whatever worker runs
which task."""

from __future__ import annotations

from symbiotic_gym.llm import begin_episode
from symbiotic_gym.llm.local import sampling_seed


def _seeds(task: str, run_seed: int = 0, n: int = 3) -> list[int]:
    begin_episode(task, run_seed)
    return [sampling_seed(0) for _ in range(n)]


def test_an_episode_samples_the_same_after_any_other_episode() -> None:
    first = _seeds("forum.upvote.11")
    _seeds("shop.add_to_cart.10", n=7)  # another episode in the same worker first
    assert _seeds("forum.upvote.11") == first
    assert len(set(first)) == 3  # each sampled call of an episode gets its own seed


def test_the_seed_depends_on_the_task_the_run_seed_and_the_model_seed() -> None:
    base = _seeds("forum.upvote.11")
    assert _seeds("forum.upvote.10") != base
    assert _seeds("forum.upvote.11", run_seed=1) != base
    begin_episode("forum.upvote.11", 0)
    assert sampling_seed(1) != base[0]
    assert all(0 <= s < 2**63 for s in base)
