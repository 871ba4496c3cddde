"""Generate the embedded task files from templates and the seeded site databases.

Run ``python -m symbiotic_gym.suites.embedded.generate`` after changing a site's seed data or a template;
a test fails when the stored files differ from what this script produces.

Splits: a template of the ``train``/``test`` kind has at least twelve instantiations, the last two held out
for ``test``; no value of a held-out instantiation appears in that template's train tasks (except the
closed choices a template declares ``shared``, like a star rating or a label). A template marked
``unseen`` never appears in train: all its instantiations (at least three) form the ``unseen`` split,
which measures generalisation to new tasks rather than recall of seen ones. The prompt-injection
templates are a security benchmark and keep three instantiations (two train, one test).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.sites import load_app
from symbiotic_gym.suites.embedded.sites import shop as shop_site
from symbiotic_gym.suites.embedded.sites.common import money, password_hash
from symbiotic_gym.suites.embedded.tasks import TASK_DIR

ME = data.PEOPLE[0]  # emma.lopez, the user every login task acts for
SHOP, FORUM, TRACKER, ADMIN = "__SHOP__", "__FORUM__", "__TRACKER__", "__ADMIN__"
DB: dict[str, sqlite3.Connection] = {}
TEMPLATES: list[Callable[[], Iterator[dict[str, Any]]]] = []
META: dict[Callable[..., Any], dict[str, Any]] = {}
SHARED_KEYS: dict[str, tuple[str, ...]] = {}  # template id -> its shared keys (filled by generate())
N_TRAIN, N_TEST, N_UNSEEN = 10, 2, 3
INFEASIBLE = {"reference_answers": {"exact_match": "N/A"}}


def q(site: str, sql: str, *args: Any) -> list[sqlite3.Row]:
    if site not in DB:
        DB[site] = load_app(site).build_database()
    return DB[site].execute(sql, args).fetchall()


def sqlq(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def template(fn: Any = None, *, unseen: bool = False, shared: tuple[str, ...] = (), security: bool = False) -> Any:
    """Register a template. ``unseen``: its tasks form the unseen split; ``shared``: instantiation keys
    whose closed set of values may repeat between train and test; ``security``: a prompt-injection template."""

    def register(f: Callable[[], Iterator[dict[str, Any]]]) -> Callable[[], Iterator[dict[str, Any]]]:
        TEMPLATES.append(f)
        META[f] = {"unseen": unseen, "shared": shared, "security": security}
        return f

    return register(fn) if fn is not None else register


def mix(feasible: list[Any], infeasible: list[Any]) -> list[Any]:
    """Interleave infeasible instantiations with feasible ones so both splits hold some: with 8 + 4, train
    gets three infeasible ones (positions 2, 5, 8) and test one (position 11)."""
    out, f, i = [], list(feasible), list(infeasible)
    for k in range(len(f) + len(i)):
        out.append(i.pop(0) if i and (k % 3 == 2 or not f) else f.pop(0))
    return out


def infeasible(reason: str) -> dict[str, str]:
    return {"action": "infeasible", "text": reason}


def click(name: str, role: str = "link") -> dict[str, str]:
    return {"action": "click", "role": role, "name": name}


def button(name: str) -> dict[str, str]:
    return click(name, "button")


def fill(name: str, value: str) -> dict[str, str]:
    return {"action": "fill", "role": "textbox", "name": name, "value": value}


def choose(name: str, option: str) -> dict[str, str]:
    return {"action": "select", "role": "combobox", "name": name, "option": option}


def answer(text: str) -> dict[str, str]:
    return {"action": "answer", "text": text}


def sql_check(site: str, query: str, *, exact: str | None = None, include: list[str] | None = None) -> dict:
    req: dict[str, Any] = {"exact_match": exact} if exact is not None else {"must_include": include or []}
    return {"url": f"sql://{site}", "locator": query, "required_contents": req}


def task(
    name: str,
    sites: list[str],
    start: str,
    intent_template: str,
    inst: dict[str, Any],
    *,
    evals: dict[str, Any],
    solution: list[dict[str, str]],
    login: bool = False,
    private: list[str] | None = None,
) -> dict[str, Any]:
    intent = intent_template
    for k, v in inst.items():
        intent = intent.replace("{{" + k + "}}", str(v))
    ev = {"eval_types": [], "reference_answers": None, "reference_url": "", "program_html": []}
    ev.update(evals)
    ev["eval_types"] = [
        t
        for t, key in (
            ("string_match", "reference_answers"),
            ("url_match", "reference_url"),
            ("program_html", "program_html"),
        )
        if ev.get(key)
    ]
    return {
        "name": name,
        "sites": sites,
        "start_url": start,
        "intent_template": intent_template,
        "instantiation_dict": inst,
        "intent": intent,
        "require_login": login,
        "eval": ev,
        "reference_solution": solution,
        "private": private or [],
    }


def infeasible_task(
    name: str,
    sites: list[str],
    start: str,
    intent_template: str,
    inst: dict[str, Any],
    steps: list[dict[str, str]],
    reason: str,
    *,
    login: bool = False,
) -> dict[str, Any]:
    """A task that cannot be done: the oracle looks (``steps``), then reports it; the answer is N/A."""
    return task(
        name, sites, start, intent_template, inst, login=login, evals=INFEASIBLE, solution=[*steps, infeasible(reason)]
    )


def missing_product(name: str, intent_template: str, product: str) -> dict[str, Any]:
    steps = [fill("Search products", product), button("Search")]
    return infeasible_task(
        name, ["shop"], SHOP + "/", intent_template, {"product": product}, steps, f"The shop does not sell a {product}."
    )


def search_product(name: str) -> list[dict[str, str]]:
    return [fill("Search products", name), button("Search"), click(name)]


# ---------------------------------------------------------------- shop
def products(n: int, where: str = "1", salt: str = "") -> list[sqlite3.Row]:
    rows = q(
        "shop",
        "SELECT p.*, (SELECT COUNT(*) FROM reviews r WHERE r.product_id=p.id) AS nrev, "
        f"c.name AS cat FROM products p JOIN categories c ON c.id=p.category_id WHERE {where} ORDER BY p.id",
    )
    rows = sorted(rows, key=lambda r: hashlib.sha256(f"{salt}{r['id']}".encode()).hexdigest())
    return rows[:n]


def price_task(name: str, p: sqlite3.Row) -> dict[str, Any]:
    """The price of product ``p`` (also the ordinary half of a prompt-injection task)."""
    return task(
        name,
        ["shop"],
        SHOP + "/",
        "What is the price of the {{product}} in the shop?",
        {"product": p["name"]},
        evals={"reference_answers": {"must_include": [money(p["price_cents"])]}},
        solution=[*search_product(p["name"]), answer(money(p["price_cents"]))],
    )


FAKE_PRODUCTS = (
    "Titanium Kettle",
    "Floating Lantern",
    "Quantum Blender",
    "Golden Hammock",
    "Crystal Yoga Mat",
    "Royal Dog Bed",
    "Solar Easel",
    "Velvet Suitcase",
)


@template
def shop_price() -> Iterator[dict]:
    items = mix(products(8, salt="price"), list(FAKE_PRODUCTS[:4]))
    for p in items:
        if isinstance(p, str):
            yield missing_product("shop.product_price", "What is the price of the {{product}} in the shop?", p)
        else:
            yield price_task("shop.product_price", p)


@template
def shop_review_count() -> Iterator[dict]:
    feasible = products(8, "(SELECT COUNT(*) FROM reviews r WHERE r.product_id=p.id) > 0", "revcount")
    for p in mix(feasible, ["Marble Kettle", "Granite Tent", "Feather Speaker", "Coral Planter"]):
        if isinstance(p, str):
            yield missing_product("shop.review_count", "How many reviews does the {{product}} have?", p)
            continue
        yield task(
            "shop.review_count",
            ["shop"],
            SHOP + "/",
            "How many reviews does the {{product}} have?",
            {"product": p["name"]},
            evals={"reference_answers": {"exact_match": str(p["nrev"])}},
            solution=[*search_product(p["name"]), answer(str(p["nrev"]))],
        )


CATS = q("shop", "SELECT * FROM categories ORDER BY id")


@template
def shop_sorted_category() -> Iterator[dict]:
    for c in CATS:
        yield task(
            "shop.category_sorted",
            ["shop"],
            SHOP + "/",
            "Show me the {{category}} products sorted by price from low to high.",
            {"category": c["name"]},
            evals={"reference_url": f"{SHOP}/category/{c['slug']}?sort=price"},
            solution=[click(c["name"]), click("Sort by price: low to high"), answer("Done")],
        )


@template
def shop_cheapest() -> Iterator[dict]:
    for c in CATS[5:] + CATS[:5]:
        p = q("shop", "SELECT name FROM products WHERE category_id=? ORDER BY price_cents LIMIT 1", c["id"])[0]
        yield task(
            "shop.cheapest_in_category",
            ["shop"],
            SHOP + "/",
            "What is the cheapest product in the {{category}} category?",
            {"category": c["name"]},
            evals={"reference_answers": {"must_include": [p["name"]]}},
            solution=[click(c["name"]), click("Sort by price: low to high"), answer(p["name"])],
        )


MY_ORDERS = q("shop", "SELECT * FROM orders WHERE user_id=1 ORDER BY id")


OTHER_ORDERS = q("shop", "SELECT * FROM orders WHERE user_id<>1 ORDER BY id")


@template
def shop_order_total() -> Iterator[dict]:
    for o in mix(MY_ORDERS[:8], OTHER_ORDERS[:4]):
        if o["user_id"] != 1:
            yield infeasible_task(
                "shop.order_total",
                ["shop"],
                SHOP + "/",
                "What was the total of my order #{{order}}?",
                {"order": o["id"]},
                [click("My orders")],
                f"There is no order #{o['id']} among my orders.",
                login=True,
            )
            continue
        yield task(
            "shop.order_total",
            ["shop"],
            SHOP + "/",
            "What was the total of my order #{{order}}?",
            {"order": o["id"]},
            login=True,
            evals={"reference_answers": {"must_include": [money(o["total_cents"])]}},
            solution=[click("My orders"), click(f"Order #{o['id']}"), answer(money(o["total_cents"]))],
        )


@template(unseen=True)
def shop_order_page() -> Iterator[dict]:
    for o in MY_ORDERS[8:11]:
        yield task(
            "shop.open_order",
            ["shop"],
            SHOP + "/",
            "Open the page of my order number {{order}}.",
            {"order": o["id"]},
            login=True,
            evals={"reference_url": f"{SHOP}/orders/{o['id']}"},
            solution=[click("My orders"), click(f"Order #{o['id']}"), answer("Done")],
        )


@template
def shop_add_to_cart() -> Iterator[dict]:
    for p, qty in zip(products(12, salt="cart"), (2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 6, 7), strict=True):
        yield task(
            "shop.add_to_cart",
            ["shop"],
            SHOP + "/",
            "Add {{qty}} units of the {{product}} to my cart.",
            {"qty": qty, "product": p["name"]},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "shop", f"SELECT qty FROM cart_items WHERE user_id=1 AND product_id={p['id']}", exact=str(qty)
                    )
                ]
            },
            solution=[
                *search_product(p["name"]),
                {"action": "fill", "role": "spinbutton", "name": "Quantity", "value": str(qty)},
                button("Add to cart"),
                answer("Done"),
            ],
        )


REVIEW_TITLES = (
    "Worth every cent",
    "Broke quickly",
    "Solid choice",
    "Better than expected",
    "Too small",
    "Gift for my dad",
    "Would not buy again",
    "Great colour",
    "Arrived damaged",
    "Does the job",
    "Surprisingly sturdy",
    "Overpriced",
)


@template(shared=("stars",))
def shop_write_review() -> Iterator[dict]:
    max_review = q("shop", "SELECT MAX(id) AS m FROM reviews")[0]["m"]
    for k, (p, title) in enumerate(zip(products(12, salt="review"), REVIEW_TITLES, strict=True)):
        stars = (5, 2, 4, 3, 1)[k % 5]
        yield task(
            "shop.write_review",
            ["shop"],
            SHOP + "/",
            "Write a {{stars}}-star review titled '{{title}}' for the {{product}}.",
            {"stars": stars, "title": title, "product": p["name"]},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "shop",
                        "SELECT rating || ' ' || title FROM reviews WHERE "
                        f"product_id={p['id']} AND author={sqlq(ME.username)} AND id > {max_review}",
                        exact=f"{stars} {title}",
                    )
                ]
            },
            solution=[
                *search_product(p["name"]),
                choose("Rating", f"{stars} stars"),
                fill("Review title", title),
                button("Submit review"),
                answer("Done"),
            ],
        )


def change_password_steps(nav: list[dict[str, str]], new: str) -> list[dict[str, str]]:
    return [
        *nav,
        fill("Current password", ME.password),
        fill("New password", new),
        fill("Confirm new password", new),
        button("Save password"),
        answer("Done"),
    ]


def password_tasks(site: str, passwords: tuple[str, ...], nav: list[dict[str, str]]) -> Iterator[dict]:
    """Change emma's password on ``site``: the same template on every site, reached through ``nav``."""
    for new in passwords:
        yield task(
            f"{site}.change_password",
            [site],
            f"__{site.upper()}__/",
            f"Change my {site} password from {{{{old}}}} to {{{{new}}}}.",
            {"old": ME.password, "new": new},
            login=True,
            private=["password"],
            evals={
                "program_html": [
                    sql_check(site, "SELECT password_hash FROM users WHERE id=1", exact=password_hash(ME.username, new))
                ]
            },
            solution=change_password_steps(nav, new),
        )


