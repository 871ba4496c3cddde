"""Markup helpers and the login/logout routes shared by every embedded site."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence

from symbiotic_gym.suites.embedded.webapp import SESSION_COOKIE, App, Request, Response, esc, redirect


def password_hash(username: str, password: str) -> str:
    """The stored form of a password (deterministic so task checks can be precomputed)."""
    return hashlib.sha256(f"sg-salt:{username}:{password}".encode()).hexdigest()


def session_token(site: str, username: str) -> str:
    """The preset session token of a seeded user (lets the env log a user in without a form)."""
    return hashlib.sha256(f"sg-session:{site}:{username}".encode()).hexdigest()[:32]


def money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def field(label: str, name: str, value: object = "", *, kind: str = "text", required: bool = False) -> str:
    fid = f"f-{name}"
    req = " required" if required else ""
    if kind == "textarea":
        control = f'<textarea id="{fid}" name="{esc(name)}" rows="4" cols="50"{req}>{esc(value)}</textarea>'
    else:
        control = f'<input id="{fid}" type="{kind}" name="{esc(name)}" value="{esc(value)}"{req}>'
    return f'<p><label for="{fid}">{esc(label)}</label> {control}</p>'


def select(label: str, name: str, options: Iterable[tuple[str, str]], selected: str = "") -> str:
    fid = f"f-{name}"
    opts = "".join(
        f'<option value="{esc(v)}"{" selected" if str(v) == str(selected) else ""}>{esc(t)}</option>'
        for v, t in options
    )
    return f'<p><label for="{fid}">{esc(label)}</label> <select id="{fid}" name="{esc(name)}">{opts}</select></p>'


def form(action: str, body: str, button: str, *, method: str = "post", label: str = "") -> str:
    aria = f' aria-label="{esc(label)}"' if label else ""
    submit = f'<button type="submit">{esc(button)}</button>'
    return f'<form method="{method}" action="{esc(action)}"{aria}>{body}{submit}</form>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def link(href: str, text: object) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def notice(req: Request) -> str:
    msg = req.query.get("msg", "")
    return f'<p role="status">{esc(msg)}</p>' if msg else ""


def alert(req: Request) -> str:
    """The error message passed back by a failed form (``?error=...``), shown as an alert."""
    msg = req.query.get("error", "")
    return f'<p role="alert">{esc(msg)}</p>' if msg else ""


def install_auth(app: App) -> None:
    """Add /login and /logout, backed by the site's ``users`` and ``sessions`` tables."""

    @app.route("GET", "/login")
    def login_page(req: Request) -> str:
        nxt = req.query.get("next", "/")
        err = alert(req)
        body = err + form(
            "/login",
            field("Username", "username", required=True)
            + field("Password", "password", kind="password", required=True)
            + f'<input type="hidden" name="next" value="{esc(nxt)}">',
            "Sign in",
        )
        return app.page(req, "Sign in", body)

    @app.route("POST", "/login")
    def login(req: Request) -> Response:
        username = req.arg("username")
        user = req.db.execute(f"SELECT * FROM {app.users_table} WHERE username = ?", (username,)).fetchone()
        if user is None or user["password_hash"] != password_hash(username, req.form.get("password", "")):
            return redirect("/login?error=Invalid+username+or+password")
        token = session_token(app.name, username)
        req.db.execute(
            f"INSERT OR REPLACE INTO {app.sessions_table}(token, user_id) VALUES (?, ?)", (token, user["id"])
        )
        nxt = req.arg("next") or "/"
        resp = redirect(nxt if nxt.startswith("/") else "/")
        resp.set_cookies[SESSION_COOKIE] = token
        return resp

    @app.route("POST", "/logout")
    def logout(req: Request) -> Response:
        resp = redirect("/")
        resp.set_cookies[SESSION_COOKIE] = "deleted; Max-Age=0"
        return resp


def change_password(req: Request, *, confirm: bool = True) -> str | None:
    """Validate and apply a password change form; returns an error message or None."""
    if req.user is None:
        return "Please sign in first"
    current = req.form.get("current_password", "")
    new = req.form.get("new_password", "")
    if password_hash(req.user["username"], current) != req.user["password_hash"]:
        return "Current password is incorrect"
    if len(new) < 8:
        return "New password must have at least 8 characters"
    if confirm and new != req.form.get("confirm_password", ""):
        return "The new passwords do not match"
    req.db.execute(
        "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash(req.user["username"], new), req.user["id"])
    )
    return None


def password_form(action: str) -> str:
    return form(
        action,
        field("Current password", "current_password", kind="password")
        + field("New password", "new_password", kind="password")
        + field("Confirm new password", "confirm_password", kind="password"),
        "Save password",
    )


def seed_sessions(conn: sqlite3.Connection, site: str) -> None:
    for row in conn.execute("SELECT id, username FROM users").fetchall():
        conn.execute("INSERT INTO sessions(token, user_id) VALUES (?, ?)", (session_token(site, row[1]), row[0]))
