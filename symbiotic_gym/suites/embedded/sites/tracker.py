"""The embedded issue tracker: projects, issues, labels, milestones, comments, members and API tokens."""

from __future__ import annotations

import hashlib
import sqlite3

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.layout import Chrome, info_links, install_info_pages, link_list, sidebar_section
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
    table,
)
from symbiotic_gym.suites.embedded.webapp import App, HTTPError, Request, Response, redirect

SCHEMA = """
CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT UNIQUE, full_name TEXT, email TEXT, password_hash TEXT);
CREATE TABLE sessions(token TEXT PRIMARY KEY, user_id INTEGER);
CREATE TABLE projects(id INTEGER PRIMARY KEY, slug TEXT UNIQUE, name TEXT, description TEXT);
CREATE TABLE members(project_id INTEGER, user_id INTEGER, role TEXT);
CREATE TABLE labels(id INTEGER PRIMARY KEY, project_id INTEGER, name TEXT);
CREATE TABLE milestones(id INTEGER PRIMARY KEY, project_id INTEGER, title TEXT, due TEXT);
CREATE TABLE issues(id INTEGER PRIMARY KEY, project_id INTEGER, number INTEGER, title TEXT, body TEXT, state TEXT,
                    author_id INTEGER, assignee_id INTEGER, milestone_id INTEGER);
CREATE TABLE issue_labels(issue_id INTEGER, label_id INTEGER);
CREATE TABLE comments(id INTEGER PRIMARY KEY, issue_id INTEGER, user_id INTEGER, body TEXT);
CREATE TABLE tokens(id INTEGER PRIMARY KEY, user_id INTEGER, name TEXT, token TEXT, scopes TEXT);
CREATE INDEX issue_labels_issue ON issue_labels(issue_id);
CREATE INDEX comments_issue ON comments(issue_id);
CREATE INDEX issues_project ON issues(project_id);
"""


def seed(conn: sqlite3.Connection) -> None:
    r = data.rng("tracker")
    for i, p in enumerate(data.PEOPLE, start=1):
        conn.execute(
            "INSERT INTO users VALUES (?,?,?,?,?)",
            (i, p.username, p.full_name, p.email, password_hash(p.username, p.password)),
        )
    seed_sessions(conn, "tracker")
    nusers = len(data.PEOPLE)
    for pid, (slug, name, desc) in enumerate(data.PROJECTS, start=1):
        conn.execute("INSERT INTO projects VALUES (?,?,?,?)", (pid, slug, name, desc))
        for uid in range(1, nusers + 1):
            conn.execute("INSERT INTO members VALUES (?,?,?)", (pid, uid, "Maintainer" if uid == 1 else "Developer"))
        label_ids = []
        for lab in data.LABELS:
            label_ids.append(conn.execute("INSERT INTO labels(project_id, name) VALUES (?,?)", (pid, lab)).lastrowid)
        ms_ids = [
            conn.execute(
                "INSERT INTO milestones(project_id, title, due) VALUES (?,?,?)", (pid, f"v{v}.0", f"2027-0{v}-15")
            ).lastrowid
            for v in (1, 2, 3)
        ]
        subjects = r.sample(data.ISSUE_SUBJECTS, 8)
        for n in range(1, 17):
            title = data.ISSUE_FORMS[(n + pid) % len(data.ISSUE_FORMS)].format(s=subjects[(n - 1) % 8])
            if n > 8:
                title += " on " + ("mobile" if n % 2 else "desktop")
            iid = conn.execute(
                "INSERT INTO issues(project_id, number, title, body, state, author_id, assignee_id, milestone_id) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (
                    pid,
                    n,
                    title,
                    f"Steps to reproduce and details for: {title.lower()}.",
                    "closed" if r.random() < 0.3 else "open",
                    r.randrange(1, nusers + 1),
                    r.randrange(1, nusers + 1) if r.random() < 0.8 else None,
                    r.choice(ms_ids),
                ),
            ).lastrowid
            for lab in r.sample(label_ids, r.randrange(1, 3)):
                conn.execute("INSERT INTO issue_labels VALUES (?,?)", (iid, lab))
            for _ in range(r.randrange(0, 3)):
                conn.execute(
                    "INSERT INTO comments(issue_id, user_id, body) VALUES (?,?,?)",
                    (iid, r.randrange(1, nusers + 1), "I can reproduce this on the latest build."),
                )