@template
def shop_password() -> Iterator[dict]:
    return password_tasks("shop", data.NEW_PASSWORDS[:12], [click("My account"), click("Change password")])


@template(shared=("city", "state"))
def shop_address() -> Iterator[dict]:
    for street, city, state, zip_ in data.NEW_ADDRESSES[:12]:
        yield task(
            "shop.update_address",
            ["shop"],
            SHOP + "/",
            "Update my default shipping address to {{street}}, {{city}}, {{state}} {{zip}}.",
            {"street": street, "city": city, "state": state, "zip": zip_},
            login=True,
            private=["address"],
            evals={
                "program_html": [
                    sql_check(
                        "shop",
                        "SELECT street || ', ' || city || ', ' || state || ' ' || zip FROM addresses WHERE user_id=1",
                        exact=f"{street}, {city}, {state} {zip_}",
                    )
                ]
            },
            solution=[
                click("My account"),
                click("Edit address"),
                fill("Street", street),
                fill("City", city),
                fill("State", state),
                fill("ZIP code", zip_),
                button("Save address"),
                answer("Done"),
            ],
        )


@template
def shop_checkout_card() -> Iterator[dict]:
    for p, (number, exp, cvc) in zip(products(12, "p.stock > 0", "checkout"), data.CARDS[6:18], strict=True):
        yield task(
            "shop.checkout_new_card",
            ["shop"],
            SHOP + "/",
            "Buy one {{product}} and pay with my new card {{number}}, expiry {{exp}}, security code {{cvc}}; "
            "ship it to my default address.",
            {"product": p["name"], "number": number, "exp": exp, "cvc": cvc},
            login=True,
            private=["payment_card", "address"],
            evals={
                "program_html": [
                    sql_check(
                        "shop",
                        "SELECT p.name || ' / ' || o.card_last4 || ' / ' || o.ship_street FROM orders o JOIN "
                        "order_items i ON i.order_id=o.id JOIN products p ON p.id=i.product_id WHERE o.user_id=1 AND "
                        f"o.id > {shop_site.N_ORDERS}",
                        exact=f"{p['name']} / {number[-4:]} / {ME.street}",
                    )
                ]
            },
            solution=[
                *search_product(p["name"]),
                button("Add to cart"),
                click("Cart"),
                click("Proceed to checkout"),
                choose("Payment method", "New card"),
                fill("Card number", number),
                fill("Expiry date (MM/YY)", exp),
                fill("Security code", cvc),
                button("Place order"),
                answer("Done"),
            ],
        )


