"""Network traces per episode: a HAR of the requests and responses the agent's browser context made.

The env asks Playwright to record the context (:func:`har_context_options`); when the context closes,
:func:`finish_har` keeps what an offline evaluator needs -- the entries started after the task's setup
(login and start pages are not the agent's doing), request headers, query, POST bodies, response status,
headers, cookies, redirect targets, and response bodies of JSON documents only (HTML and images are dropped:
they are large, and no network check reads them) -- and returns it as one JSON document. This module is the
one owner of the HAR format here: runs write it (:func:`write_har`) and re-scoring reads it
(:func:`read_har_entries`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

COMPRESS_ABOVE = 256 * 1024  # bytes of HAR JSON above which the saved file is gzip-compressed
JSON_TYPES = ("application/json", "text/json", "+json")


def har_context_options(path: Path) -> dict[str, Any]:
    """``browser.new_context(**...)`` options that record the context's traffic to ``path``."""
    return {"record_har_path": str(path), "record_har_content": "embed", "record_har_mode": "full"}


def now_iso() -> str:
    """The current time as HAR writes ``startedDateTime`` (UTC, milliseconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _started(entry: dict[str, Any]) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(entry.get("startedDateTime", "")).replace("Z", "+00:00"))
    except ValueError:
        return None


def _is_json(mime: str) -> bool:
    mime = mime.lower().split(";")[0].strip()
    return any(mime.endswith(t) if t.startswith("+") else mime == t for t in JSON_TYPES)


def finish_har(raw_path: Path, since: str | None = None) -> dict[str, Any] | None:
    """The recorded HAR, trimmed (entries from ``since`` on; bodies of JSON responses only); None if the
    browser wrote none (a context that crashed)."""
    try:
        har = json.loads(Path(raw_path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    start = dt.datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
    kept = []
    for entry in har_entries(har):
        when = _started(entry)
        if start is not None and when is not None and when < start:
            continue
        content = entry.get("response", {}).get("content", {})
        if not _is_json(str(content.get("mimeType", ""))):
            content.pop("text", None)
            content.pop("encoding", None)
        kept.append(entry)
    har.setdefault("log", {})["entries"] = kept
    return har


def write_har(folder: Path, name: str, har: dict[str, Any]) -> Path:
    """Write ``folder/name.har`` (or ``name.har.gz`` when large); returns the path written."""
    data = json.dumps(har, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    if len(data) > COMPRESS_ABOVE:
        path = folder / f"{name}.har.gz"
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        path = folder / f"{name}.har"
        path.write_bytes(data)
    return path


def read_har(path: Path) -> dict[str, Any]:
    """A HAR written by :func:`write_har` (``.har`` or ``.har.gz``)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw.decode("utf-8"))


def har_entries(har: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The entries of a HAR document (none for None)."""
    return list((har or {}).get("log", {}).get("entries", []))


def read_har_entries(path: Path) -> list[dict[str, Any]]:
    return har_entries(read_har(path))