app = App("tracker", "Tracker", SCHEMA, seed)
install_auth(app)
app.nav = lambda req: [("Projects", "/"), ("Access tokens", "/settings/tokens"), ("Password", "/settings/password")]
PROJECT_TOOLS = (  # the rest of a project's menu: pages no task needs, as in GitLab's sidebar
    ("Repository", info_links("Files", "Commits", "Branches", "Tags", "Contributors", "Compare revisions")),
    ("Build", info_links("Pipelines", "Jobs", "Pipeline schedules", "Artifacts")),
    ("Deploy", info_links("Releases", "Environments", "Package registry")),
    ("Plan", info_links("Issue boards", "Wiki", "Requirements")),
    ("Project settings", info_links("General settings", "Integrations", "Webhooks", "Access tokens help")),
)
PROJECT_PAGES = (
    ("Project overview", ""),
    ("Issues", "/issues"),
    ("Milestones", "/milestones"),
    ("Members", "/members"),
    ("New issue", "/issues/new"),
)


def _sidebar(req: Request) -> str:
    slug = req.params.get("slug")
    p = req.db.execute("SELECT * FROM projects WHERE slug=?", (slug,)).fetchone() if slug else None
    if p is not None:
        counts = req.db.execute(
            "SELECT SUM(state='open'), SUM(state='closed') FROM issues WHERE project_id=?", (p["id"],)
        ).fetchone()
        labels = req.db.execute("SELECT name FROM labels WHERE project_id=? ORDER BY name", (p["id"],)).fetchall()
        return (
            f"<h2>{esc(p['name'])}</h2>"
            + link_list([(t, f"/p/{p['slug']}{h}") for t, h in PROJECT_PAGES])
            + "".join(sidebar_section(head, links) for head, links in PROJECT_TOOLS)
            + f"<h2>Issue counts</h2><ul><li>Open: {counts[0]}</li><li>Closed: {counts[1]}</li></ul>"
            + "<h2>Project labels</h2><ul>"
            + "".join(f"<li><span class='badge'>{esc(lab['name'])}</span></li>" for lab in labels)
            + "</ul>"
            + "<h2>Project members</h2><ul>"
            + "".join(
                f"<li>{esc(m['username'])} <span class='muted'>{esc(m['role'])}</span></li>"
                for m in req.db.execute(
                    "SELECT u.username, m.role FROM members m JOIN users u ON u.id=m.user_id WHERE m.project_id=? "
                    "ORDER BY u.username",
                    (p["id"],),
                )
            )
            + "</ul>"
            + sidebar_section("Project resources", info_links("Contributing guide", "Code of conduct", "Changelog"))
        )
    rows = req.db.execute("SELECT slug, name FROM projects ORDER BY name").fetchall()
    return (
        "<h2>Your projects</h2>"
        + link_list([(r["name"], "/p/" + r["slug"]) for r in rows])
        + sidebar_section("Your work", info_links("To-Do list", "Activity", "Assigned merge requests", "Groups"))
        + "<h2>Starred projects</h2>"
        + link_list([(r["name"], "/p/" + r["slug"]) for r in rows[:5]])
        + sidebar_section("Explore", info_links("Trending projects", "Snippets", "Topics"))
        + "<h2>Your groups</h2><ul><li>platform-team</li><li>web-guild</li><li>on-call</li><li>design-review</li></ul>"
        + "<h2>Recently viewed</h2>"
        + issue_refs(
            req.db.execute(ISSUE_REF_SELECT + "ORDER BY (i.id * 53) % 97 LIMIT 5").fetchall(), with_project=True
        )
    )