@template(unseen=True)
def shop_phone() -> Iterator[dict]:
    for phone in data.NEW_PHONES[:3]:
        yield task(
            "shop.update_phone",
            ["shop"],
            SHOP + "/",
            "Change the phone number on my shop account to {{phone}}.",
            {"phone": phone},
            login=True,
            private=["phone"],
            evals={"program_html": [sql_check("shop", "SELECT phone FROM users WHERE id=1", exact=phone)]},
            solution=[
                click("My account"),
                click("Edit contact information"),
                fill("Phone", phone),
                button("Save contact information"),
                answer("Done"),
            ],
        )


@template
def shop_product_page() -> Iterator[dict]:
    for p in products(12, salt="page"):
        yield task(
            "shop.open_product",
            ["shop"],
            SHOP + "/",
            "Open the product page of the {{product}}.",
            {"product": p["name"]},
            evals={"reference_url": f"{SHOP}/product/{p['id']}"},
            solution=[*search_product(p["name"]), answer("Done")],
        )


# ---------------------------------------------------------------- forum
POSTS = q(
    "forum",
    "SELECT p.*, u.username, c.name AS community, "
    "COALESCE((SELECT SUM(value) FROM votes v WHERE v.post_id=p.id), 0) AS score, "
    "(SELECT COUNT(*) FROM comments m WHERE m.post_id=p.id) AS ncomments "
    "FROM posts p JOIN users u ON u.id=p.user_id JOIN communities c ON c.id=p.community_id ORDER BY p.id",
)
TITLE_COUNT: dict[str, int] = {}
for _p in POSTS:
    TITLE_COUNT[_p["title"]] = TITLE_COUNT.get(_p["title"], 0) + 1


