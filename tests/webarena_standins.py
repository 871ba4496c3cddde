"""Small local stand-ins for the WebArena sites (one HTTP server per site on 127.0.0.1), for tests.

They serve just enough for real WebArena task configs to run end to end: the map site has the answer
page of tasks 7/9, the search results of task 377 and the directions form of task 356; the sites with
accounts have login forms that BrowserGym's ``ui_login`` can fill. ``BROKEN_LOGIN`` (a set of sites) makes
their login fail (the form comes back). For WebArena-Verified, GitLab has the to-do page of task 44 and the
merge request of task 389, whose comment box posts the note as JSON the way GitLab's does.

libwebarena reads the site URLs once, when it is first imported, so a test process starts the stand-ins
once (:func:`start`) and keeps their ports.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

ADDRESS = "Pittsburgh International Airport, Southern Beltway, Findlay Township, Allegheny County, 15231, United States"

MAP_HOME = f"""<html><head><title>Map</title></head><body>
<h1>{ADDRESS}</h1>
<a href="/search?query=restaurants%20near%20CMU%20ArtPark%20Lab">Restaurants near CMU ArtPark Lab</a>
<div id="content">
  <select class="routing_engines" aria-label="Mode"><option>Car (OSRM)</option><option>Bicycle (OSRM)</option>
  <option>Foot (OSRM)</option></select>
  <input name="route_from" aria-label="From"> <input name="route_to" aria-label="To"> <button>Go</button>
