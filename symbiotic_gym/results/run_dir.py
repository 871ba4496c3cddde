"""Run directories: config.json, append-only results.jsonl, trajectories/<task>.jsonl, summary.json.

A task id names its files through :func:`symbiotic_gym.file_names.file_name` (:meth:`RunDir.task_file`).

Every write is atomic: whole files are written to a temporary name and renamed; results lines are appended
with a flush and fsync, and a torn last line (a kill mid-write) is ignored when the run is read back, so
a resumed run never loses or duplicates a finished episode.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from symbiotic_gym.errors import SymbioticGymError
from symbiotic_gym.file_names import file_name, inside
from symbiotic_gym.files import atomic_write_json, atomic_write_text

__all__ = ["RunDir", "atomic_write_json", "atomic_write_text", "final_message", "read_jsonl"]  # writes: files.py


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSONL file; a torn final line (interrupted append) is skipped."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


class RunDir:
    """One benchmark run on disk."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.config_path = self.root / "config.json"
        self.results_path = self.root / "results.jsonl"
        self.summary_path = self.root / "summary.json"
        self.traj_dir = self.root / "trajectories"

    def check_writable(self) -> None:
        """Fail before any work starts if the run cannot be written."""
        try:
            self.traj_dir.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as err:
            raise SymbioticGymError(
                f"Cannot write the run directory {self.root}: {err.strerror or err}. "
                "Choose another --out or free some space."
            ) from err

    def exists(self) -> bool:
        return self.config_path.exists()

    def load_config(self) -> dict[str, Any]:
        return json.loads(self.config_path.read_text(encoding="utf-8"))

    def write_config(self, config: dict[str, Any]) -> None:
        atomic_write_json(self.config_path, config)

    def results(self) -> list[dict[str, Any]]:
        """One record per task, in the order first finished; a later record of a task (a re-run with
        ``--retry-errors``) replaces the earlier one."""
        latest: dict[str, dict[str, Any]] = {}
        for rec in read_jsonl(self.results_path):
            latest[rec["task_id"]] = rec
        return list(latest.values())

    def raw_results(self) -> list[dict[str, Any]]:
        """Every line of results.jsonl, superseded records included."""
        return read_jsonl(self.results_path)

    def append_resume_note(self, config: dict[str, Any]) -> None:
        """Log each resume (when, with which command and environment) next to the original config."""
        note = {k: config.get(k) for k in ("created", "command", "execution", "environment")}
        with open(self.root / "resumes.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(note, sort_keys=True, default=str) + "\n")

    def finished_ids(self) -> set[str]:
        return {r["task_id"] for r in self.results()}

    def append_result(self, record: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.results_path.exists():
            # a torn last line from a killed run must not swallow this record
            with open(self.results_path, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                if fh.tell() > 0:
                    fh.seek(-1, os.SEEK_END)
                    needs_newline = fh.read(1) != b"\n"
                else:
                    needs_newline = False
        else:
            needs_newline = False
        line = ("\n" if needs_newline else "") + json.dumps(record, sort_keys=True, default=str) + "\n"
        with open(self.results_path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def task_file(self, task_id: str, suffix: str = "") -> Path:
        """``trajectories/<task id as a file name><suffix>``: whatever the id holds (``/``, ``*``, ``..``), the
        path stays inside ``trajectories/`` (:func:`symbiotic_gym.file_names.file_name`)."""
        return inside(self.traj_dir, task_id, suffix)

    def write_trajectory(self, task_id: str, steps: Iterable[dict[str, Any]]) -> Path:
        """Write ``trajectories/TASK.jsonl``; a step's ``screenshot_jpeg`` bytes go to
        ``trajectories/TASK/step-NNN.jpg``, and the step keeps that path (relative to the run) as ``screenshot``."""
        path = self.task_file(task_id, ".jsonl")
        lines = []
        for s in steps:
            s = dict(s)
            jpeg = s.pop("screenshot_jpeg", None)
            if jpeg:
                image = self.task_file(task_id) / f"step-{int(s.get('step', 0)):03d}.jpg"
                image.parent.mkdir(parents=True, exist_ok=True)
                image.write_bytes(jpeg)
                s["screenshot"] = image.relative_to(self.root).as_posix()
            lines.append(json.dumps(s, sort_keys=True, default=str) + "\n")
        atomic_write_text(path, "".join(lines))
        return path

    def write_network(self, task_id: str, record: dict[str, Any]) -> Path | None:
        """Move a record's ``_network_trace`` (a HAR, see :mod:`symbiotic_gym.web.network_trace`) to
        ``trajectories/TASK.har`` (``.har.gz`` when large); the record keeps its path and request count.
        Structured answers (``_response``) go to ``trajectories/TASK.response.json``."""
        from symbiotic_gym.web.network_trace import har_entries, write_har

        har = record.pop("_network_trace", None)
        response = record.pop("_response", None)
        path = None
        if har is not None:
            path = write_har(self.traj_dir, file_name(task_id), har)
            record["network_trace"] = path.relative_to(self.root).as_posix()
            record["network_requests"] = len(har_entries(har))
        if response is not None:
            target = self.task_file(task_id, ".response.json")
            atomic_write_json(target, response)
            record["response_file"] = target.relative_to(self.root).as_posix()
        return path

    def network_trace(self, task_id: str) -> Path | None:
        for suffix in (".har", ".har.gz"):
            if self.task_file(task_id, suffix).exists():
                return self.task_file(task_id, suffix)
        return None

    def trajectory(self, task_id: str) -> list[dict[str, Any]]:
        return read_jsonl(self.task_file(task_id, ".jsonl"))


def final_message(steps: list[dict[str, Any]]) -> tuple[str | None, bool]:
    """(the text of the episode's last ``send_msg_to_user`` or ``report_infeasible``, whether infeasible);
    (None, False) when the last step is neither (the step budget ran out, or the episode broke)."""
    from symbiotic_gym.web.actions import ActionError, parse_action

    if not steps:
        return None, False
    last = steps[-1]
    try:
        action = parse_action(last.get("parsed_action") or last.get("action") or "")
    except ActionError:
        return None, False
    if action.name in ("send_msg_to_user", "report_infeasible"):
        return (str(action.args[0]) if action.args else ""), action.name == "report_infeasible"
    return None, False