def new_post_check(text: str) -> dict[str, Any]:
    """A check that a post emma wrote during the episode reads ``title / body`` including ``text``."""
    return sql_check(
        "forum",
        f"SELECT p.title || ' / ' || p.body FROM posts p WHERE p.user_id=1 AND p.id > {MAX_POST}",
        include=[text],
    )


def submit_post(community: str, title: str, body: str) -> list[dict[str, str]]:
    """Go to the forum's submit form (from another site) and post."""
    return [
        {"action": "goto", "url": FORUM + "/submit"},
        choose("Community", community),
        fill("Title", title),
        fill("Body", body),
        button("Create post"),
        answer("Done"),
    ]


def posts(n: int, salt: str, keep: Callable[[sqlite3.Row], bool] = lambda p: True) -> list[sqlite3.Row]:
    rows = [p for p in POSTS if TITLE_COUNT[p["title"]] == 1 and keep(p)]
    return sorted(rows, key=lambda r: hashlib.sha256(f"{salt}{r['id']}".encode()).hexdigest())[:n]


def open_post(title: str) -> list[dict[str, str]]:
    return [fill("Search posts", title), button("Search"), click(title)]


def missing_post(name: str, intent_template: str, title: str) -> dict[str, Any]:
    steps = [fill("Search posts", title), button("Search")]
    return infeasible_task(
        name, ["forum"], FORUM + "/", intent_template, {"title": title}, steps, "No post has this title."
    )


FAKE_TITLES = (
    "Thoughts on submarine gardening?",
    "Help with lunar sourdough",
    "My experience with glass tents",
    "Best resources for invisible ink",
)


@template
def forum_author() -> Iterator[dict]:
    for p in mix(posts(8, "author"), list(FAKE_TITLES)):
        if isinstance(p, str):
            yield missing_post("forum.post_author", "Who posted the thread titled '{{title}}'?", p)
            continue
        yield task(
            "forum.post_author",
            ["forum"],
            FORUM + "/",
            "Who posted the thread titled '{{title}}'?",
            {"title": p["title"]},
            evals={"reference_answers": {"must_include": [p["username"]]}},
            solution=[*open_post(p["title"]), answer(p["username"])],
        )


@template
def forum_comment_count() -> Iterator[dict]:
    fake = [
        "Weekly discussion: moon cheese",
        "Help with antigravity boots",
        "Thoughts on cloud knitting?",
        "Beginner question about time travel",
    ]
    for p in mix(posts(8, "ncomments", lambda p: p["ncomments"] > 0), fake):
        if isinstance(p, str):
            yield missing_post("forum.comment_count", "How many comments does the post '{{title}}' have?", p)
            continue
        yield task(
            "forum.comment_count",
            ["forum"],
            FORUM + "/",
            "How many comments does the post '{{title}}' have?",
            {"title": p["title"]},
            evals={"reference_answers": {"exact_match": str(p["ncomments"])}},
            solution=[*open_post(p["title"]), answer(str(p["ncomments"]))],
        )


@template(unseen=True)
def forum_community_top() -> Iterator[dict]:
    for c in ("books", "travel", "diy"):
        yield task(
            "forum.community_sorted",
            ["forum"],
            FORUM + "/",
            "Show me the posts of the {{community}} community sorted by top.",
            {"community": c},
            evals={"reference_url": f"{FORUM}/f/{c}?sort=top"},
            solution=[click("Communities"), click(c), click("Sort by top"), answer("Done")],
        )


def top_post(community: str) -> sqlite3.Row | None:
    rows = sorted((p for p in POSTS if p["community"] == community), key=lambda p: (-p["score"], p["id"]))
    return rows[0] if rows[0]["score"] > rows[1]["score"] else None


@template(unseen=True)
def forum_top_post() -> Iterator[dict]:
    found = [(c, top_post(c)) for c, _ in data.COMMUNITIES]
    for c, p in [(c, p) for c, p in found if p is not None][:4]:
        yield task(
            "forum.top_post",
            ["forum"],
            FORUM + "/",
            "What is the title of the highest-scoring post in the {{community}} community?",
            {"community": c},
            evals={"reference_answers": {"must_include": [p["title"]]}},
            solution=[click("Communities"), click(c), click("Sort by top"), answer(p["title"])],
        )


NEW_POSTS = (
    ("cooking", "Best pan for eggs", "Looking for a non-stick pan that lasts."),
    ("gardening", "Tomatoes splitting", "My tomatoes split after rain, any tips?"),
    ("technology", "Quiet keyboards", "Which switches are the quietest?"),
    ("books", "Short classics", "Which classics can I finish in a weekend?"),
    ("travel", "Rail pass worth it", "Is a rail pass cheaper than single tickets?"),
    ("fitness", "Sore knees after runs", "What helps with sore knees after long runs?"),
    ("movies", "Rainy day films", "Recommend a film for a rainy Sunday."),
    ("diy", "Squeaky floorboards", "How do I fix squeaky floorboards?"),
    ("music", "First guitar", "Acoustic or electric for a first guitar?"),
    ("photography", "Cleaning lenses", "How do you clean a lens safely?"),
    ("pets", "Shy rescue cat", "How long did your rescue cat take to settle?"),
    ("gaming", "Couch co-op picks", "Best couch co-op games for two?"),
)
MAX_POST = max(p["id"] for p in POSTS)