def issue_refs(rows: list[sqlite3.Row], *, with_project: bool) -> str:
    """Issues as links named ``#N title`` (never just the title: that is the issue table's link)."""
    items = []
    for r in rows:
        text = (r["project"] + " " if with_project else "") + f"#{r['number']} {r['title']}"
        href = f"/p/{r['slug']}/issues/{r['number']}"
        items.append(f"<li>{link(href, text)} <span class='muted'>{esc(r['state'])}</span></li>")
    return "<ul>" + "".join(items) + "</ul>"


ISSUE_REF_SELECT = (
    "SELECT i.number, i.title, i.state, p.slug, p.name AS project FROM issues i JOIN projects p ON p.id=i.project_id "
)


def activity(req: Request, project_id: int | None = None) -> str:
    """The newest comments as an activity feed (what GitLab shows beside a project)."""
    where = "WHERE i.project_id=?" if project_id else ""
    rows = req.db.execute(
        "SELECT u.username, i.number, i.title, p.slug FROM comments c JOIN issues i ON i.id=c.issue_id "
        f"JOIN users u ON u.id=c.user_id JOIN projects p ON p.id=i.project_id {where} ORDER BY c.id DESC LIMIT 6",
        (project_id,) if project_id else (),
    ).fetchall()
    return (
        '<section aria-label="Recent activity"><h2>Recent activity</h2><ul>'
        + "".join(f"<li>{esc(r['username'])} commented on #{r['number']} {esc(r['title'])}</li>" for r in rows)
        + "</ul></section>"
    )


app.chrome = Chrome(
    accent="#6e40c9",
    topbar=(
        *info_links("What's new", "Status page", "Docs", "Community forum", "Upgrade notes"),
        ("Sign up for the newsletter", "/info/newsletter"),
    ),
    search=form("/search", field("Search issues", "q"), "Go", method="get", label="Issue search"),
    menus=lambda req: (
        ("Groups", info_links("Your groups", "Explore groups")),
        ("Snippets", info_links("Your snippets", "Explore snippets")),
        ("Activity", info_links("Your activity", "Starred projects activity")),
        ("Admin area", info_links("Runners", "Instance settings")),
    ),
    promo="Scheduled maintenance on Sunday 02:00 to 03:00 UTC: pipelines will be paused.",
    sidebar=_sidebar,
    footer=(
        ("Product", info_links("Docs", "What's new", "Pricing", "Integrations", "API reference", "Roadmap")),
        ("Support", info_links("Status page", "Community forum", "Contact support", "Keyboard shortcuts", "Training")),
        ("Company", info_links("About", "Blog", "Jobs", "Security", "Privacy", "Terms", "Cookie preferences")),
    ),
    shortcuts=(("i", "New issue"), ("p", "Go to projects"), ("/", "Search issues")),
)
install_info_pages(app)


@app.route("GET", "/search")
def search_issues(req: Request) -> str:
    q = req.arg("q")
    rows = req.db.execute(
        ISSUE_SELECT.replace("SELECT i.*,", "SELECT i.*, p.slug AS slug, p.name AS project,")
        + "JOIN projects p ON p.id=i.project_id WHERE i.title LIKE ? ORDER BY p.name, i.number",
        (f"%{q}%",),
    ).fetchall()
    body = f"<p>{len(rows)} issues match “{esc(q)}”</p>" + table(
        ["Project", "#", "Title", "Assignee", "State"],
        [
            (
                esc(i["project"]),
                str(i["number"]),
                link(f"/p/{i['slug']}/issues/{i['number']}", i["title"]),
                esc(i["assignee"] or "Unassigned"),
                esc(i["state"]),
            )
            for i in rows
        ],
    )
    return app.page(req, "Search results", body)


def get_project(req: Request) -> sqlite3.Row:
    p = req.db.execute("SELECT * FROM projects WHERE slug=?", (req.params["slug"],)).fetchone()
    if p is None:
        raise HTTPError(404, "Unknown project")
    return p


