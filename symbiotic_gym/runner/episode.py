"""One episode of an agent on a suite's task: its result record and its trajectory."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any

from symbiotic_gym.agent import Agent, AgentHooks, AgentStep
from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.results.records import EpisodeRecord
from symbiotic_gym.suites import Suite, TaskMeta, suite_hooks

# error kinds: which side failed. Only infrastructure failures are retried; the others would fail again.
RETRYABLE_ERRORS = ("browser", "worker")


class AgentFailure(Exception):
    """The agent raised; wraps its exception so the episode record blames the agent, not the env."""


def final_answer_of(obs: dict[str, Any]) -> str | None:
    """The agent's answer: its last message to the user (N/A for a reported infeasibility)."""
    for msg in reversed(list(obs.get("chat_messages") or ())):
        if msg.get("role") == "assistant":
            return str(msg.get("message", ""))
        if msg.get("role") == "infeasible":
            return "N/A"
    return None


def new_record(agent_name: str, task_id: str, meta: TaskMeta, *, seed: int, eval_mode: str) -> dict[str, Any]:
    """A result record with every field set to its "nothing happened" value: an :class:`EpisodeRecord`
    (the one owner of the record's fields) as the JSON object the run directory stores."""
    from symbiotic_gym.llm.registry import role_labels

    return EpisodeRecord(
        task_id=task_id,
        agent=agent_name,
        split=meta.split,
        sites=list(meta.sites),
        template=meta.template,
        private=list(meta.private),
        eval_types=list(meta.eval_types),
        eval_mode=eval_mode,
        seed=seed,
        models=role_labels(),  # names (with a local model's content hash), never a machine's paths
    ).to_dict()


BLOCKED_URLS_KEPT = 20


def _count_blocked(record: dict[str, Any], info: dict[str, Any]) -> list[str]:
    """Add the step's boundary refusals to the record; returns them as redacted ``METHOD URL`` lines (a
    blocked URL may carry what a prompt injection tried to send out)."""
    from symbiotic_gym.privacy import redact

    lines = [f"{b.get('method', '?')} {redact(str(b.get('url', '')))}" for b in info.get("blocked_requests") or []]
    record["blocked_requests"] += len(lines)
    room = BLOCKED_URLS_KEPT - len(record["blocked_urls"])
    record["blocked_urls"].extend(lines[: max(0, room)])
    return lines


def _make_env(
    suite: Suite, task_id: str, max_steps: int, agent: Agent, extra: tuple[str, ...] = (), record_network: bool = False
) -> Any:
    """The suite's env for this task, with the raw observation keys the agent declares (``obs_keys``) and
    ``extra`` ones the harness needs (the screenshot it saves), recording the network when asked."""
    from symbiotic_gym.web.raw_obs import obs_keys_of

    declared = (agent.obs_keys or ()) if isinstance(agent, AgentHooks) else ()
    keys = obs_keys_of((*declared, *extra))
    options: dict[str, Any] = {}
    if keys:
        options["obs_keys"] = keys
    if record_network:
        options["record_network"] = True
    try:
        return suite.make_env(task_id, max_steps=max_steps, **options)
    except TypeError as err:
        unknown = [k for k in options if k in str(err)]
        if not unknown:
            raise
        what = {"obs_keys": f"raw observation keys ({', '.join(keys)})", "record_network": "network recording"}
        raise SymbioticGymError(
            f"Suite {suite.name!r} builds its envs without {unknown[0]}=, so it offers no {what[unknown[0]]}."
        ) from err