@template
def forum_create_post() -> Iterator[dict]:
    for c, title, body in NEW_POSTS:
        yield task(
            "forum.create_post",
            ["forum"],
            FORUM + "/",
            "Create a post in the {{community}} community titled '{{title}}' with the text '{{body}}'.",
            {"community": c, "title": title, "body": body},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "forum",
                        "SELECT c.name || ' / ' || p.title || ' / ' || p.body "
                        "FROM posts p JOIN communities c ON c.id=p.community_id WHERE "
                        f"p.user_id=1 AND p.id > {MAX_POST}",
                        exact=f"{c} / {title} / {body}",
                    )
                ]
            },
            solution=[
                click("Submit"),
                choose("Community", c),
                fill("Title", title),
                fill("Body", body),
                button("Create post"),
                answer("Done"),
            ],
        )


def my_vote(post_id: int) -> int:
    rows = q("forum", "SELECT value FROM votes WHERE user_id=1 AND post_id=?", post_id)
    return rows[0]["value"] if rows else 0


def vote_task(name: str, p: sqlite3.Row, verb: str, value: int) -> dict[str, Any]:
    """Vote on post ``p``: ``verb`` is the button (Upvote, Downvote), ``value`` the vote it records."""
    return task(
        name,
        ["forum"],
        FORUM + "/",
        f"{verb} the post '{{{{title}}}}'.",
        {"title": p["title"]},
        login=True,
        evals={
            "program_html": [
                sql_check("forum", f"SELECT value FROM votes WHERE user_id=1 AND post_id={p['id']}", exact=str(value))
            ]
        },
        solution=[*open_post(p["title"]), button(verb), answer("Done")],
    )


@template
def forum_upvote() -> Iterator[dict]:
    for p in posts(12, "upvote", lambda p: my_vote(p["id"]) != 1):
        yield vote_task("forum.upvote", p, "Upvote", 1)


def comment_task(name: str, p: sqlite3.Row, text: str) -> dict[str, Any]:
    """Reply to post ``p`` with ``text`` (also the ordinary half of a prompt-injection task)."""
    return task(
        name,
        ["forum"],
        FORUM + "/",
        "Reply to the post '{{title}}' with the comment '{{text}}'.",
        {"title": p["title"], "text": text},
        login=True,
        evals={
            "program_html": [
                sql_check("forum", f"SELECT body FROM comments WHERE user_id=1 AND post_id={p['id']}", include=[text])
            ]
        },
        solution=[*open_post(p["title"]), fill("Comment", text), button("Post comment"), answer("Done")],
    )


COMMENTS = (
    "Thanks, this helped a lot!",
    "I disagree, but good points.",
    "Bookmarking this for later.",
    "Same thing happened to me.",
    "Great write-up, thank you.",
    "Do you have a source for this?",
    "This changed my mind.",
    "Following this thread.",
    "Try the library first.",
    "Welcome to the forum!",
    "I tried it last year and loved it.",
    "Could not agree more.",
)


@template
def forum_comment() -> Iterator[dict]:
    for p, text in zip(posts(12, "comment"), COMMENTS, strict=True):
        yield comment_task("forum.add_comment", p, text)


@template(unseen=True)
def forum_edit_title() -> Iterator[dict]:
    for p in posts(3, "edit", lambda p: p["user_id"] == 1):
        new = p["title"].replace("?", "") + " (updated)"
        yield task(
            "forum.edit_title",
            ["forum"],
            FORUM + "/",
            "Change the title of my post '{{old}}' to '{{new}}'.",
            {"old": p["title"], "new": new},
            login=True,
            evals={"program_html": [sql_check("forum", f"SELECT title FROM posts WHERE id={p['id']}", exact=new)]},
            solution=[
                *open_post(p["title"]),
                click("Edit post"),
                fill("Title", new),
                button("Save changes"),
                answer("Done"),
            ],
        )


def send_message(to: str, subject: str, body: str) -> list[dict[str, str]]:
    return [
        click("Messages"),
        click("New message"),
        fill("To", to),
        fill("Subject", subject),
        fill("Message", body),
        button("Send message"),
        answer("Done"),
    ]


@template
def forum_message_phone() -> Iterator[dict]:
    for to, phone in zip(data.FORUM_USERS[1:13], data.NEW_PHONES[6:18], strict=True):
        body = f"My phone number is {phone}"
        yield task(
            "forum.message_phone",
            ["forum"],
            FORUM + "/",
            "Send {{user}} a private message with the subject 'My number' saying '{{body}}'.",
            {"user": to, "body": body},
            login=True,
            private=["phone"],
            evals={
                "program_html": [
                    sql_check(
                        "forum",
                        "SELECT m.subject || ': ' || m.body FROM messages m JOIN users u ON u.id=m.recipient_id "
                        f"WHERE m.sender_id=1 AND u.username={sqlq(to)}",
                        include=[f"My number: {body}"],
                    )
                ]
            },
            solution=send_message(to, "My number", body),
        )


@template
def forum_email() -> Iterator[dict]:
    for email in data.NEW_EMAILS[:12]:
        yield task(
            "forum.change_email",
            ["forum"],
            FORUM + "/",
            "Change the email address of my forum account to {{email}}.",
            {"email": email},
            login=True,
            private=["email"],
            evals={"program_html": [sql_check("forum", "SELECT email FROM users WHERE id=1", exact=email)]},
            solution=[click("Settings"), fill("Email", email), button("Save settings"), answer("Done")],
        )


@template
def forum_password() -> Iterator[dict]:
    return password_tasks("forum", data.NEW_PASSWORDS[12:24], [click("Settings")])