ISSUE_SELECT = (
    "SELECT i.*, a.username AS assignee, m.title AS milestone, "
    "(SELECT GROUP_CONCAT(l.name, ', ') FROM issue_labels il JOIN labels l ON l.id=il.label_id "
    " WHERE il.issue_id=i.id) AS labels FROM issues i LEFT JOIN users a ON a.id=i.assignee_id "
    "LEFT JOIN milestones m ON m.id=i.milestone_id "
)


def issue_table(slug: str, rows: list[sqlite3.Row]) -> str:
    return table(
        ["#", "Title", "Labels", "Assignee", "Milestone", "State"],
        [
            (
                str(i["number"]),
                link(f"/p/{slug}/issues/{i['number']}", i["title"]),
                esc(i["labels"] or ""),
                esc(i["assignee"] or "Unassigned"),
                esc(i["milestone"] or ""),
                esc(i["state"]),
            )
            for i in rows
        ],
    )


@app.route("GET", "/")
def home(req: Request) -> str:
    rows = req.db.execute("SELECT * FROM projects ORDER BY name").fetchall()
    return app.page(
        req,
        "Projects",
        "<ul>"
        + "".join(f"<li>{link('/p/' + p['slug'], p['name'])}: {esc(p['description'])}</li>" for p in rows)
        + "</ul>"
        + "<h2>Issues assigned to you</h2>"
        + issue_refs(
            req.db.execute(
                ISSUE_REF_SELECT + "WHERE i.assignee_id=? AND i.state='open' ORDER BY i.id LIMIT 10",
                (req.user["id"] if req.user else 0,),
            ).fetchall(),
            with_project=True,
        )
        + activity(req),
    )


@app.route("GET", r"/p/(?P<slug>[\w-]+)")
def project(req: Request) -> str:
    p = get_project(req)
    n_open = req.db.execute("SELECT COUNT(*) FROM issues WHERE project_id=? AND state='open'", (p["id"],)).fetchone()[0]
    links = " ".join(
        link(f"/p/{p['slug']}/{h}", t)
        for t, h in (
            ("Issues", "issues"),
            ("Milestones", "milestones"),
            ("Members", "members"),
            ("New issue", "issues/new"),
        )
    )
    miles = req.db.execute(
        "SELECT m.title, m.due, (SELECT COUNT(*) FROM issues i WHERE i.milestone_id=m.id) AS n FROM milestones m "
        "WHERE m.project_id=? ORDER BY m.title",
        (p["id"],),
    ).fetchall()
    body = (
        f"<p>{esc(p['description'])}</p><p>Open issues: {n_open}</p><p>{links}</p>"
        + "<h2>Milestones overview</h2>"
        + table(["Milestone", "Due", "Issues"], [(esc(m["title"]), esc(m["due"]), str(m["n"])) for m in miles])
        + "<h2>Latest issues</h2>"
        + issue_refs(
            req.db.execute(
                ISSUE_REF_SELECT + "WHERE i.project_id=? ORDER BY i.number DESC LIMIT 6", (p["id"],)
            ).fetchall(),
            with_project=False,
        )
        + activity(req, p["id"])
    )
    return app.page(req, p["name"], body)


