"""The embedded forum: communities, posts, comments, votes, profiles and private messages."""

from __future__ import annotations

import sqlite3

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.layout import Chrome, info_links, install_info_pages, sidebar_section
from symbiotic_gym.suites.embedded.sites.common import (
    alert,
    change_password,
    esc,
    field,
    form,
    install_auth,
    link,
    notice,
    password_form,
    password_hash,
    seed_sessions,
    select,
)
from symbiotic_gym.suites.embedded.webapp import App, HTTPError, Request, Response, redirect

SCHEMA = """
CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT UNIQUE, display_name TEXT, email TEXT, phone TEXT,
                   bio TEXT, password_hash TEXT);
CREATE TABLE sessions(token TEXT PRIMARY KEY, user_id INTEGER);
CREATE TABLE communities(id INTEGER PRIMARY KEY, name TEXT UNIQUE, description TEXT);
CREATE TABLE posts(id INTEGER PRIMARY KEY, community_id INTEGER, user_id INTEGER, title TEXT, body TEXT,
                   created TEXT);
CREATE TABLE comments(id INTEGER PRIMARY KEY, post_id INTEGER, user_id INTEGER, body TEXT);
CREATE TABLE votes(user_id INTEGER, post_id INTEGER, value INTEGER, PRIMARY KEY(user_id, post_id));
CREATE TABLE messages(id INTEGER PRIMARY KEY, sender_id INTEGER, recipient_id INTEGER, subject TEXT, body TEXT);
-- indexes for the per-post score and comment count subqueries (without them the home page costs ~30 ms)
CREATE INDEX votes_post ON votes(post_id);
CREATE INDEX comments_post ON comments(post_id);
CREATE INDEX posts_community ON posts(community_id);
"""


def seed(conn: sqlite3.Connection) -> None:
    people = {p.username: p for p in data.PEOPLE}
    r = data.rng("forum")
    for i, name in enumerate(data.FORUM_USERS, start=1):
        p = people.get(name)
        conn.execute(
            "INSERT INTO users VALUES (?,?,?,?,?,?,?)",
            (
                i,
                name,
                p.full_name if p else name.replace("_", " ").title(),
                p.email if p else f"{name}@example.com",
                p.phone if p else "",
                f"Hi, I am {name}.",
                password_hash(name, p.password if p else "forum-pass-1"),
            ),
        )
    seed_sessions(conn, "forum")
    nusers = len(data.FORUM_USERS)
    pid = 0
    for cid, (cname, desc) in enumerate(data.COMMUNITIES, start=1):
        conn.execute("INSERT INTO communities VALUES (?,?,?)", (cid, cname, desc))
        for topic in data.TOPICS[cname]:
            for form_ in data.TITLE_FORMS:
                pid += 1
                title = form_.format(t=topic)
                author = r.randrange(1, nusers + 1)
                conn.execute(
                    "INSERT INTO posts VALUES (?,?,?,?,?,?)",
                    (
                        pid,
                        cid,
                        author,
                        title,
                        f"I have been thinking about {topic} lately. What do you all think?",
                        f"2026-{r.randrange(1, 11):02d}-{r.randrange(1, 28):02d}",
                    ),
                )
                for voter in r.sample(range(1, nusers + 1), r.randrange(0, 14)):
                    conn.execute("INSERT INTO votes VALUES (?,?,?)", (voter, pid, 1 if r.random() < 0.8 else -1))
                for _ in range(r.randrange(0, 5)):
                    conn.execute(
                        "INSERT INTO comments(post_id, user_id, body) VALUES (?,?,?)",
                        (
                            pid,
                            r.randrange(1, nusers + 1),
                            r.choice(
                                (
                                    "Totally agree with this.",
                                    "I had the opposite experience.",
                                    "Thanks for sharing!",
                                    "Could you say more about that?",
                                    "This is the way.",
                                )
                            ),
                        ),
                    )
    for _ in range(40):
        a, b = r.sample(range(1, nusers + 1), 2)
        conn.execute(
            "INSERT INTO messages(sender_id, recipient_id, subject, body) VALUES (?,?,?,?)",
            (a, b, "Quick question", "Hey, did you see the latest thread?"),
        )