</div></body></html>"""

LOGIN_FORMS = {
    # site: (login path, username label, password label, button, link to the form from "/")
    "reddit": ("/login", "Username", "Password", "Log in", True),
    "gitlab": ("/users/sign_in", "Username or email", "Password", "Sign in", False),
    "shopping": ("/customer/account/login/", "Email", "Password", "Sign In", False),
    "shopping_admin": ("/", "Username", "Password", "Sign in", False),
}


def login_form(site: str) -> str:
    path, user, pw, button, _ = LOGIN_FORMS[site]
    return (
        f"<html><body><form method='post' action='{path}'>"
        f"<label for='u'>{user}</label><input id='u' name='u'>"
        f"<label for='p'>{pw}</label><input id='p' name='p' type='password'>"
        f"<button type='submit'>{button}</button></form></body></html>"
    )


BROKEN_LOGIN: set[str] = set()
NOTES: list[str] = []  # JSON bodies posted to GitLab's notes endpoint (task 389)

GITLAB_HOME_LINKS = (
    "<nav><a href='/dashboard/todos'>To-Do List</a> "
    "<a href='/primer/design/-/merge_requests/450'>octovisuals page</a></nav>"
)
MR_PAGE = """<html><head><title>octovisuals page · primer/design</title></head><body>
<h1>Merge request: octovisuals page</h1>
<textarea id="note" aria-label="Comment"></textarea>
<button type="button" id="post" onclick="postNote()">Comment</button>
<p id="done"></p>
<script>
function postNote() {
  fetch('/primer/design/notes?target_id=139245&target_type=merge_request', {
    method: 'POST',
    headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
    body: JSON.stringify({note: {noteable_type: 'MergeRequest', noteable_id: 139245,
                                 note: document.getElementById('note').value}})
  }).then(r => r.json()).then(() => { document.getElementById('done').textContent = 'Comment posted'; });
}
</script></body></html>"""
GITLAB_PAGES = {
    "/dashboard/todos": (
        "<html><head><title>To-Do List</title></head><body><h1>To-Do List</h1><p>Nothing to do</p></body></html>"
    ),
    "/primer/design/-/merge_requests/450": MR_PAGE,
}


def make_handler(site: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, body: str, status: int = 200, headers: dict[str, str] | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _logged_in(self) -> bool:
            return "session=ok" in (self.headers.get("Cookie") or "")

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if site == "map":
                if url.path == "/search":
                    query = parse_qs(url.query).get("query", [""])[0]
                    return self._send(f"<html><body><h1>Results for {query}</h1><p>Tartine Bakery</p></body></html>")
                return self._send(MAP_HOME)
            if site in LOGIN_FORMS:
                path, *_, link = LOGIN_FORMS[site]
                if url.path == path and not self._logged_in():
                    return self._send(login_form(site))
                if not self._logged_in() and site in ("gitlab", "shopping_admin"):
                    return self._send(login_form(site))  # these redirect to their login form
                if site == "gitlab" and url.path in GITLAB_PAGES:
                    return self._send(GITLAB_PAGES[url.path])
                link_html = "" if self._logged_in() or not link else f"<a href='{path}'>Log in</a>"
                state = "Signed in as the WebArena user" if self._logged_in() else "Welcome"
                extra = GITLAB_HOME_LINKS if site == "gitlab" else ""
                return self._send(f"<html><body><h1>{site}</h1><p>{state}</p>{link_html}{extra}</body></html>")
            return self._send(f"<html><body><h1>{site}</h1></body></html>")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if site == "gitlab" and urlparse(self.path).path == "/primer/design/notes" and self._logged_in():
                NOTES.append(body.decode("utf-8", "replace"))
                data = b'{"id": 1, "noteable_type": "MergeRequest"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            if site in BROKEN_LOGIN:
                return self._send(login_form(site))
            self._send("", 303, {"Location": "/", "Set-Cookie": "session=ok; Path=/"})

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


RESETS: list[str] = []


class _ResetHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the WebArena reset server: /reset starts a reset, /status says when done
        if self.path.startswith("/reset"):
            RESETS.append(self.path)
        body = b"Ready for duty!" if self.path.startswith("/status") else b"Reset started"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def reset_server_url() -> str:
    with _lock:
        if "reset" not in _started:
            httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ResetHandler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            _started["reset"] = f"http://127.0.0.1:{httpd.server_address[1]}"
        return _started["reset"]


SITES = ("shopping", "shopping_admin", "reddit", "gitlab", "wikipedia", "map", "homepage")
_started: dict[str, str] = {}
_lock = threading.Lock()


def start() -> dict[str, str]:
    """Start the stand-ins (once per process); returns {WA_VAR: url} to put in the environment."""
    with _lock:
        if not _started:
            for site in SITES:
                httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site))
                threading.Thread(target=httpd.serve_forever, daemon=True).start()
                _started[f"WA_{site.upper()}"] = f"http://127.0.0.1:{httpd.server_address[1]}"
        return {k: v for k, v in _started.items() if k.startswith("WA_")}


def use(monkeypatch: Any) -> dict[str, str]:
    """A test's WebArena environment: the stand-ins' URLs in WA_*, no judge, no reset server, logins working."""
    env = start()
    for var, url in env.items():
        monkeypatch.setenv(var, url)
    monkeypatch.delenv("SYMBIOTIC_JUDGE_MODEL", raising=False)
    monkeypatch.delenv("WA_FULL_RESET", raising=False)
    BROKEN_LOGIN.clear()
    NOTES.clear()
    return env


def closed_port_url() -> str:
    """A URL where nothing listens."""
    probe = ThreadingHTTPServer(("127.0.0.1", 0), make_handler("map"))
    port = probe.server_address[1]
    probe.server_close()
    return f"http://127.0.0.1:{port}"


class VerifiedScript:
    """Plays three real WebArena-Verified tasks on the stand-ins: 7 (answer only), 44 (open a page) and 389
    (post a comment, checked in the network trace). ``good=False`` gets each wrong in the way the verified
    evaluators catch: a wrong postcode, answering without opening the page, claiming a comment never posted."""

    def __init__(self, good: bool = True) -> None:
        self.good = good if isinstance(good, bool) else str(good).lower() == "true"
        self.task = ""
        self.n = 0

    def reset(self, task: Any) -> None:
        self.task, self.n = task.task_id, 0

    def act(self, obs: dict) -> Any:
        import json as _json

        from symbiotic_gym.agent import AgentStep
        from symbiotic_gym.web.observation import parse_elements

        self.n += 1
        elements = {(e.role, e.name): e.bid for e in parse_elements(obs["axtree_txt"])}

        def answer(kind: str, data: Any = None) -> Any:
            body = {"task_type": kind, "status": "SUCCESS", "retrieved_data": data, "error_details": None}
            return AgentStep(f"send_msg_to_user({_json.dumps(body)!r})", "done")

        if self.task == "webarena.7":
            postcode = "15231" if self.good else "15213"
            return answer(
                "RETRIEVE",
                [{"name": "Pittsburgh International Airport", "state": "Pennsylvania", "postcode": postcode}],
            )
        if self.task == "webarena.44":
            if self.good and self.n == 1:
                return AgentStep(f"click({elements[('link', 'To-Do List')]!r})", "open the to-do list")
            return answer("NAVIGATE")
        if self.task == "webarena.389":
            if not self.good or self.n == 4:
                return answer("MUTATE")
            if self.n == 1:
                return AgentStep(f"click({elements[('link', 'octovisuals page')]!r})", "open the merge request")
            if self.n == 2:
                return AgentStep(f"fill({elements[('textbox', 'Comment')]!r}, 'Thanks, working on reviews')", "write")
            return AgentStep(f"click({elements[('button', 'Comment')]!r})", "post it")
        return AgentStep("report_infeasible('not scripted')", "")
