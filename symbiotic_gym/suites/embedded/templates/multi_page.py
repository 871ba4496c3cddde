"""Task templates that read across pages (search, pagination, sorting, counting, comparing) or take long
sequences of steps (two-product checkouts, complete issues, post-then-message).
"""

from __future__ import annotations

from collections.abc import Iterator

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.sites import shop as shop_site
from symbiotic_gym.suites.embedded.sites.common import money
from symbiotic_gym.suites.embedded.templates.base import (
    FORUM,
    SHOP,
    TRACKER,
    answer,
    button,
    choose,
    click,
    fill,
    q,
    sql_check,
    sqlq,
    task,
    template,
)
from symbiotic_gym.suites.embedded.templates.forum import (
    MAX_POST,
    NEW_POSTS,
    POSTS,
    open_post,
    posts,
    send_message,
    vote_task,
)
from symbiotic_gym.suites.embedded.templates.shop import CATS, MY_ORDERS, products, search_product
from symbiotic_gym.suites.embedded.templates.tracker import PROJECTS, issue_state_task, issues


# ---------------------------------------------------------------- shop
@template
def shop_search_count() -> Iterator[dict]:
    for word in data.ADJECTIVES[:12]:
        n = q("shop", "SELECT COUNT(*) AS n FROM products WHERE name LIKE ?", f"%{word}%")[0]["n"]
        yield task(
            "shop.search_count",
            ["shop"],
            SHOP + "/",
            "How many products in the shop have '{{word}}' in their name?",
            {"word": word},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[fill("Search products", word), button("Search"), answer(str(n))],
        )


@template
def shop_count_under() -> Iterator[dict]:
    for c in CATS:
        n = q("shop", "SELECT COUNT(*) AS n FROM products WHERE category_id=? AND price_cents < 5000", c["id"])[0]["n"]
        yield task(
            "shop.count_under_50",
            ["shop"],
            SHOP + "/",
            "How many products in the {{category}} category cost less than $50?",
            {"category": c["name"]},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click(c["name"]), click("Sort by price: low to high"), answer(str(n))],
        )


@template
def shop_priciest_recent() -> Iterator[dict]:
    recent = sorted(MY_ORDERS, key=lambda o: -o["id"])
    made = 0
    for n in range(2, len(recent) + 1):
        top = sorted(recent[:n], key=lambda o: -o["total_cents"])
        if len(top) > 1 and top[0]["total_cents"] == top[1]["total_cents"]:
            continue
        best = top[0]
        yield task(
            "shop.priciest_recent_order",
            ["shop"],
            SHOP + "/",
            "Which of my {{n}} most recent orders cost the most? Answer with its order number.",
            {"n": n},
            login=True,
            evals={"reference_answers": {"must_include": [str(best["id"])]}},
            solution=[click("My orders"), answer(f"Order #{best['id']}")],
        )
        made += 1
        if made == 12:
            break


@template
def shop_order_items() -> Iterator[dict]:
    for o in MY_ORDERS[4:16]:
        names = [
            r["name"]
            for r in q(
                "shop",
                "SELECT DISTINCT p.name FROM order_items i JOIN products p ON p.id=i.product_id WHERE i.order_id=? "
                "ORDER BY p.name",
                o["id"],
            )
        ]
        yield task(
            "shop.order_items",
            ["shop"],
            SHOP + "/",
            "Which products did I buy in my order #{{order}}?",
            {"order": o["id"]},
            login=True,
            evals={"reference_answers": {"must_include": names}},
            solution=[click("My orders"), click(f"Order #{o['id']}"), answer(", ".join(names))],
        )


@template
def shop_checkout_two() -> Iterator[dict]:
    items = products(24, "p.stock > 0", "checkout-two")
    for a, b in zip(items[0::2], items[1::2], strict=True):
        names = " + ".join(sorted((a["name"], b["name"])))
        yield task(
            "shop.checkout_two",
            ["shop"],
            SHOP + "/",
            "Buy one {{first}} and one {{second}} in a single order, paid with my saved card and shipped to my "
            "default address.",
            {"first": a["name"], "second": b["name"]},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "shop",
                        "SELECT GROUP_CONCAT(name, ' + ') FROM (SELECT p.name FROM order_items i JOIN products p ON "
                        f"p.id=i.product_id JOIN orders o ON o.id=i.order_id WHERE o.user_id=1 AND o.id > "
                        f"{shop_site.N_ORDERS} ORDER BY p.name)",
                        exact=names,
                    )
                ]
            },
            solution=[
                *search_product(a["name"]),
                button("Add to cart"),
                *search_product(b["name"]),
                button("Add to cart"),
                click("Cart"),
                click("Proceed to checkout"),
                button("Place order"),
                answer("Done"),
            ],
        )


