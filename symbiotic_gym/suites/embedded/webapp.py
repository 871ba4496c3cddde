"""A tiny WSGI-free web framework for the embedded sites: routing, forms, cookies, sessions.

Each site is an :class:`App` (routes + a SQLite schema/seed). A :class:`SiteServer` serves one app on
127.0.0.1 from a threaded ``http.server`` and keeps a pristine copy of the seeded database in memory,
so :meth:`SiteServer.reset` restores the initial state with SQLite's online backup in milliseconds.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import cookies
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, urlsplit

from symbiotic_gym.web.boundary_proxy import SHUTDOWN_POLL_S, QuietHTTPServer

SESSION_COOKIE = "sg_session"


def esc(value: object) -> str:
    """HTML-escape any value for safe interpolation into markup."""
    return html.escape(str(value), quote=True)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    cookies: dict[str, str]
    db: sqlite3.Connection
    site: App
    params: dict[str, str] = field(default_factory=dict)
    user: sqlite3.Row | None = None

    def arg(self, name: str, default: str = "") -> str:
        return self.form.get(name, self.query.get(name, default)).strip()


@dataclass
class Response:
    body: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    set_cookies: dict[str, str] = field(default_factory=dict)


def redirect(location: str) -> Response:
    return Response(status=303, headers={"Location": location})


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Handler = Callable[[Request], "Response | str"]


class PageChrome(Protocol):
    """What a site wraps every page in (header, menus, sidebar, footer). The web app only calls it; the
    sites hand theirs in (:class:`symbiotic_gym.suites.embedded.layout.Chrome`)."""

    def render(self, site: App, req: Request, title: str, body: str, crumbs: Sequence[tuple[str, str]]) -> str: ...


class App:
    """Routes plus the database schema and seed function of one site."""

    def __init__(
        self,
        name: str,
        title: str,
        schema: str,
        seed: Callable[[sqlite3.Connection], None],
        *,
        database_of: str | None = None,
        users_table: str = "users",
        sessions_table: str = "sessions",
    ):
        """``database_of`` names another site whose live database this one serves (an admin panel over its
        shop); ``users_table`` and ``sessions_table`` are where this site's accounts and sign-ins live."""
        self.name = name
        self.database_of = database_of
        self.users_table = users_table
        self.sessions_table = sessions_table
        self.title = title
        self.schema = schema
        self.seed = seed
        self.routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        self.nav: Callable[[Request], list[tuple[str, str]]] = lambda req: []
        self.chrome: PageChrome | None = None  # set by the site (every page is rendered through it)

    def route(self, method: str, pattern: str, *, login: bool = False) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.routes.append((method, re.compile(f"^{pattern}$"), fn, login))
            return fn

        return deco

    def build_database(self) -> sqlite3.Connection:
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.executescript(self.schema)
        self.seed(conn)
        conn.commit()
        return conn

    def page(self, req: Request, title: str, body: str, *, crumbs: Sequence[tuple[str, str]] = ()) -> str:
        """A full page: this site's chrome (header, menus, sidebar, footer) around ``body``."""
        if self.chrome is None:
            raise RuntimeError(f"site {self.name!r} has no page chrome: set app.chrome (a layout.Chrome)")
        return self.chrome.render(self, req, title, body, crumbs)

    def dispatch(self, req: Request) -> Response:
        for method, pattern, fn, needs_login in self.routes:
            if method != req.method:
                continue
            m = pattern.match(req.path)
            if not m:
                continue
            req.params = m.groupdict()
            if needs_login and req.user is None:
                return redirect("/login?next=" + quote(req.path))
            out = fn(req)
            return Response(body=out) if isinstance(out, str) else out
        raise HTTPError(404, f"No page at {req.path}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        site = self.server.site
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        form: dict[str, str] = {}
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        jar = cookies.SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except cookies.CookieError:
            pass
        cookie_map = {k: morsel.value for k, morsel in jar.items()}
        try:
            with site.lock:
                if site.fault is not None and re.search(site.fault, parts.path):
                    raise HTTPError(500, "Injected server error")
                req = Request(method, parts.path, query, form, cookie_map, site.db, site.app)
                token = cookie_map.get(SESSION_COOKIE)
                if token:
                    req.user = site.db.execute(
                        f"SELECT u.* FROM {site.app.sessions_table} s JOIN {site.app.users_table} u "
                        "ON u.id = s.user_id WHERE s.token = ?",
                        (token,),
                    ).fetchone()
                resp = site.app.dispatch(req)
                site.db.commit()
        except HTTPError as err:
            resp = Response(body=f"<h1>Error {err.status}</h1><p>{esc(err.message)}</p>", status=err.status)
        except Exception:  # a bug in a site must show up as a 500 page, not kill the server
            traceback.print_exc()
            resp = Response(body="<h1>Error 500</h1><p>Internal server error</p>", status=500)
        payload = resp.body.encode("utf-8")
        self.send_response(resp.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        for k, v in resp.headers.items():
            self.send_header(k, v)
        for k, v in resp.set_cookies.items():
            self.send_header("Set-Cookie", f"{k}={v}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()
        self.wfile.write(payload)


class _Server(QuietHTTPServer):  # a browser hanging up mid-request prints nothing
    site: SiteServer


class SiteServer:
    """Serves one :class:`App` on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, app: App, port: int = 0, *, share: SiteServer | None = None) -> None:
        """``share``: the server of the site whose database ``app`` serves (``app.database_of``); both then
        read and write one database under one lock, and resetting either restores it."""
        self.app = app
        self.fault: str | None = None
        if share is not None:
            if app.database_of != share.app.name:
                raise ValueError(
                    f"site {app.name!r} serves the database of {app.database_of!r}, not {share.app.name!r}"
                )
            self.lock = share.lock
            self._seed = share._seed
            self.db = share.db
        else:
            if app.database_of is not None:
                raise ValueError(f"site {app.name!r} needs the server of {app.database_of!r} (share=...)")
            self.lock = threading.RLock()
            self._seed = app.build_database()
            self.db = sqlite3.connect(":memory:", check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self._seed.backup(self.db)
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.site = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_S},  # close() waits for the next poll (default 0.5 s)
            name=f"site-{app.name}",
            daemon=True,
        )
        self._thread.start()

    def reset(self) -> float:
        """Restore the pristine seeded database; returns the seconds it took."""
        start = time.perf_counter()
        with self.lock:
            self.fault = None
            self._seed.backup(self.db)
        return time.perf_counter() - start

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> None:
        """Change the live database (a task seeding its own rows after :meth:`reset`)."""
        with self.lock:
            self.db.execute(sql, params)
            self.db.commit()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