def run_episode(
    agent: Agent,
    agent_name: str,
    task_id: str,
    *,
    max_steps: int,
    seed: int,
    suite: Suite | str = "embedded",
    on_step: Callable[[int], None] | None = None,
    save_screenshots: bool = False,
    record_network: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One episode; returns (result record, trajectory steps).

    Agent and env failures become the record's ``error`` (with ``error_kind`` agent, env or browser) and
    never propagate. ``on_step(n)`` is called before step ``n`` (0 = reset): the worker's heartbeat.
    ``save_screenshots``: each step carries what the agent saw as JPEG bytes (``screenshot_jpeg``), which
    :meth:`~symbiotic_gym.results.run_dir.RunDir.write_trajectory` writes to files. ``record_network``: the
    episode's HAR goes into the record as ``_network_trace`` (a dict; the runner writes it to a file); a suite
    that scores from it (``finalize_episode(task_id, record, har, steps)``, WebArena's verified mode) does so
    here, after the episode's browser context has closed.
    ``suite`` is a Suite or a suite name. The episode uses the LLM layer as configured: to log cloud
    requests as a run does, build the agent after ``llm.configure(cloud_wrapper=audit.cloud_wrapper(path))``,
    or call :func:`symbiotic_gym.runner.run`, which does it.
    """
    from symbiotic_gym.llm import begin_episode
    from symbiotic_gym.suites import get_suite
    from symbiotic_gym.web.browser import shared_browser_alive

    if isinstance(suite, str):
        suite = get_suite(suite)
    meta = suite.meta(task_id)
    begin_episode(task_id, seed)
    start = time.perf_counter()
    steps: list[dict[str, Any]] = []
    record = new_record(agent_name, task_id, meta, seed=seed, eval_mode=suite.eval_mode)
    agent_total = env_total = 0.0
    env = None
    try:
        if on_step:
            on_step(0)
        t0 = time.perf_counter()
        env = _make_env(suite, task_id, max_steps, agent, ("screenshot",) if save_screenshots else (), record_network)
        obs, info = env.reset(seed=seed)
        env_total += time.perf_counter() - t0
        record["reset_s"] = info["timings"]["total"]
        record["reset_timings"] = {k: round(v, 4) for k, v in info["timings"].items()}
        record["goal"] = obs["goal"]
        record["site_errors"].extend(info.get("http_errors", []))
        _count_blocked(record, info)
        record["site_urls"] = suite.site_urls()
        try:
            if isinstance(agent, AgentHooks):  # agents that adapt to the suite
                agent.bind_suite(suite)
            agent.reset(suite.task_info(task_id))
        except Exception as err:
            raise AgentFailure(f"{type(err).__name__} in agent.reset: {err}") from err
        reward, info = 0.0, {}
        for n in range(1, max_steps + 1):
            if on_step:
                on_step(n)
            t0 = time.perf_counter()
            try:
                step: AgentStep = agent.act(obs)
            except Exception as err:
                raise AgentFailure(f"{type(err).__name__} in agent.act: {err}") from err
            agent_s = time.perf_counter() - t0
            agent_total += agent_s
            prev_obs = obs
            t0 = time.perf_counter()
            obs, reward, terminated, truncated, info = env.step(step.action)
            env_total += time.perf_counter() - t0
            meta_d = step.meta if isinstance(step.meta, dict) else {}
            usage = meta_d.get("usage", {}) or {}
            route = meta_d.get("route", "local")
            for key in ("tokens_in", "tokens_out"):
                record[f"{key}_{route}"] = record.get(f"{key}_{route}", 0) + int(usage.get(key, 0))
            record["cost"] += float(usage.get("cost", 0.0))
            if usage.get("models"):
                called = record["models_called"].setdefault(route, [])
                called += [m for m in usage["models"] if m not in called]
            decided = (
                (meta_d.get("privacy") or {}).get("decided_route") if isinstance(meta_d.get("privacy"), dict) else None
            )
            if decided in ("local", "cloud"):
                record[f"steps_{decided}"] += 1
            http_errors = info.get("http_errors", [])
            record["site_errors"].extend(http_errors)
            blocked = _count_blocked(record, info)
            steps.append(
                {
                    "step": n,
                    "url": prev_obs["url"],
                    "axtree_txt": prev_obs["axtree_txt"],
                    "last_action_error": prev_obs["last_action_error"],
                    "action": step.action,
                    "parsed_action": info.get("action"),
                    "rationale": step.rationale,
                    "route": route,
                    "meta": step.meta,
                    "reward": reward,
                    "url_after": obs["url"],
                    "error_after": obs["last_action_error"],
                    "http_errors": http_errors,
                    "blocked": blocked,
                    "agent_s": agent_s,
                    "env_timings": info.get("timings", {}),
                }
            )
            if save_screenshots and getattr(prev_obs.get("screenshot"), "size", 0):
                from symbiotic_gym.web.screenshots import encode_jpeg

                steps[-1]["screenshot_jpeg"] = encode_jpeg(prev_obs["screenshot"])
            record["steps"] = n
            if terminated or truncated:
                record["terminated"], record["truncated"] = bool(terminated), bool(truncated)
                break
        ev = (info.get("task_info") or {}).get("eval")
        if ev:
            record["eval_status"] = ev["status"]
            record["eval_details"] = ev["details"]
            if ev.get("security") is not None:  # a prompt-injection task: scored beside success, never in it
                record["security"] = ev["security"]
        record["reward"] = float(reward)
        record["success"] = bool(ev and ev["status"] == "pass")
        record["final_url"] = obs["url"]
        record["answer"] = final_answer_of(obs)
    except AgentFailure as err:
        record["error"], record["error_kind"] = str(err), "agent"
        record["traceback"] = "".join(traceback.format_exception(err.__cause__, limit=-5))
    except Exception as err:
        record["error"] = f"{type(err).__name__}: {err}"
        # a dead browser is infrastructure (retried); anything else is the env or the site
        record["error_kind"] = "browser" if shared_browser_alive() is False else "env"
        record["traceback"] = traceback.format_exc(limit=-5)
    finally:
        if env is not None:
            try:
                env.close()
            except Exception:
                pass
    if record_network and env is not None:
        record["_network_trace"] = env.take_network_trace()
    if not record.get("error"):
        try:
            suite_hooks(suite).finalize_episode(task_id, record, record.get("_network_trace"), steps)
        except Exception as err:
            record["error"], record["error_kind"] = f"{type(err).__name__} in scoring: {err}", "env"
            record["traceback"] = traceback.format_exc(limit=-5)
    record["wall_s"] = round(time.perf_counter() - start, 4)
    record["agent_s"] = round(agent_total, 4)
    record["env_s"] = round(env_total, 4)
    return record, steps