@app.route("GET", r"/p/(?P<slug>[\w-]+)/issues")
def issues(req: Request) -> str:
    p = get_project(req)
    state = req.query.get("state", "open")
    where, args = "WHERE i.project_id=?", [p["id"]]
    if state in ("open", "closed"):
        where += " AND i.state=?"
        args.append(state)
    label, assignee = req.query.get("label", ""), req.query.get("assignee", "")
    if label:
        where += (
            " AND i.id IN (SELECT il.issue_id FROM issue_labels il JOIN labels l ON l.id=il.label_id WHERE l.name=?)"
        )
        args.append(label)
    if assignee:
        where += " AND a.username=?"
        args.append(assignee)
    rows = req.db.execute(ISSUE_SELECT + where + " ORDER BY i.number", args).fetchall()
    filters = " ".join(
        link(f"/p/{p['slug']}/issues?state={s}", t) for s, t in (("open", "Open"), ("closed", "Closed"), ("all", "All"))
    )
    labels = [("", "Any label")] + [
        (r["name"], r["name"]) for r in req.db.execute("SELECT name FROM labels WHERE project_id=?", (p["id"],))
    ]
    users = [("", "Any assignee"), *user_options(req)[1:]]
    filter_form = form(
        f"/p/{p['slug']}/issues",
        f'<input type="hidden" name="state" value="{esc(state)}">'
        + select("Filter by label", "label", labels, label)
        + select("Filter by assignee", "assignee", users, assignee),
        "Apply filters",
        method="get",
        label="Issue filters",
    )
    return app.page(
        req,
        f"{p['name']} issues",
        notice(req) + f"<p>{filters}</p>" + filter_form + f"<p>{len(rows)} {esc(state)} issues"
        "</p>" + issue_table(p["slug"], rows) + link(f"/p/{p['slug']}/issues/new", "New issue"),
    )


def user_options(req: Request) -> list[tuple[str, str]]:
    return [("", "Unassigned")] + [
        (u["username"], u["username"]) for u in req.db.execute("SELECT username FROM users ORDER BY username")
    ]


@app.route("GET", r"/p/(?P<slug>[\w-]+)/issues/new", login=True)
def new_issue_page(req: Request) -> str:
    p = get_project(req)
    labels = [("", "None")] + [
        (r["name"], r["name"]) for r in req.db.execute("SELECT name FROM labels WHERE project_id=?", (p["id"],))
    ]
    miles = [("", "None")] + [
        (r["title"], r["title"]) for r in req.db.execute("SELECT title FROM milestones WHERE project_id=?", (p["id"],))
    ]
    return app.page(
        req,
        "New issue",
        form(
            f"/p/{p['slug']}/issues/new",
            field("Title", "title")
            + field("Description", "body", kind="textarea")
            + select("Label", "label", labels)
            + select("Assignee", "assignee", user_options(req))
            + select("Milestone", "milestone", miles),
            "Create issue",
        ),
    )


@app.route("POST", r"/p/(?P<slug>[\w-]+)/issues/new", login=True)
def new_issue(req: Request) -> Response:
    p = get_project(req)
    if not req.arg("title"):
        return redirect(f"/p/{p['slug']}/issues/new")
    number = req.db.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM issues WHERE project_id=?", (p["id"],)
    ).fetchone()[0]
    assignee = req.db.execute("SELECT id FROM users WHERE username=?", (req.arg("assignee"),)).fetchone()
    ms = req.db.execute(
        "SELECT id FROM milestones WHERE project_id=? AND title=?", (p["id"], req.arg("milestone"))
    ).fetchone()
    iid = req.db.execute(
        "INSERT INTO issues(project_id, number, title, body, state, author_id, assignee_id, milestone_id) "
        "VALUES (?,?,?,?,?,?,?,?)",
        (
            p["id"],
            number,
            req.arg("title"),
            req.arg("body"),
            "open",
            req.user["id"],
            assignee["id"] if assignee else None,
            ms["id"] if ms else None,
        ),
    ).lastrowid
    lab = req.db.execute("SELECT id FROM labels WHERE project_id=? AND name=?", (p["id"], req.arg("label"))).fetchone()
    if lab:
        req.db.execute("INSERT INTO issue_labels VALUES (?,?)", (iid, lab["id"]))
    return redirect(f"/p/{p['slug']}/issues/{number}?msg=Issue+created")


def get_issue(req: Request) -> tuple[sqlite3.Row, sqlite3.Row]:
    p = get_project(req)
    i = req.db.execute(ISSUE_SELECT + "WHERE i.project_id=? AND i.number=?", (p["id"], req.params["n"])).fetchone()
    if i is None:
        raise HTTPError(404, "Unknown issue")
    return p, i