app = App("forum", "Postmill Forum", SCHEMA, seed)
install_auth(app)
app.nav = lambda req: [
    ("Communities", "/communities"),
    ("Submit", "/submit"),
    ("Messages", "/messages"),
    ("Settings", "/settings"),
]

POST_SELECT = (
    "SELECT p.*, u.username, c.name AS community, "
    "COALESCE((SELECT SUM(value) FROM votes v WHERE v.post_id=p.id), 0) AS score, "
    "(SELECT COUNT(*) FROM comments m WHERE m.post_id=p.id) AS ncomments "
    "FROM posts p JOIN users u ON u.id=p.user_id JOIN communities c ON c.id=p.community_id "
)
SEARCH_FORM = form("/search", field("Search posts", "q"), "Search", method="get", label="Post search")


def _sidebar(req: Request) -> str:
    comms = req.db.execute(
        "SELECT c.name, (SELECT COUNT(*) FROM posts p WHERE p.community_id=c.id) AS n "
        "FROM communities c ORDER BY c.name"
    ).fetchall()
    return (
        "<h2>Popular communities</h2><ul>"
        + "".join(
            f"<li>{link('/f/' + c['name'], 'f/' + c['name'])} <span class='muted'>{c['n']} posts</span></li>"
            for c in comms
        )
        + "</ul>"
        + "<h2>About this forum</h2><p>A place to talk about books, food, gardens, gadgets and more. Be kind.</p>"
        + sidebar_section("Rules", info_links("Community rules", "Moderation log", "Report abuse"))
    )


app.chrome = Chrome(
    accent="#0f766e",
    topbar=(("Announcements", "/info/announcements"), ("Wiki", "/info/wiki")),
    search=SEARCH_FORM,
    sidebar=_sidebar,
    footer=(
        ("Postmill", info_links("About", "Community rules", "Moderation log", "Wiki")),
        ("Help", info_links("Formatting help", "Report abuse", "Contact the admins")),
        ("Legal", info_links("Privacy policy", "Terms of service", "Cookie settings")),
    ),
    shortcuts=(("j / k", "Next / previous post"), ("a", "Upvote"), ("c", "Comment")),
)
install_info_pages(app)


def post_list(rows: list[sqlite3.Row]) -> str:
    return (
        "<ul>"
        + "".join(
            f"<li>{link('/post/' + str(p['id']), p['title'])} by {link('/user/' + p['username'], p['username'])} "
            f"in {link('/f/' + p['community'], p['community'])}: {p['score']} points, {p['ncomments']} comments</li>"
            for p in rows
        )
        + "</ul>"
    )


@app.route("GET", "/")
def home(req: Request) -> str:
    rows = req.db.execute(POST_SELECT + "ORDER BY score DESC, p.id LIMIT 20").fetchall()
    return app.page(req, "Front page", "<h2>Top posts</h2>" + post_list(rows))


@app.route("GET", "/communities")
def communities(req: Request) -> str:
    rows = req.db.execute("SELECT * FROM communities ORDER BY name").fetchall()
    return app.page(
        req,
        "Communities",
        "<ul>"
        + "".join(f"<li>{link('/f/' + c['name'], c['name'])}: {esc(c['description'])}</li>" for c in rows)
        + "</ul>",
    )


@app.route("GET", r"/f/(?P<name>\w+)")
def community(req: Request) -> str:
    c = req.db.execute("SELECT * FROM communities WHERE name=?", (req.params["name"],)).fetchone()
    if c is None:
        raise HTTPError(404, "Unknown community")
    order = "score DESC, p.id" if req.query.get("sort") == "top" else "p.created DESC, p.id DESC"
    rows = req.db.execute(POST_SELECT + f"WHERE p.community_id=? ORDER BY {order}", (c["id"],)).fetchall()
    sorts = link(f"/f/{c['name']}?sort=top", "Sort by top") + " " + link(f"/f/{c['name']}?sort=new", "Sort by new")
    return app.page(req, f"f/{c['name']}", f"<p>{esc(c['description'])}</p><p>{sorts}</p>" + post_list(rows))