@template(unseen=True)
def shop_orders_with_status() -> Iterator[dict]:
    for status in ("Delivered", "Processing", "Canceled"):
        n = sum(o["status"] == status for o in MY_ORDERS)
        yield task(
            "shop.my_orders_with_status",
            ["shop"],
            SHOP + "/",
            "How many of my orders have the status {{status}}?",
            {"status": status},
            login=True,
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click("My orders"), answer(str(n))],
        )


# ---------------------------------------------------------------- forum
@template
def forum_author_post_count() -> Iterator[dict]:
    by_author: dict[str, int] = {}
    for p in POSTS:
        by_author[p["username"]] = by_author.get(p["username"], 0) + 1
    seen: set[str] = set()
    chosen = []
    for p in posts(60, "author-count"):
        if p["username"] not in seen:
            seen.add(p["username"])
            chosen.append(p)
    for p in chosen[:12]:
        n = by_author[p["username"]]
        yield task(
            "forum.author_post_count",
            ["forum"],
            FORUM + "/",
            "How many posts has the author of the post '{{title}}' written?",
            {"title": p["title"]},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[*open_post(p["title"]), click(p["username"]), answer(str(n))],
        )


@template
def forum_post_and_message() -> Iterator[dict]:
    for k, (c, title, body) in enumerate(NEW_POSTS[6:] + NEW_POSTS[:6]):
        to = data.FORUM_USERS[6 + k]
        yield task(
            "forum.post_then_message",
            ["forum"],
            FORUM + "/",
            "Create a post in the {{community}} community titled '{{title}}' with the text '{{body}}', then send "
            "{{user}} a private message with the subject 'New post' whose text is the post's title.",
            {"community": c, "title": title, "body": body, "user": to},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "forum",
                        "SELECT c.name || ' / ' || p.title FROM posts p JOIN communities c ON c.id=p.community_id "
                        f"WHERE p.user_id=1 AND p.id > {MAX_POST}",
                        exact=f"{c} / {title}",
                    ),
                    sql_check(
                        "forum",
                        "SELECT m.subject || ': ' || m.body FROM messages m JOIN users u ON u.id=m.recipient_id "
                        f"WHERE m.sender_id=1 AND u.username={sqlq(to)}",
                        include=[f"New post: {title}"],
                    ),
                ]
            },
            solution=[
                click("Submit"),
                choose("Community", c),
                fill("Title", title),
                fill("Body", body),
                button("Create post"),
                *send_message(to, "New post", title),
            ],
        )


@template(unseen=True)
def forum_downvote() -> Iterator[dict]:
    for p in posts(3, "downvote"):
        yield vote_task("forum.downvote", p, "Downvote", -1)


# ---------------------------------------------------------------- tracker
USERS = [p.username for p in data.PEOPLE]


@template(shared=("label", "assignee", "milestone"))
def tracker_full_issue() -> Iterator[dict]:
    titles = (
        "Checkout button misaligned",
        "Add audit trail",
        "Retry failed webhooks",
        "Document rate limits",
        "Speed up cold start",
        "Password reset e-mail late",
        "Support SSO logins",
        "Fix broken pagination",
        "Translate error pages",
        "Cache search results",
        "Validate phone numbers",
        "Archive old projects",
    )
    for k, (p, title) in enumerate(zip(PROJECTS, titles, strict=True)):
        label, user, ms = data.LABELS[(k + 2) % 6], USERS[(k + 1) % 6], f"v{k % 3 + 1}.0"
        desc = f"Reported by a customer: {title.lower()}."
        yield task(
            "tracker.full_issue",
            ["tracker"],
            TRACKER + "/",
            "In the {{project}} project, open an issue titled '{{title}}' with the description '{{description}}', "
            "the label {{label}}, assigned to {{assignee}}, in milestone {{milestone}}.",
            {
                "project": p["name"],
                "title": title,
                "description": desc,
                "label": label,
                "assignee": user,
                "milestone": ms,
            },
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "tracker",
                        "SELECT i.title || ' / ' || i.body || ' / ' || l.name || ' / ' || u.username || ' / ' "
                        "|| m.title "
                        "FROM issues i JOIN issue_labels il ON il.issue_id=i.id JOIN labels l ON l.id=il.label_id "
                        "JOIN users u ON u.id=i.assignee_id JOIN milestones m ON m.id=i.milestone_id "
                        f"WHERE i.project_id={p['id']} AND i.number > 16",
                        exact=f"{title} / {desc} / {label} / {user} / {ms}",
                    )
                ]
            },
            solution=[
                click(p["name"]),
                click("New issue"),
                fill("Title", title),
                fill("Description", desc),
                choose("Label", label),
                choose("Assignee", user),
                choose("Milestone", ms),
                button("Create issue"),
                answer("Done"),
            ],
        )


