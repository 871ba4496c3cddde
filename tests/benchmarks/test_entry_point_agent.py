"""A third-party agent package, installed (a dist-info with an entry point), is found by name by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from symbiotic_gym.suites.embedded.task_configs import get_task

PRICE = get_task("shop.product_price.0").raw["eval"]["reference_answers"]["must_include"][0]

AGENT = """
from dataclasses import dataclass


class AnswerAgent:
    @dataclass
    class Config:
        answer: str = "nothing"
        loud: bool = False

    def __init__(self, answer="nothing", loud=False):
        self.answer = answer.upper() if loud else answer

    def reset(self, task):
        self.task = task

    def act(self, obs):
        from symbiotic_gym.agent import AgentStep

        return AgentStep(f"send_msg_to_user({self.answer!r})", "I always answer the same.")
"""


def install_fake_package(site: Path) -> None:
    """What pip leaves behind: the module plus a .dist-info with entry_points.txt."""
    (site / "my_agents_pkg").mkdir(parents=True)
    (site / "my_agents_pkg" / "__init__.py").write_text(AGENT)
    info = site / "my_agents_pkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-agents-pkg\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[symbiotic_gym.agents]\nanswer-bot = my_agents_pkg:AnswerAgent\n")
    (info / "RECORD").write_text("")


def test_entry_point_agent_runs_through_the_cli(tmp_path) -> None:
    site = tmp_path / "site"
    install_fake_package(site)
    root = Path(__file__).resolve().parents[2]
    run_dir = tmp_path / "run"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--agent",
            "answer-bot",
            "-A",
            f"answer={PRICE}",
            "-A",
            "loud=no",
            "--tasks",
            "shop.product_price.0",
            "--out",
            str(run_dir),
            "--quiet",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PYTHONPATH": f"{site}:{root}"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    config = json.loads((run_dir / "config.json").read_text())
    assert config["agent"] == "answer-bot" and config["agent_class"] == "my_agents_pkg:AnswerAgent"
    assert config["agent_args"] == {"answer": PRICE, "loud": False}
    result = json.loads((run_dir / "results.jsonl").read_text().splitlines()[0])
    assert result["success"] is True

    typo = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--agent", "answer-bott", "--out", str(tmp_path / "r2")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": f"{site}:{root}"},
    )
    assert typo.returncode == 2 and "Did you mean 'answer-bot'" in typo.stderr
