"""A scripted model served the way a real provider is: an OpenAI-compatible HTTP server on 127.0.0.1.

``ScriptedOpenAIServer(respond)`` answers ``POST /v1/chat/completions`` with ``respond(messages)`` and
counts the requests, so tests exercise litellm's real client path (HTTP, JSON, usage) with no network.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        messages = body.get("messages") or []
        with self.server.lock:
            self.server.requests += 1
        text = self.server.respond(messages)
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        reply = {
            "id": f"chatcmpl-{self.server.requests}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "scripted"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(text.split()),
                "total_tokens": prompt_tokens + len(text.split()),
            },
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    respond: Callable[[list[dict[str, Any]]], str]
    requests: int
    lock: threading.Lock


class ScriptedOpenAIServer:
    def __init__(self, respond: Callable[[list[dict[str, Any]]], str]) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.respond, self.httpd.requests, self.httpd.lock = respond, 0, threading.Lock()
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> int:
        return self.httpd.requests

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