@template
def tracker_closed_count() -> Iterator[dict]:
    for p in PROJECTS[3:] + PROJECTS[:3]:
        n = q("tracker", "SELECT COUNT(*) AS n FROM issues WHERE project_id=? AND state='closed'", p["id"])[0]["n"]
        yield task(
            "tracker.closed_issue_count",
            ["tracker"],
            TRACKER + "/",
            "How many closed issues does the {{project}} project have?",
            {"project": p["name"]},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click(p["name"]), click("Issues"), click("Closed"), answer(str(n))],
        )


@template(shared=("label",))
def tracker_label_count() -> Iterator[dict]:
    for k, p in enumerate(PROJECTS[6:] + PROJECTS[:6]):
        label = data.LABELS[k % 6]
        n = q(
            "tracker",
            "SELECT COUNT(*) AS n FROM issues i JOIN issue_labels il ON il.issue_id=i.id JOIN labels l ON "
            "l.id=il.label_id WHERE i.project_id=? AND i.state='open' AND l.name=?",
            p["id"],
            label,
        )[0]["n"]
        yield task(
            "tracker.open_label_count",
            ["tracker"],
            TRACKER + "/",
            "How many open issues of the {{project}} project carry the label {{label}}?",
            {"project": p["name"], "label": label},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click(p["name"]), click("Issues"), answer(str(n))],
        )


@template
def tracker_milestone_count() -> Iterator[dict]:
    for p in PROJECTS[9:] + PROJECTS[:9]:
        m = q("tracker", "SELECT id FROM milestones WHERE project_id=? AND title='v2.0'", p["id"])[0]["id"]
        n = q("tracker", "SELECT COUNT(*) AS n FROM issues WHERE milestone_id=?", m)[0]["n"]
        yield task(
            "tracker.milestone_issue_count",
            ["tracker"],
            TRACKER + "/",
            "How many issues does milestone v2.0 of the {{project}} project hold?",
            {"project": p["name"]},
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click(p["name"]), click("Milestones"), click("v2.0"), answer(str(n))],
        )


@template(unseen=True, shared=("project",))
def tracker_reopen() -> Iterator[dict]:
    for i in issues(3, "reopen", lambda i: i["state"] == "closed"):
        yield issue_state_task("tracker.reopen_issue", i, "Reopen", "open")


@template(unseen=True)
def tracker_search() -> Iterator[dict]:
    for term in ("checkout", "dark mode", "pagination"):
        yield task(
            "tracker.search_issues",
            ["tracker"],
            TRACKER + "/",
            "Search the tracker for issues mentioning '{{term}}'.",
            {"term": term},
            evals={"reference_url": f"{TRACKER}/search?q={term.replace(' ', '+')}"},
            solution=[fill("Search issues", term), button("Go"), answer("Done")],
        )


# ---------------------------------------------------------------- cross-site
@template
def cross_order_to_tracker() -> Iterator[dict]:
    for o in MY_ORDERS[2:14]:
        total = money(o["total_cents"])
        yield task(
            "cross.order_to_tracker",
            ["shop", "tracker"],
            SHOP + "/",
            "Look up the total of my order #{{order}} in the shop, then open an issue in the Billing Service project "
            f"of the tracker ({TRACKER}) titled 'Refund order #{{{{order}}}}' with the label bug, whose description "
            "is that total.",
            {"order": o["id"]},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "tracker",
                        "SELECT i.title || ' / ' || i.body || ' / ' || l.name FROM issues i JOIN issue_labels il ON "
                        "il.issue_id=i.id JOIN labels l ON l.id=il.label_id JOIN projects p ON p.id=i.project_id "
                        "WHERE p.slug='billing-service' AND i.number > 16",
                        include=[f"Refund order #{o['id']} / {total} / bug"],
                    )
                ]
            },
            solution=[
                click("My orders"),
                click(f"Order #{o['id']}"),
                {"action": "goto", "url": TRACKER + "/p/billing-service/issues/new"},
                fill("Title", f"Refund order #{o['id']}"),
                fill("Description", total),
                choose("Label", "bug"),
                button("Create issue"),
                answer("Done"),
            ],
        )