@app.route("GET", r"/p/(?P<slug>[\w-]+)/issues/(?P<n>\d+)")
def issue(req: Request) -> str:
    p, i = get_issue(req)
    base = f"/p/{p['slug']}/issues/{i['number']}"
    comments = req.db.execute(
        "SELECT c.*, u.username FROM comments c JOIN users u ON u.id=c.user_id WHERE issue_id=? ORDER BY c.id",
        (i["id"],),
    ).fetchall()
    author = req.db.execute("SELECT username FROM users WHERE id=?", (i["author_id"],)).fetchone()[0]
    body = (
        notice(req) + f"<p>Status: {esc(i['state'])}</p><p>Opened by {esc(author)}</p>"
        f"<p>Assignee: {esc(i['assignee'] or 'Unassigned')}</p><p>Labels: {esc(i['labels'] or 'None')}</p>"
        f"<p>Milestone: {esc(i['milestone'] or 'None')}</p><p>{esc(i['body'])}</p>"
        + form(f"{base}/state", "", "Close issue" if i["state"] == "open" else "Reopen issue")
        + form(
            f"{base}/assign", select("Assignee", "assignee", user_options(req), i["assignee"] or ""), "Update assignee"
        )
        + f"<h2>{len(comments)} comments</h2>"
        + "".join(f"<article><p>{esc(c['username'])} commented:</p><p>{esc(c['body'])}</p></article>" for c in comments)
        + form(f"{base}/comment", field("Comment", "body", kind="textarea"), "Add comment")
        + "<h2>Details</h2>"
        + table(
            ["Field", "Value"],
            [
                ("Confidentiality", "Not confidential"),
                ("Due date", "None"),
                ("Time tracking", "No estimate or time spent"),
                ("Weight", "None"),
                ("Participants", esc(", ".join(sorted({author, *(c["username"] for c in comments)})))),
                ("Notifications", "On"),
            ],
        )
        + "<h2>Related issues</h2>"
        + issue_refs(
            req.db.execute(
                ISSUE_REF_SELECT + "WHERE i.project_id=? AND i.id<>? ORDER BY (i.number * 7) % 17 LIMIT 5",
                (p["id"], i["id"]),
            ).fetchall(),
            with_project=False,
        )
        + activity(req, p["id"])
    )
    return app.page(req, f"{i['title']} (#{i['number']})", body)


@app.route("POST", r"/p/(?P<slug>[\w-]+)/issues/(?P<n>\d+)/state", login=True)
def toggle_state(req: Request) -> Response:
    p, i = get_issue(req)
    new = "closed" if i["state"] == "open" else "open"
    req.db.execute("UPDATE issues SET state=? WHERE id=?", (new, i["id"]))
    return redirect(f"/p/{p['slug']}/issues/{i['number']}?msg=Issue+{new}")


@app.route("POST", r"/p/(?P<slug>[\w-]+)/issues/(?P<n>\d+)/assign", login=True)
def assign(req: Request) -> Response:
    p, i = get_issue(req)
    u = req.db.execute("SELECT id FROM users WHERE username=?", (req.arg("assignee"),)).fetchone()
    req.db.execute("UPDATE issues SET assignee_id=? WHERE id=?", (u["id"] if u else None, i["id"]))
    return redirect(f"/p/{p['slug']}/issues/{i['number']}?msg=Assignee+updated")


@app.route("POST", r"/p/(?P<slug>[\w-]+)/issues/(?P<n>\d+)/comment", login=True)
def add_comment(req: Request) -> Response:
    p, i = get_issue(req)
    if req.arg("body"):
        req.db.execute(
            "INSERT INTO comments(issue_id, user_id, body) VALUES (?,?,?)", (i["id"], req.user["id"], req.arg("body"))
        )
    return redirect(f"/p/{p['slug']}/issues/{i['number']}?msg=Comment+added")