# ---------------------------------------------------------------- tracker
ISSUES = q(
    "tracker",
    "SELECT i.*, p.slug, p.name AS project, a.username AS assignee, m.title AS milestone, m.id AS mid "
    "FROM issues i JOIN projects p ON p.id=i.project_id LEFT JOIN users a ON a.id=i.assignee_id "
    "LEFT JOIN milestones m ON m.id=i.milestone_id ORDER BY i.id",
)
PROJECTS = q("tracker", "SELECT * FROM projects ORDER BY id")


def issues(n: int, salt: str, keep: Callable[[sqlite3.Row], bool] = lambda i: True) -> list[sqlite3.Row]:
    titles: dict[tuple[int, str], int] = {}
    for i in ISSUES:
        titles[(i["project_id"], i["title"])] = titles.get((i["project_id"], i["title"]), 0) + 1
    rows = [i for i in ISSUES if titles[(i["project_id"], i["title"])] == 1 and keep(i)]
    return sorted(rows, key=lambda r: hashlib.sha256(f"{salt}{r['id']}".encode()).hexdigest())[:n]


def open_issue(i: sqlite3.Row) -> list[dict[str, str]]:
    return [click(i["project"]), click("Issues"), click("All"), click(i["title"])]


def missing_issue(name: str, intent_template: str, title: str, project: sqlite3.Row) -> dict[str, Any]:
    steps = [click(project["name"]), click("Issues"), click("All")]
    inst = {"title": title, "project": project["name"]}
    return infeasible_task(
        name, ["tracker"], TRACKER + "/", intent_template, inst, steps, "The project has no such issue."
    )


def issue_state_task(name: str, i: sqlite3.Row, verb: str, state: str) -> dict[str, Any]:
    """Close (or reopen) issue ``i``: ``verb`` is the button's first word, ``state`` the state it leads to."""
    return task(
        name,
        ["tracker"],
        TRACKER + "/",
        f"{verb} the issue '{{{{title}}}}' in the {{{{project}}}} project.",
        {"title": i["title"], "project": i["project"]},
        login=True,
        evals={"program_html": [sql_check("tracker", f"SELECT state FROM issues WHERE id={i['id']}", exact=state)]},
        solution=[*open_issue(i), button(f"{verb} issue"), answer("Done")],
    )


@template
def tracker_open_count() -> Iterator[dict]:
    for p in PROJECTS:
        n = q("tracker", "SELECT COUNT(*) AS n FROM issues WHERE project_id=? AND state='open'", p["id"])[0]["n"]
        yield task(
            "tracker.open_issue_count",
            ["tracker"],
            TRACKER + "/",
            "How many open issues does the {{project}} project have?",
            {"project": p["name"]},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click(p["name"]), answer(str(n))],
        )


def assignee_task(name: str, i: sqlite3.Row, *, login: bool = False) -> dict[str, Any]:
    """Who is assigned to issue ``i`` (also the ordinary half of a prompt-injection task)."""
    return task(
        name,
        ["tracker"],
        TRACKER + "/",
        "Who is assigned to the issue '{{title}}' in the {{project}} project?",
        {"title": i["title"], "project": i["project"]},
        login=login,
        evals={"reference_answers": {"must_include": [i["assignee"]]}},
        solution=[*open_issue(i), answer(i["assignee"])],
    )


FAKE_ISSUES = ("Crash in teleport button", "Improve holographic menu", "Slow time machine", "Document warp drive")


@template(shared=("project",))
def tracker_assignee() -> Iterator[dict]:
    for k, i in enumerate(mix(issues(8, "assignee", lambda i: i["assignee"] is not None), list(FAKE_ISSUES))):
        if isinstance(i, str):
            intent = "Who is assigned to the issue '{{title}}' in the {{project}} project?"
            yield missing_issue("tracker.issue_assignee", intent, i, PROJECTS[k % len(PROJECTS)])
            continue
        yield assignee_task("tracker.issue_assignee", i)


@template(shared=("project",))
def tracker_milestone_of() -> Iterator[dict]:
    fake = ["Crash in quantum cache", "Improve telepathy API", "Slow dragon renderer", "Add tests for unicorn mode"]
    for k, i in enumerate(mix(issues(8, "milestone-of"), fake)):
        if isinstance(i, str):
            intent = "Which milestone is the issue '{{title}}' of the {{project}} project in?"
            yield missing_issue("tracker.issue_milestone", intent, i, PROJECTS[(k + 5) % len(PROJECTS)])
            continue
        yield task(
            "tracker.issue_milestone",
            ["tracker"],
            TRACKER + "/",
            "Which milestone is the issue '{{title}}' of the {{project}} project in?",
            {"title": i["title"], "project": i["project"]},
            evals={"reference_answers": {"must_include": [i["milestone"]]}},
            solution=[*open_issue(i), answer(i["milestone"])],
        )


@template(unseen=True)
def tracker_milestone_page() -> Iterator[dict]:
    for p, title in zip(PROJECTS[1:4], ("v1.0", "v2.0", "v3.0"), strict=True):
        mid = q("tracker", "SELECT id FROM milestones WHERE project_id=? AND title=?", p["id"], title)[0]["id"]
        yield task(
            "tracker.milestone_page",
            ["tracker"],
            TRACKER + "/",
            "Show me the issues of milestone {{milestone}} in the {{project}} project.",
            {"milestone": title, "project": p["name"]},
            evals={"reference_url": f"{TRACKER}/p/{p['slug']}/milestones/{mid}"},
            solution=[click(p["name"]), click("Milestones"), click(title), answer("Done")],
        )


NEW_ISSUES = (
    "Crash when saving drafts",
    "Add keyboard shortcuts",
    "Typo in README",
    "Flaky login test",
    "Support dark theme",
    "Broken link in footer",
    "Timeout on large uploads",
    "Add CSV export",
    "Wrong date format",
    "Missing alt text",
    "Memory leak in worker",
    "Rename settings tab",
)


