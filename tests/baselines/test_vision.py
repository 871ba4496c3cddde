"""The vision agent: a screenshot with set-of-marks through litellm image messages, recorded and replayed;
a text-only model is refused clearly; screenshots saved per step appear in the HTML report."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from fakes import OracleResponder
from openai_server import ScriptedOpenAIServer

from benchmarks.run import main as run_main
from symbiotic_gym.llm.registry import sees_images

ROOT = Path(__file__).resolve().parents[2]
TASK = "shop.product_price.0"


def seeing(task_id: str, seen: list[tuple[int, int]]):
    """A multimodal model: checks each request carries a JPEG screenshot of the viewport, then answers the
    oracle's next action read from the page text beside it."""
    oracle = OracleResponder(task_id, "vanilla")

    def respond(messages: list[dict]) -> str:
        import PIL.Image

        parts = messages[-1]["content"]
        assert isinstance(parts, list), "the screenshot must travel as an image part"
        url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
        assert url.startswith("data:image/jpeg;base64,")
        image = PIL.Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
        seen.append(image.size)
        text = next(p["text"] for p in parts if p["type"] == "text" and "PAGE TEXT:" in p["text"])
        page = text.split("PAGE TEXT:\n", 1)[1].split("\nURL: ", 1)[0]
        return oracle([{"role": "user", "content": f"OBSERVATION:\n{page}\nURL: x"}])

    return respond


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-test-not-a-real-key", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_model_capabilities() -> None:
    assert sees_images("local") is False  # the bundled SmolLM2
    assert sees_images("openai/gpt-4o") is True
    assert sees_images("openai/gpt-3.5-turbo") is False
    assert sees_images("openai/my-own-server-model@http://127.0.0.1:9/v1") is None  # unknown: tried


def test_text_only_model_fails_clearly_and_the_run_does_not_exit_0(tmp_path: Path, capsys) -> None:
    code = run_main(
        ["--agent", "vision", "--large-model", "local", "--tasks", TASK, "--out", str(tmp_path / "R"), "--quiet",
         "--workers", "0"]
    )  # fmt: skip
    assert code != 0
    record = json.loads((tmp_path / "R" / "results.jsonl").read_text().splitlines()[0])
    assert (
        record["error_kind"] == "agent" and "takes text only" in record["error"] and "openai/gpt-4o" in record["error"]
    )


def test_vision_agent_records_replays_and_saves_screenshots(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    server = ScriptedOpenAIServer(seeing(TASK, seen))
    common = ["benchmarks.run", "--agent", "vision", "--tasks", TASK, "--max-steps", "6", "--quiet",
              "--llm-cache", str(tmp_path / "cache")]  # fmt: skip
    rec = cli(*common, "--large-model", f"openai/gpt-4o@{server.base_url}", "--llm-cache-mode", "record",
              "--save-screenshots", "--out", str(tmp_path / "REC"), cwd=tmp_path)  # fmt: skip
    server.stop()
    assert rec.returncode == 0, rec.stderr[-3000:]
    record = json.loads((tmp_path / "REC" / "results.jsonl").read_text().splitlines()[0])
    assert record["success"], record
    assert seen and set(seen) == {(1280, 720)}
    cached = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert cached and all("base64" not in json.dumps(c["request"]) for c in cached)  # images keyed by hash
    assert any(part.get("type") == "image" for c in cached for m in c["request"]["messages"]
               if isinstance(m["content"], list) for part in m["content"])  # fmt: skip

    rep = cli(*common, "--large-model", "openai/gpt-4o", "--llm-cache-mode", "replay-strict",
              "--out", str(tmp_path / "REP"), cwd=tmp_path)  # fmt: skip
    assert rep.returncode == 0, rep.stderr[-3000:]
    replayed = json.loads((tmp_path / "REP" / "results.jsonl").read_text().splitlines()[0])
    assert replayed["success"] and replayed["steps"] == record["steps"]

    steps = [
        json.loads(line) for line in (tmp_path / "REC" / "trajectories" / f"{TASK}.jsonl").read_text().splitlines()
    ]
    shots = [s["screenshot"] for s in steps]
    assert shots == [f"trajectories/{TASK}/step-{n:03d}.jpg" for n in range(1, len(steps) + 1)]
    assert all((tmp_path / "REC" / p).read_bytes()[:2] == b"\xff\xd8" for p in shots)  # JPEG files
    view = cli("benchmarks.view", str(tmp_path / "REC"), cwd=tmp_path)
    assert view.returncode == 0, view.stderr
    report = (tmp_path / "REC" / "report.html").read_text()
    assert all(f"src='{p}'" in report for p in shots)
    elsewhere = cli("benchmarks.view", str(tmp_path / "REC"), "-o", str(tmp_path / "out" / "r.html"), cwd=tmp_path)
    assert elsewhere.returncode == 0
    assert f"src='../REC/{shots[0]}'" in (tmp_path / "out" / "r.html").read_text()


def test_screenshots_are_not_taken_unless_asked() -> None:
    from symbiotic_gym.agent import make_agent
    from symbiotic_gym.runner import run_episode

    record, steps = run_episode(make_agent("oracle"), "oracle", TASK, max_steps=5, seed=0)
    assert record["success"] and all("screenshot_jpeg" not in s for s in steps)
    record, steps = run_episode(make_agent("oracle"), "oracle", TASK, max_steps=5, seed=0, save_screenshots=True)
    assert record["success"] and all(s["screenshot_jpeg"][:2] == b"\xff\xd8" for s in steps)