@app.route("GET", r"/p/(?P<slug>[\w-]+)/milestones")
def milestones(req: Request) -> str:
    p = get_project(req)
    rows = req.db.execute("SELECT * FROM milestones WHERE project_id=? ORDER BY title", (p["id"],)).fetchall()
    return app.page(
        req,
        f"{p['name']} milestones",
        "<ul>"
        + "".join(
            f"<li>{link('/p/' + p['slug'] + '/milestones/' + str(m['id']), m['title'])} due {esc(m['due'])}</li>"
            for m in rows
        )
        + "</ul>",
    )


@app.route("GET", r"/p/(?P<slug>[\w-]+)/milestones/(?P<mid>\d+)")
def milestone(req: Request) -> str:
    p = get_project(req)
    m = req.db.execute("SELECT * FROM milestones WHERE id=? AND project_id=?", (req.params["mid"], p["id"])).fetchone()
    if m is None:
        raise HTTPError(404, "Unknown milestone")
    rows = req.db.execute(ISSUE_SELECT + "WHERE i.milestone_id=? ORDER BY i.number", (m["id"],)).fetchall()
    return app.page(req, f"Milestone {m['title']}", f"<p>Due {esc(m['due'])}</p>" + issue_table(p["slug"], rows))


@app.route("GET", r"/p/(?P<slug>[\w-]+)/members")
def members(req: Request) -> str:
    p = get_project(req)
    rows = req.db.execute(
        "SELECT u.username, u.full_name, m.role FROM members m JOIN users u ON u.id=m.user_id "
        "WHERE project_id=? ORDER BY u.username",
        (p["id"],),
    ).fetchall()
    return app.page(
        req,
        f"{p['name']} members",
        table(["User", "Name", "Role"], [(esc(r["username"]), esc(r["full_name"]), esc(r["role"])) for r in rows]),
    )


@app.route("GET", "/settings/tokens", login=True)
def tokens_page(req: Request) -> str:
    rows = req.db.execute("SELECT * FROM tokens WHERE user_id=? ORDER BY id", (req.user["id"],)).fetchall()
    new = req.query.get("new", "")
    shown = f'<p role="status">Your new personal access token: <code>{esc(new)}</code></p>' if new else ""
    scopes = "".join(
        f'<p><input type="checkbox" id="scope-{s}" name="scope_{s}"><label for="scope-{s}">{s}</label></p>'
        for s in ("api", "read_repository", "write_repository")
    )
    return app.page(
        req,
        "Personal access tokens",
        shown
        + table(["Name", "Scopes"], [(esc(t["name"]), esc(t["scopes"])) for t in rows])
        + "<h2>Create a token</h2>"
        + form("/settings/tokens", field("Token name", "name") + scopes, "Create token"),
    )


@app.route("POST", "/settings/tokens", login=True)
def create_token(req: Request) -> Response:
    name = req.arg("name")
    if not name:
        return redirect("/settings/tokens")
    count = req.db.execute("SELECT COUNT(*) FROM tokens").fetchone()[0]
    token = "sgp_" + hashlib.sha256(f"{req.user['username']}:{name}:{count}".encode()).hexdigest()[:24]
    scopes = ",".join(s for s in ("api", "read_repository", "write_repository") if req.form.get(f"scope_{s}"))
    req.db.execute(
        "INSERT INTO tokens(user_id, name, token, scopes) VALUES (?,?,?,?)", (req.user["id"], name, token, scopes)
    )
    return redirect(f"/settings/tokens?new={token}")


@app.route("GET", "/settings/password", login=True)
def password_page(req: Request) -> str:
    err = alert(req)
    return app.page(req, "Change password", notice(req) + err + password_form("/settings/password"))


@app.route("POST", "/settings/password", login=True)
def password_save(req: Request) -> Response:
    error = change_password(req)
    return redirect(
        "/settings/password?error=" + error.replace(" ", "+") if error else "/settings/password?msg=Password+changed"
    )
