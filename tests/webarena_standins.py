"""Small local stand-ins for the WebArena sites (one HTTP server per site on 127.0.0.1), for tests.

They serve just enough for real WebArena task configs to run end to end: the map site has the answer
page of tasks 7/9, the search results of task 377 and the directions form of task 356; the sites with
accounts have login forms that BrowserGym's ``ui_login`` can fill. ``BROKEN_LOGIN`` (a set of sites) makes
their login fail (the form comes back).

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
                link_html = "" if self._logged_in() or not link else f"<a href='{path}'>Log in</a>"
                state = "Signed in as the WebArena user" if self._logged_in() else "Welcome"
                return self._send(f"<html><body><h1>{site}</h1><p>{state}</p>{link_html}</body></html>")
            return self._send(f"<html><body><h1>{site}</h1></body></html>")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
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


def closed_port_url() -> str:
    """A URL where nothing listens."""
    probe = ThreadingHTTPServer(("127.0.0.1", 0), make_handler("map"))
    port = probe.server_address[1]
    probe.server_close()
    return f"http://127.0.0.1:{port}"