@app.route("GET", "/search")
def search(req: Request) -> str:
    q = req.arg("q")
    rows = req.db.execute(POST_SELECT + "WHERE p.title LIKE ? ORDER BY p.id LIMIT 50", (f"%{q}%",)).fetchall()
    return app.page(req, "Search results", f"<p>{len(rows)} posts match “{esc(q)}”</p>" + post_list(rows))


@app.route("GET", r"/post/(?P<pid>\d+)")
def post(req: Request) -> str:
    p = req.db.execute(POST_SELECT + "WHERE p.id=?", (req.params["pid"],)).fetchone()
    if p is None:
        raise HTTPError(404, "Unknown post")
    comments = req.db.execute(
        "SELECT m.*, u.username FROM comments m JOIN users u ON u.id=m.user_id WHERE post_id=? ORDER BY m.id",
        (p["id"],),
    ).fetchall()
    own = req.user is not None and req.user["id"] == p["user_id"]
    body = (
        notice(req) + f"<p>Posted by {link('/user/' + p['username'], p['username'])} in "
        f"{link('/f/' + p['community'], p['community'])}"
        f" on {esc(p['created'])}</p><p>{esc(p['body'])}</p><p>Score: {p['score']} points</p>"
        + form(f"/post/{p['id']}/vote?value=1", "", "Upvote")
        + form(f"/post/{p['id']}/vote?value=-1", "", "Downvote")
        + (link(f"/post/{p['id']}/edit", "Edit post") if own else "")
        + f"<h2>{len(comments)} comments</h2>"
        + "".join(
            f"<article><p>{link('/user/' + c['username'], c['username'])} wrote:</p><p>{esc(c['body'])}</p></article>"
            for c in comments
        )
        + form(f"/post/{p['id']}/comment", field("Comment", "body", kind="textarea"), "Post comment")
    )
    return app.page(req, p["title"], body)


@app.route("POST", r"/post/(?P<pid>\d+)/vote", login=True)
def vote(req: Request) -> Response:
    value = 1 if req.query.get("value", "1") == "1" else -1
    req.db.execute("INSERT OR REPLACE INTO votes VALUES (?,?,?)", (req.user["id"], req.params["pid"], value))
    return redirect(f"/post/{req.params['pid']}?msg=Vote+recorded")


@app.route("POST", r"/post/(?P<pid>\d+)/comment", login=True)
def comment(req: Request) -> Response:
    if not req.arg("body"):
        return redirect(f"/post/{req.params['pid']}?msg=A+comment+cannot+be+empty")
    req.db.execute(
        "INSERT INTO comments(post_id, user_id, body) VALUES (?,?,?)",
        (req.params["pid"], req.user["id"], req.arg("body")),
    )
    return redirect(f"/post/{req.params['pid']}?msg=Comment+posted")


def own_post(req: Request) -> sqlite3.Row:
    p = req.db.execute("SELECT * FROM posts WHERE id=?", (req.params["pid"],)).fetchone()
    if p is None or p["user_id"] != req.user["id"]:
        raise HTTPError(403, "You can only edit your own posts")
    return p


@app.route("GET", r"/post/(?P<pid>\d+)/edit", login=True)
def edit_page(req: Request) -> str:
    p = own_post(req)
    return app.page(
        req,
        "Edit post",
        form(
            f"/post/{p['id']}/edit",
            field("Title", "title", p["title"]) + field("Body", "body", p["body"], kind="textarea"),
            "Save changes",
        ),
    )


@app.route("POST", r"/post/(?P<pid>\d+)/edit", login=True)
def edit(req: Request) -> Response:
    p = own_post(req)
    req.db.execute("UPDATE posts SET title=?, body=? WHERE id=?", (req.arg("title"), req.arg("body"), p["id"]))
    return redirect(f"/post/{p['id']}?msg=Post+updated")