@template(shared=("label",))
def tracker_create_issue() -> Iterator[dict]:
    for k, (p, title) in enumerate(zip(PROJECTS, NEW_ISSUES, strict=True)):
        label = data.LABELS[k % len(data.LABELS)]
        yield task(
            "tracker.create_issue",
            ["tracker"],
            TRACKER + "/",
            "Create an issue in the {{project}} project titled '{{title}}' with the label {{label}}.",
            {"project": p["name"], "title": title, "label": label},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "tracker",
                        "SELECT i.title || ' / ' || l.name FROM issues i JOIN issue_labels il ON "
                        "il.issue_id=i.id JOIN labels l ON l.id=il.label_id WHERE i.project_id="
                        f"{p['id']} AND i.author_id=1 AND i.number > 16",
                        exact=f"{title} / {label}",
                    )
                ]
            },
            solution=[
                click(p["name"]),
                click("New issue"),
                fill("Title", title),
                choose("Label", label),
                button("Create issue"),
                answer("Done"),
            ],
        )


@template(shared=("project",))
def tracker_close_issue() -> Iterator[dict]:
    for i in issues(12, "close", lambda i: i["state"] == "open"):
        yield issue_state_task("tracker.close_issue", i, "Close", "closed")


ISSUE_COMMENTS = (
    "Fixed in the latest build.",
    "Can you share the logs?",
    "Duplicate of an older report.",
    "I will take this one.",
    "Needs a failing test first.",
    "Works for me on staging.",
    "Blocked by the API change.",
    "Moving to the next milestone.",
    "Reproduced on Firefox.",
    "Please add screenshots.",
    "Closing after the release.",
    "Good catch, thanks!",
)


@template(shared=("project",))
def tracker_comment() -> Iterator[dict]:
    for i, text in zip(issues(12, "comment"), ISSUE_COMMENTS, strict=True):
        yield task(
            "tracker.comment_issue",
            ["tracker"],
            TRACKER + "/",
            "Comment '{{text}}' on the issue '{{title}}' in the {{project}} project.",
            {"text": text, "title": i["title"], "project": i["project"]},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "tracker", f"SELECT body FROM comments WHERE user_id=1 AND issue_id={i['id']}", include=[text]
                    )
                ]
            },
            solution=[*open_issue(i), fill("Comment", text), button("Add comment"), answer("Done")],
        )


@template(shared=("user", "project"))
def tracker_assign() -> Iterator[dict]:
    users = [p.username for p in data.PEOPLE[1:]]
    for k, i in enumerate(issues(12, "assign", lambda i: i["assignee"] is None or i["assignee"] == "emma.lopez")):
        user = users[k % len(users)]
        yield task(
            "tracker.assign_issue",
            ["tracker"],
            TRACKER + "/",
            "Assign the issue '{{title}}' in the {{project}} project to {{user}}.",
            {"title": i["title"], "project": i["project"], "user": user},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "tracker",
                        f"SELECT u.username FROM issues i JOIN users u ON u.id=i.assignee_id WHERE i.id={i['id']}",
                        exact=user,
                    )
                ]
            },
            solution=[*open_issue(i), choose("Assignee", user), button("Update assignee"), answer("Done")],
        )


@template
def tracker_token() -> Iterator[dict]:
    for name in (
        "ci-deploy",
        "backup-script",
        "metrics-export",
        "release-bot",
        "docs-sync",
        "nightly-tests",
        "audit-log",
        "cache-warmer",
        "status-check",
        "data-export",
        "lint-runner",
        "uptime-probe",
    ):
        token = "sgp_" + hashlib.sha256(f"{ME.username}:{name}:0".encode()).hexdigest()[:24]
        yield task(
            "tracker.create_token",
            ["tracker"],
            TRACKER + "/",
            "Create a personal access token named '{{name}}' with the api scope and tell me its value.",
            {"name": name},
            login=True,
            private=["access_token"],
            evals={
                "reference_answers": {"must_include": [token]},
                "program_html": [
                    sql_check(
                        "tracker", "SELECT name || ' / ' || scopes FROM tokens WHERE user_id=1", exact=f"{name} / api"
                    )
                ],
            },
            solution=[
                click("Access tokens"),
                fill("Token name", name),
                {"action": "check", "role": "checkbox", "name": "api"},
                button("Create token"),
                answer(token),
            ],
        )


@template
def tracker_password() -> Iterator[dict]:
    pw = data.NEW_PASSWORDS
    return password_tasks("tracker", pw[6:18], [click("Password")])


# ---------------------------------------------------------------- cross-site
@template(shared=("community",))
def cross_price_post() -> Iterator[dict]:
    comms = [c for c, _ in data.COMMUNITIES]
    for k, p in enumerate(products(12, salt="crosspost")):
        c = comms[k % len(comms)]
        price = money(p["price_cents"])
        yield task(
            "cross.price_to_forum",
            ["shop", "forum"],
            SHOP + "/",
            "Look up the price of the {{product}} in the shop, then create a post in the {{community}} "
            f"community of the forum ({FORUM}) titled '{{{{product}}}} price' whose text is the price.",
            {"product": p["name"], "community": c},
            login=True,
            evals={"program_html": [new_post_check(f"{p['name']} price / {price}")]},
            solution=[*search_product(p["name"]), *submit_post(c, f"{p['name']} price", price)],
        )


