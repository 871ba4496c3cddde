"""Network traces per episode (``record_network``): a real Chromium HAR of what the agent's actions sent."""

from __future__ import annotations

import json
from pathlib import Path

from symbiotic_gym.agent import make_agent
from symbiotic_gym.results.run_dir import RunDir
from symbiotic_gym.runner import run_episode
from symbiotic_gym.web.network_trace import COMPRESS_ABOVE, read_har, read_har_entries, write_har


def test_an_episode_records_the_agents_requests_only() -> None:
    record, steps = run_episode(make_agent("oracle"), "oracle", "forum.create_post.0", max_steps=20, seed=0,
                                record_network=True)  # fmt: skip
    assert record["success"], record
    entries = record["_network_trace"]["log"]["entries"]
    methods = [(e["request"]["method"], e["request"]["url"].split("?")[0]) for e in entries]
    assert ("POST", "http://forum.embedded.test/submit") in methods
    post = next(e for e in entries if e["request"]["method"] == "POST")
    assert "title=" in post["request"]["postData"]["text"] and post["response"]["status"] == 303
    assert post["response"]["redirectURL"].startswith("http://forum.embedded.test/post/")
    assert methods[0] != ("GET", steps[0]["url"].split("?")[0])  # the start page was loaded by the setup
    assert all("text" not in e["response"]["content"] for e in entries)  # HTML bodies are not kept


def test_no_recording_unless_asked() -> None:
    record, _ = run_episode(make_agent("oracle"), "oracle", "shop.product_price.0", max_steps=5, seed=0)
    assert "_network_trace" not in record


def test_run_dir_writes_small_hars_plain_and_large_ones_compressed(tmp_path: Path) -> None:
    rd = RunDir(tmp_path)
    small = {"log": {"version": "1.2", "entries": [{"request": {"method": "GET", "url": "http://a.test/"}}]}}
    record = {"_network_trace": small}
    path = rd.write_network("t.small", record)
    assert path.name == "t.small.har" and record["network_trace"] == "trajectories/t.small.har"
    assert record["network_requests"] == 1 and "_network_trace" not in record
    big_entry = {"request": {"method": "GET", "url": "http://a.test/"}, "pad": "x" * (COMPRESS_ABOVE + 10)}
    path = write_har(tmp_path, "t.big", {"log": {"entries": [big_entry]}})
    assert path.name == "t.big.har.gz" and path.stat().st_size < COMPRESS_ABOVE / 10
    assert read_har_entries(path)[0]["pad"] == big_entry["pad"]
    assert read_har(tmp_path / "trajectories" / "t.small.har") == json.loads(json.dumps(small))