@app.route("GET", "/submit", login=True)
def submit_page(req: Request) -> str:
    comms = [(c["name"], c["name"]) for c in req.db.execute("SELECT name FROM communities ORDER BY name")]
    return app.page(
        req,
        "Create a post",
        form(
            "/submit",
            select("Community", "community", comms) + field("Title", "title") + field("Body", "body", kind="textarea"),
            "Create post",
        ),
    )


@app.route("POST", "/submit", login=True)
def submit(req: Request) -> Response:
    c = req.db.execute("SELECT id FROM communities WHERE name=?", (req.arg("community"),)).fetchone()
    if c is None or not req.arg("title"):
        return redirect("/submit")
    cur = req.db.execute(
        "INSERT INTO posts(community_id, user_id, title, body, created) VALUES (?,?,?,?,?)",
        (c["id"], req.user["id"], req.arg("title"), req.arg("body"), "2026-11-24"),
    )
    return redirect(f"/post/{cur.lastrowid}?msg=Post+created")


@app.route("GET", r"/user/(?P<name>[\w.]+)")
def profile(req: Request) -> str:
    u = req.db.execute("SELECT * FROM users WHERE username=?", (req.params["name"],)).fetchone()
    if u is None:
        raise HTTPError(404, "Unknown user")
    rows = req.db.execute(POST_SELECT + "WHERE p.user_id=? ORDER BY p.id DESC", (u["id"],)).fetchall()
    karma = sum(r["score"] for r in rows)
    body = (
        f"<p>{esc(u['display_name'])}</p><p>{esc(u['bio'])}</p><p>Karma: {karma}</p>"
        + link(f"/messages/new?to={u['username']}", "Send message")
        + f"<h2>Posts by {esc(u['username'])}</h2>"
        + post_list(rows)
    )
    return app.page(req, u["username"], body)


@app.route("GET", "/messages", login=True)
def inbox(req: Request) -> str:
    rows = req.db.execute(
        "SELECT m.*, u.username FROM messages m JOIN users u ON u.id=m.sender_id "
        "WHERE recipient_id=? ORDER BY m.id DESC",
        (req.user["id"],),
    ).fetchall()
    return app.page(
        req,
        "Messages",
        notice(req)
        + link("/messages/new", "New message")
        + "<ul>"
        + "".join(f"<li>From {esc(m['username'])}: {esc(m['subject'])} — {esc(m['body'])}</li>" for m in rows)
        + "</ul>",
    )


@app.route("GET", "/messages/new", login=True)
def message_page(req: Request) -> str:
    return app.page(
        req,
        "New message",
        form(
            "/messages/new",
            field("To", "to", req.query.get("to", ""))
            + field("Subject", "subject")
            + field("Message", "body", kind="textarea"),
            "Send message",
        ),
    )


@app.route("POST", "/messages/new", login=True)
def message(req: Request) -> Response:
    to = req.db.execute("SELECT id FROM users WHERE username=?", (req.arg("to"),)).fetchone()
    if to is None:
        return redirect("/messages?msg=No+such+user")
    req.db.execute(
        "INSERT INTO messages(sender_id, recipient_id, subject, body) VALUES (?,?,?,?)",
        (req.user["id"], to["id"], req.arg("subject"), req.arg("body")),
    )
    return redirect("/messages?msg=Message+sent")


@app.route("GET", "/settings", login=True)
def settings(req: Request) -> str:
    err = alert(req)
    return app.page(
        req,
        "Settings",
        notice(req)
        + err
        + form(
            "/settings",
            field("Email", "email", req.user["email"]) + field("Biography", "bio", req.user["bio"], kind="textarea"),
            "Save settings",
        )
        + "<h2>Password</h2>"
        + password_form("/settings/password"),
    )


@app.route("POST", "/settings", login=True)
def settings_save(req: Request) -> Response:
    req.db.execute("UPDATE users SET email=?, bio=? WHERE id=?", (req.arg("email"), req.arg("bio"), req.user["id"]))
    return redirect("/settings?msg=Settings+saved")


@app.route("POST", "/settings/password", login=True)
def password_save(req: Request) -> Response:
    error = change_password(req)
    return redirect("/settings?error=" + error.replace(" ", "+") if error else "/settings?msg=Password+changed")
