from __future__ import annotations

import gymnasium as gym
import pytest
from embedded_sample import ONE_PER_START_STATE, params

import symbiotic_gym  # noqa: F401  (registers symbiotic/<task_id>-v0)
from symbiotic_gym.web.checker import check_web_env


@pytest.mark.parametrize("task_id", params(ONE_PER_START_STATE))
def test_check_env_passes_for_every_embedded_task(task_id: str) -> None:
    """The env contract on a task's start page: by default one task per distinct start state (every first
    page a task's setup can show), every task under ``slow``."""
    env = gym.make(f"symbiotic/{task_id}-v0")
    try:
        check_web_env(env.unwrapped)
    finally:
        env.close()


def test_episode_terminates_on_answer_and_truncates_on_budget() -> None:
    env = gym.make("symbiotic/shop.product_price.0-v0", max_steps=2)
    obs, info = env.reset(seed=0)
    assert "One Stop Market" in obs["axtree_txt"]
    assert set(info["timings"]) >= {"browser", "context", "task_setup", "observe", "total"}
    obs, reward, terminated, truncated, info = env.step("noop(0)")
    assert not terminated and not truncated
    obs, reward, terminated, truncated, info = env.step("noop(0)")
    assert truncated and not terminated and reward == 0.0
    assert info["task_info"]["eval"]["status"] == "fail"
    obs, _ = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step("send_msg_to_user('no idea')")
    assert terminated and reward == 0.0
    env.close()


def test_new_tab_and_tab_focus() -> None:
    env = gym.make("symbiotic/forum.post_author.0-v0")
    env.reset(seed=0)
    obs, *_ = env.step("new_tab()")
    assert len(obs["open_pages_urls"]) == 2 and obs["active_page_index"] == 1
    obs, *_ = env.step("tab_focus(0)")
    assert obs["active_page_index"] == 0 and obs["url"].startswith("http://forum.embedded.test/")  # stable address
    obs, *_ = env.step("tab_focus(7)")
    assert "No tab with index 7" in obs["last_action_error"]
    env.close()


def test_fresh_state_every_episode() -> None:
    env = gym.make("symbiotic/forum.change_email.0-v0")
    env.reset(seed=0)
    obs, *_ = env.step("goto('" + env.unwrapped.page.url.rstrip("/") + "/settings')")
    assert "emma.lopez@example.com" in obs["axtree_txt"]
    bid = next(
        line.split("]")[0].strip().lstrip("[") for line in obs["axtree_txt"].splitlines() if "textbox 'Email'" in line
    )
    env.step(f"fill('{bid}', 'changed@example.com')")
    obs, *_ = env.step("keyboard_press('Enter')")
    assert "changed@example.com" in obs["axtree_txt"]
    obs, _ = env.reset(seed=0)
    obs, *_ = env.step("goto('" + env.unwrapped.page.url.rstrip("/") + "/settings')")
    assert "emma.lopez@example.com" in obs["axtree_txt"] and "changed@" not in obs["axtree_txt"]
    env.close()


def test_screenshot_of_a_focused_input_does_not_depend_on_the_caret_blink() -> None:
    """Recorded vision answers are keyed by the image: the same page must give the same pixels, also when
    a text field has focus (its caret blinks about every 0.5 s)."""
    import time

    import numpy as np

    env = gym.make("symbiotic/shop.product_price.0-v0", obs_keys=("screenshot",))
    try:
        obs, _ = env.reset(seed=0)
        bid = next(
            line.split("]")[0].strip().lstrip("[")
            for line in obs["axtree_txt"].splitlines()
            if "textbox 'Search products'" in line
        )
        env.step(f"fill('{bid}', 'pillow')")
        page = env.unwrapped.page
        assert page.evaluate("() => document.activeElement.tagName") == "INPUT"
        from symbiotic_gym.web.raw_obs import screenshot_without_caret

        shots = []
        for _ in range(5):
            shots.append(screenshot_without_caret(page))
            time.sleep(0.27)
        assert all(np.array_equal(shots[0], s) for s in shots[1:])
        assert page.evaluate("() => document.getElementById('__sg_hide_caret')") is None  # the page is unchanged
    finally:
        env.close()
