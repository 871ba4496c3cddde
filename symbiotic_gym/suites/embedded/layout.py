"""The page chrome of the embedded sites: stylesheet, header with menus, breadcrumbs, sidebar, footer.

Real sites (Magento, Postmill, GitLab in WebArena) wrap every page in navigation, filters, promotions
and footers that have nothing to do with the task at hand; an agent has to find the one element that
matters among them. Each :class:`~symbiotic_gym.suites.embedded.webapp.App` describes its chrome with a
:class:`Chrome`, and :func:`render_page` is the one place a page's markup is assembled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from symbiotic_gym.suites.embedded import art
from symbiotic_gym.suites.embedded.webapp import App, HTTPError, Request, esc

Links = Sequence[tuple[str, str]]
T = TypeVar("T")

STYLESHEET = """
:root{--accent:#1f6feb;--ink:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
 background:var(--bg)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.topbar{background:#20242c;color:#c9d1d9;font-size:13px;padding:4px 24px;display:flex;gap:18px}
.topbar a{color:#c9d1d9}
header.site{background:var(--accent);color:#fff;padding:10px 24px;display:flex;align-items:center;gap:24px;
 flex-wrap:wrap}
header.site a{color:#fff}
header.site .brand{display:flex;align-items:center;gap:8px;font-weight:700;font-size:20px}
header.site .brand img{border-radius:6px}
header.site nav ul{list-style:none;margin:0;padding:0;display:flex;gap:16px;flex-wrap:wrap}
header.site form{display:flex;gap:4px;margin:0}
header.site input{padding:5px 8px;border:0;border-radius:4px;min-width:220px}
header.site button{border:0;border-radius:4px;padding:5px 10px;background:#fff;color:var(--accent);cursor:pointer}
.menubar{background:#fff;border-bottom:1px solid var(--line);padding:0 24px}
.menubar>ul{list-style:none;margin:0;padding:0;display:flex;gap:4px;flex-wrap:wrap}
.menubar li{position:relative}
.menubar>ul>li>span,.menubar>ul>li>a{display:block;padding:8px 12px;color:var(--ink);font-weight:600}
.menubar li ul{display:none;position:absolute;top:100%;left:0;z-index:5;background:#fff;border:1px solid var(--line);
 list-style:none;margin:0;padding:6px 0;min-width:200px;box-shadow:0 6px 18px rgba(0,0,0,.12)}
.menubar li:hover ul,.menubar li:focus-within ul{display:block}
.menubar li ul a{display:block;padding:4px 14px;color:var(--ink)}
.promo{background:#fff8e1;border-bottom:1px solid #f0d58a;padding:6px 24px;display:flex;gap:12px;align-items:center}
.promo button{margin-left:auto}
nav.crumbs{padding:8px 24px;font-size:13px;color:var(--muted)}
nav.crumbs ol{list-style:none;margin:0;padding:0;display:flex;gap:6px;flex-wrap:wrap}
nav.crumbs li+li:before{content:"/";margin-right:6px;color:var(--muted)}
.frame{display:grid;grid-template-columns:240px 1fr;gap:24px;padding:0 24px 24px;align-items:start}
aside.sidebar{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;font-size:14px}
aside.sidebar h2{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:14px 0 6px}
aside.sidebar h2:first-child{margin-top:0}
aside.sidebar ul{list-style:none;margin:0;padding:0}aside.sidebar li{padding:2px 0}
main{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;min-width:0}
main h1{margin-top:0;font-size:24px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f7;font-size:13px;color:var(--muted)}
form p{margin:8px 0}label{display:inline-block;min-width:160px;font-weight:600}
input,select,textarea{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:4px}
button{font:inherit;padding:6px 12px;border-radius:4px;border:1px solid var(--accent);background:var(--accent);
 color:#fff;
 cursor:pointer}
form.inline{display:inline}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:14px;list-style:none;padding:0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px;background:#fff}
.card img{display:block;margin-bottom:6px;border-radius:6px}
.badge{display:inline-block;padding:0 7px;border-radius:10px;background:#eef2ff;color:#3730a3;font-size:12px;
 margin-right:3px}
.pager{display:flex;gap:6px;list-style:none;padding:0;margin:12px 0}
.pager a,.pager span{padding:3px 9px;border:1px solid var(--line);border-radius:4px}
.muted{color:var(--muted)}
[role=status]{background:#e6f4ea;padding:6px 10px;border-radius:4px}
[role=alert]{background:#fde7e9;padding:6px 10px;border-radius:4px}
dialog{border:1px solid var(--line);border-radius:8px;max-width:480px}
footer.site{background:#20242c;color:#c9d1d9;padding:20px 24px;display:grid;grid-template-columns:repeat(auto-fit,
 minmax(160px,1fr));gap:16px;font-size:13px}
footer.site a{color:#c9d1d9}footer.site h2{font-size:14px;color:#fff;margin:0 0 6px}
footer.site ul{list-style:none;margin:0;padding:0}
footer.site .legal{grid-column:1/-1;color:#8b949e}
"""

HELP_SCRIPT = (
    "<script>document.addEventListener('click',e=>{const t=e.target.closest('[data-dialog]');"
    "if(t){document.getElementById(t.dataset.dialog).showModal();}"
    "const d=e.target.closest('[data-dismiss]');if(d){d.closest(d.dataset.dismiss).remove();}});</script>"
)


@dataclass
class Chrome:
    """What surrounds every page of one site. Callables take the request (menus can depend on the user)."""

    accent: str = "#1f6feb"
    topbar: Links = ()
    menus: Callable[[Request], Sequence[tuple[str, Links]]] = lambda req: ()
    search: str = ""  # a search form shown in the header of every page
    sidebar: Callable[[Request], str] = lambda req: ""
    promo: str = ""
    footer: Sequence[tuple[str, Links]] = ()
    shortcuts: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def render(self, site: App, req: Request, title: str, body: str, crumbs: Links = ()) -> str:
        """The web app's :class:`~symbiotic_gym.suites.embedded.webapp.PageChrome`: :func:`render_page`."""
        return render_page(self, site, req, title, body, crumbs)


def link_list(links: Links) -> str:
    return "<ul>" + "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for t, h in links) + "</ul>"


def sidebar_section(heading: str, links: Links) -> str:
    return f"<h2>{esc(heading)}</h2>" + link_list(links)


def crumbs_html(crumbs: Links) -> str:
    if not crumbs:
        return ""
    items = "".join(
        f'<li><a href="{esc(h)}">{esc(t)}</a></li>' if h else f'<li aria-current="page">{esc(t)}</li>'
        for t, h in crumbs
    )
    return f'<nav class="crumbs" aria-label="Breadcrumb"><ol>{items}</ol></nav>'


def paginate(req: Request, rows: Sequence[T], size: int) -> tuple[Sequence[T], int, int]:
    """The rows of the requested page (``?page=N``, clamped to the pages there are), that page, the count."""
    pages = max(1, -(-len(rows) // size))
    try:
        page = int(req.query.get("page", "1"))
    except ValueError:
        page = 1
    page = min(max(page, 1), pages)
    return rows[(page - 1) * size : page * size], page, pages


def pager(base: str, page: int, pages: int, *, sep: str = "?") -> str:
    """Pagination links (``Previous``, page numbers, ``Next``) for ``base`` + ``page=N``."""
    if pages <= 1:
        return ""

    def href(n: int) -> str:
        return f"{base}{sep}page={n}"

    items = []
    if page > 1:
        items.append(f'<li><a href="{esc(href(page - 1))}" rel="prev">Previous page</a></li>')
    for n in range(1, pages + 1):
        if n == page:
            items.append(f'<li><span aria-current="page">Page {n}</span></li>')
        else:
            items.append(f'<li><a href="{esc(href(n))}">Page {n}</a></li>')
    if page < pages:
        items.append(f'<li><a href="{esc(href(page + 1))}" rel="next">Next page</a></li>')
    return f'<nav aria-label="Pagination"><ul class="pager">{"".join(items)}</ul></nav>'


def render_page(c: Chrome, app: App, req: Request, title: str, body: str, crumbs: Links = ()) -> str:
    """One page of ``app``: ``body`` inside the chrome ``c``."""
    nav = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for t, h in app.nav(req))
    if req.user:
        who = (
            f"<li><span>Signed in as {esc(req.user['username'])}</span></li>"
            '<li><form method="post" action="/logout" class="inline"><button>Sign out</button></form></li>'
        )
    else:
        who = '<li><a href="/login">Sign in</a></li>'
    topbar = (
        '<div class="topbar" role="region" aria-label="Site links">'
        + "".join(f'<a href="{esc(h)}">{esc(t)}</a>' for t, h in c.topbar)
        + "</div>"
        if c.topbar
        else ""
    )
    menus = c.menus(req)
    menubar = (
        '<nav class="menubar" aria-label="Browse"><ul>'
        + "".join(f"<li><span>{esc(label)}</span>{link_list(items)}</li>" for label, items in menus)
        + "</ul></nav>"
        if menus
        else ""
    )
    promo = (
        f'<div class="promo" role="region" aria-label="Announcement"><span>{esc(c.promo)}</span>'
        '<button type="button" data-dismiss=".promo">Dismiss</button></div>'
        if c.promo
        else ""
    )
    side = c.sidebar(req)
    frame_style = "" if side else ' style="grid-template-columns:1fr"'
    aside = f'<aside class="sidebar" aria-label="Sidebar">{side}</aside>' if side else ""
    footer = (
        '<footer class="site">'
        + "".join(f"<section><h2>{esc(head)}</h2>{link_list(links)}</section>" for head, links in c.footer)
        + f'<p class="legal">© 2026 {esc(app.title)}. All data on this site is synthetic.</p></footer>'
        if c.footer
        else ""
    )
    shortcuts = (
        '<dialog id="help-dialog" aria-label="Keyboard shortcuts"><h2>Keyboard shortcuts</h2><ul>'
        + "".join(f"<li><kbd>{esc(k)}</kbd> {esc(v)}</li>" for k, v in c.shortcuts)
        + '</ul><form method="dialog"><button>Close</button></form></dialog>'
        if c.shortcuts
        else ""
    )
    help_button = '<li><button type="button" data-dialog="help-dialog">Help</button></li>' if c.shortcuts else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(title)} | {esc(app.title)}</title>"
        f"<style>{STYLESHEET}</style>"  # inline: a fresh context's first page needs no second request
        f"<style>:root{{--accent:{c.accent}}}</style></head><body>"
        f"{topbar}"
        '<header class="site">'
        f'<a class="brand" href="/">{art.img(app.title, app.title + " logo", width=32, height=32, cls="logo")}'
        f"<span>{esc(app.title)}</span></a>{c.search}"
        f'<nav aria-label="Main"><ul>{nav}{help_button}{who}</ul></nav></header>'
        f"{menubar}{promo}{crumbs_html(crumbs)}"
        f'<div class="frame"{frame_style}>{aside}<main><h1>{esc(title)}</h1>{body}</main></div>'
        f"{footer}{shortcuts}{HELP_SCRIPT}</body></html>"
    )


INFO_TEXT = (
    "This page is part of an offline test site. Everything on it is generated: the people, the products, the "
    "posts and the issues are synthetic, and no message sent here leaves this computer."
)


INFO_TITLES: dict[str, str] = {}  # slug -> title of every page made by info_links()


def install_info_pages(app: App, *, login: bool = False) -> None:
    """``/info/<slug>``: the help, policy and about pages the chrome links to (real sites have them);
    ``login``: only for signed-in users (a back office)."""

    @app.route("GET", r"/info/(?P<slug>[\w-]+)", login=login)
    def info(req: Request) -> str:
        title = INFO_TITLES.get(req.params["slug"])
        if title is None:
            raise HTTPError(404, "No such page")
        return app.page(req, title, f"<p>{esc(INFO_TEXT)}</p>", crumbs=(("Home", "/"), (title, "")))


def info_links(*titles: str) -> Links:
    """Links to ``/info/<slug>`` pages with these titles (each served by :func:`install_info_pages`)."""
    out = []
    for t in titles:
        slug = "-".join(t.lower().replace("&", "and").replace("'", "").replace(":", "").split())
        INFO_TITLES[slug] = t
        out.append((t, "/info/" + slug))
    return tuple(out)