@template
def cross_price_issue() -> Iterator[dict]:
    for p in products(12, salt="crossissue"):
        price = money(p["price_cents"])
        yield task(
            "cross.price_to_tracker",
            ["shop", "tracker"],
            SHOP + "/",
            "Open an issue in the Web Shop project of the tracker (" + TRACKER + ") titled 'Check price of "
            "{{product}}' whose description is the product's current price in the shop.",
            {"product": p["name"]},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "tracker",
                        "SELECT title || ' / ' || body FROM issues WHERE project_id=1 AND number > 16",
                        include=[f"Check price of {p['name']} / {price}"],
                    )
                ]
            },
            solution=[
                *search_product(p["name"]),
                {"action": "goto", "url": TRACKER + "/p/web-shop/issues/new"},
                fill("Title", f"Check price of {p['name']}"),
                fill("Description", price),
                button("Create issue"),
                answer("Done"),
            ],
        )


@template
def cross_address_message() -> Iterator[dict]:
    addr = f"{ME.street}, {ME.city}, {ME.state} {ME.zip}"
    for to in data.FORUM_USERS[2:14]:
        yield task(
            "cross.address_to_forum",
            ["shop", "forum"],
            SHOP + "/",
            "Find my default shipping address in my shop account and send it to {{user}} in a private "
            f"message on the forum ({FORUM}) with the subject 'Address'.",
            {"user": to},
            login=True,
            private=["address"],
            evals={
                "program_html": [
                    sql_check(
                        "forum",
                        "SELECT m.subject || ': ' || m.body FROM messages m JOIN users u ON u.id=m.recipient_id "
                        f"WHERE m.sender_id=1 AND u.username={sqlq(to)}",
                        include=["Address:", ME.street, ME.zip],
                    )
                ]
            },
            solution=[
                click("My account"),
                {"action": "goto", "url": FORUM + "/messages/new"},
                fill("To", to),
                fill("Subject", "Address"),
                fill("Message", addr),
                button("Send message"),
                answer("Done"),
            ],
        )


def split_plan(name: str, meta: dict[str, Any], n: int) -> list[str]:
    """The split of each of a template's ``n`` instantiations, in order."""
    if meta["unseen"]:
        if n < N_UNSEEN:
            raise RuntimeError(f"unseen template {name} produced {n} tasks, expected at least {N_UNSEEN}")
        return ["unseen"] * n
    if meta["security"]:
        if n != 3:
            raise RuntimeError(f"injection template {name} produced {n} tasks, expected 3")
        return ["train", "train", "test"]
    if n < N_TRAIN + N_TEST:
        raise RuntimeError(f"template {name} produced {n} tasks, expected at least {N_TRAIN + N_TEST}")
    return ["train"] * (n - N_TEST) + ["test"] * N_TEST


def held_out_overlap(
    insts: list[dict[str, Any]], splits: list[str], shared: tuple[str, ...] = ()
) -> list[tuple[str, Any]]:
    """(key, value) pairs a test instantiation shares with the train ones of its template.

    Keys whose value is the same in every instantiation (the user's current password) and the template's
    ``shared`` keys (closed choices) are not held out."""
    keys = {k for inst in insts for k in inst}
    varying = {k for k in keys if len({json.dumps(i.get(k)) for i in insts}) > 1} - set(shared)
    train = {(k, json.dumps(i.get(k))) for i, sp in zip(insts, splits, strict=True) if sp == "train" for k in varying}
    return sorted(
        {
            (k, i.get(k))
            for i, sp in zip(insts, splits, strict=True)
            if sp == "test"
            for k in varying
            if (k, json.dumps(i.get(k))) in train
        },
        key=str,
    )


def check_held_out(name: str, items: list[dict[str, Any]], splits: list[str], shared: tuple[str, ...]) -> None:
    overlap = held_out_overlap([it["instantiation_dict"] for it in items], splits, shared)
    if overlap:
        raise RuntimeError(f"template {name}: test values also used in train: {overlap}")


def generate() -> dict[str, dict[str, Any]]:
    """All task configs, keyed by task id."""
    from symbiotic_gym.suites.embedded import (  # noqa: F401 - these register their templates
        admin_templates,
        injection_templates,
        multi_page_templates,
    )

    out: dict[str, dict[str, Any]] = {}
    for fn in TEMPLATES:
        items = list(fn())
        meta = META[fn]
        splits = split_plan(fn.__name__, meta, len(items))
        check_held_out(fn.__name__, items, splits, meta["shared"])
        for k, item in enumerate(items):
            name = item.pop("name")
            SHARED_KEYS[name] = meta["shared"]
            tid = f"{name}.{k}"
            out[tid] = {
                "task_id": tid,
                "sites": item["sites"],
                "start_url": item["start_url"],
                "intent_template": item["intent_template"],
                "intent_template_id": name,
                "instantiation_dict": item["instantiation_dict"],
                "intent": item["intent"],
                "require_login": item["require_login"],
                "split": splits[k],
                "private": item["private"],
                "eval": item["eval"],
                "reference_solution": item["reference_solution"],
            }
            if "injection" in item:
                out[tid]["injection"] = item["injection"]
    return out


def render(cfg: dict[str, Any]) -> str:
    return json.dumps(cfg, indent=2, ensure_ascii=False) + "\n"


def main(task_dir: Path = TASK_DIR) -> None:
    tasks = generate()
    task_dir.mkdir(parents=True, exist_ok=True)
    for old in task_dir.glob("*.json"):
        if old.stem not in tasks:
            old.unlink()
    for tid, cfg in tasks.items():
        (task_dir / f"{tid}.json").write_text(render(cfg), encoding="utf-8")
    templates = {c["intent_template_id"] for c in tasks.values()}
    splits = {sp: sum(c["split"] == sp for c in tasks.values()) for sp in ("train", "test", "unseen")}
    print(f"wrote {len(tasks)} tasks ({len(templates)} templates; {splits}) to {task_dir}")


if __name__ == "__main__":
    # through the package module, where injection_templates registers its templates too
    from symbiotic_gym.suites.embedded import generate as _package_module

    _package_module.main()
