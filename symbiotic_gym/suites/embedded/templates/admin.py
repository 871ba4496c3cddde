"""Task templates of the shop's admin panel (WebArena's shopping_admin): orders, catalog, customers, reviews,
reports; signed in as the store administrator.
"""

from __future__ import annotations

from collections.abc import Iterator

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.sites import shop as shop_site
from symbiotic_gym.suites.embedded.sites.common import money
from symbiotic_gym.suites.embedded.templates.base import (
    ADMIN,
    FORUM,
    answer,
    button,
    choose,
    click,
    fill,
    infeasible_task,
    lookup_tasks,
    mix,
    q,
    sql_check,
    task,
    template,
)
from symbiotic_gym.suites.embedded.templates.forum import new_post_check, submit_post
from symbiotic_gym.suites.embedded.templates.shop import FAKE_PRODUCTS, products

ORDERS = q(
    "shop", "SELECT o.*, u.email, u.username, u.full_name FROM orders o JOIN users u ON u.id=o.user_id ORDER BY id"
)


def find_order(oid: int) -> list[dict[str, str]]:
    return [click("Orders"), fill("Search orders", str(oid)), button("Search")]


def find_product(name: str) -> list[dict[str, str]]:
    return [click("Products"), fill("Search by keyword", name), button("Search")]


def pick(rows: list, n: int, step: int, offset: int = 0) -> list:
    return [rows[(offset + k * step) % len(rows)] for k in range(n)]


@template
def admin_order_status() -> Iterator[dict]:
    missing = [shop_site.N_ORDERS + k for k in (7, 19, 42, 88)]
    for o in mix(pick(ORDERS, 8, 11, 2), missing):
        oid = o if isinstance(o, int) else o["id"]
        common = ("admin.order_status", ["admin"], ADMIN + "/", "What is the status of order #{{order}}?")
        if isinstance(o, int):
            yield infeasible_task(*common, {"order": oid}, find_order(oid), f"There is no order #{oid}.", login=True)
        else:
            yield task(
                *common,
                {"order": oid},
                login=True,
                evals={"reference_answers": {"exact_match": o["status"]}},
                solution=[*find_order(oid), click(f"Order #{oid}"), answer(o["status"])],
            )


@template(shared=("status",))
def admin_update_order_status() -> Iterator[dict]:
    for k, o in enumerate(pick(ORDERS, 12, 7, 5)):
        status = [s for s in ("Shipped", "Delivered", "Canceled", "Processing") if s != o["status"]][k % 3]
        yield task(
            "admin.update_order_status",
            ["admin"],
            ADMIN + "/",
            "In the admin panel, change the status of order #{{order}} to {{status}}.",
            {"order": o["id"], "status": status},
            login=True,
            evals={"program_html": [sql_check("admin", f"SELECT status FROM orders WHERE id={o['id']}", exact=status)]},
            solution=[
                *find_order(o["id"]),
                click(f"Order #{o['id']}"),
                choose("Status", status),
                button("Update status"),
                answer("Done"),
            ],
        )


@template
def admin_set_price() -> Iterator[dict]:
    for k, p in enumerate(products(12, salt="admin-price")):
        new = p["price_cents"] + 500 + 100 * k
        price = f"{new / 100:.2f}"
        yield task(
            "admin.set_price",
            ["admin"],
            ADMIN + "/",
            "Set the price of the {{product}} to ${{price}} in the admin panel.",
            {"product": p["name"], "price": price},
            login=True,
            evals={
                "program_html": [
                    sql_check("admin", f"SELECT price_cents FROM products WHERE id={p['id']}", exact=str(new))
                ]
            },
            solution=[
                *find_product(p["name"]),
                click(p["name"]),
                fill("Price", price),
                button("Save product"),
                answer("Done"),
            ],
        )


@template
def admin_stock() -> Iterator[dict]:
    intent = "How many units of the {{product}} are in stock, according to the admin panel?"
    yield from lookup_tasks(
        "admin.stock",
        "admin",
        intent,
        mix(products(8, salt="admin-stock"), list(FAKE_PRODUCTS[4:8])),
        inst=lambda p: {"product": p["name"]},
        value=lambda p: str(p["stock"]),
        steps=lambda p: find_product(p["name"]),
        missing=lambda k, name: infeasible_task(
            "admin.stock",
            ["admin"],
            ADMIN + "/",
            intent,
            {"product": name},
            find_product(name),
            f"The catalog has no {name}.",
            login=True,
        ),
        login=True,
    )


NEW_PRODUCTS = (
    ("Harbor Desk Lamp", "Home Office"),
    ("Summit Trail Tent", "Outdoor"),
    ("Cedar Spice Rack", "Kitchen"),
    ("Meadow Bird Bath", "Garden"),
    ("Pulse Wireless Earbuds", "Electronics"),
    ("Aspen Balance Board", "Fitness"),
    ("Juniper Marble Run", "Toys"),
    ("Willow Bath Caddy", "Bath"),
    ("Linden Cat Hammock", "Pet Supplies"),
    ("Poplar Watercolor Kit", "Arts and Crafts"),
    ("Cypress Dash Camera", "Automotive"),
    ("Alder Carry-On", "Travel Gear"),
)


@template(shared=("category",))
def admin_create_product() -> Iterator[dict]:
    for k, (name, cat) in enumerate(NEW_PRODUCTS):
        sku, price, qty = f"SG-NEW{k + 1:03d}", f"{29 + 7 * k}.99", str(10 + 3 * k)
        yield task(
            "admin.create_product",
            ["admin"],
            ADMIN + "/",
            "Add a new product to the catalog: '{{name}}', SKU {{sku}}, price ${{price}}, {{qty}} units in stock, "
            "in the {{category}} category.",
            {"name": name, "sku": sku, "price": price, "qty": qty, "category": cat},
            login=True,
            evals={
                "program_html": [
                    sql_check(
                        "admin",
                        "SELECT p.sku || ' / ' || p.price_cents || ' / ' || p.stock || ' / ' || c.name FROM products p "
                        f"JOIN categories c ON c.id=p.category_id WHERE p.name='{name}'",
                        exact=f"{sku} / {round(float(price) * 100)} / {qty} / {cat}",
                    )
                ]
            },
            solution=[
                click("Add product"),
                fill("Product name", name),
                fill("SKU", sku),
                fill("Price", price),
                {"action": "fill", "role": "spinbutton", "name": "Quantity", "value": qty},
                choose("Category", cat),
                fill("Description", f"The {name}."),
                button("Save product"),
                answer("Done"),
            ],
        )


@template
def admin_order_email() -> Iterator[dict]:
    for o in pick(ORDERS, 12, 13, 4):
        yield task(
            "admin.order_customer_email",
            ["admin"],
            ADMIN + "/",
            "What is the e-mail address of the customer who placed order #{{order}}?",
            {"order": o["id"]},
            login=True,
            private=["email"],
            evals={"reference_answers": {"must_include": [o["email"]]}},
            solution=[*find_order(o["id"]), click(f"Order #{o['id']}"), click(o["username"]), answer(o["email"])],
        )


@template(shared=("customer",))
def admin_customer_phone() -> Iterator[dict]:
    for k, phone in enumerate(data.NEW_PHONES[18:30]):
        person = data.PEOPLE[k % len(data.PEOPLE)]
        uid = k % len(data.PEOPLE) + 1
        yield task(
            "admin.update_customer_phone",
            ["admin"],
            ADMIN + "/",
            "Change the phone number of the customer {{customer}} to {{phone}} in the admin panel.",
            {"customer": person.full_name, "phone": phone},
            login=True,
            private=["phone"],
            evals={"program_html": [sql_check("admin", f"SELECT phone FROM users WHERE id={uid}", exact=phone)]},
            solution=[
                click("All customers"),
                click(person.full_name),
                fill("Phone", phone),
                button("Save customer"),
                answer("Done"),
            ],
        )


BESTSELLERS = q(
    "shop",
    "SELECT p.id, p.name, SUM(i.qty) AS units, SUM(i.qty * i.price_cents) AS revenue FROM order_items i "
    "JOIN products p ON p.id=i.product_id JOIN orders o ON o.id=i.order_id WHERE o.status<>'Canceled' "
    "GROUP BY p.id ORDER BY units DESC, revenue DESC, p.id LIMIT 40",
)


@template
def admin_bestseller_rank() -> Iterator[dict]:
    for rank in (1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 2, 5):
        b = BESTSELLERS[rank - 1]
        yield task(
            "admin.bestseller_rank",
            ["admin"],
            ADMIN + "/",
            "Which product is number {{rank}} on the store's bestsellers report?",
            {"rank": rank},
            login=True,
            evals={"reference_answers": {"must_include": [b["name"]]}},
            solution=[click("Bestsellers"), answer(b["name"])],
        )


REVIEWS = q(
    "shop",
    "SELECT r.*, p.name AS product FROM reviews r JOIN products p ON p.id=r.product_id WHERE "
    "(SELECT COUNT(*) FROM reviews s WHERE s.product_id=r.product_id AND s.author=r.author)=1 ORDER BY r.id",
)


@template
def admin_delete_review() -> Iterator[dict]:
    seen: set[str] = set()
    chosen = []
    for r in pick(REVIEWS, 40, 17, 3):
        if r["product"] not in seen and r["author"] not in {c["author"] for c in chosen}:
            seen.add(r["product"])
            chosen.append(r)
    for r in chosen[:12]:
        yield task(
            "admin.delete_review",
            ["admin"],
            ADMIN + "/",
            "Delete the review that {{author}} wrote about the {{product}}.",
            {"author": r["author"], "product": r["product"]},
            login=True,
            evals={"program_html": [sql_check("admin", f"SELECT COUNT(*) FROM reviews WHERE id={r['id']}", exact="0")]},
            solution=[
                click("Reviews"),
                fill("Search reviews", r["product"]),
                button("Search"),
                click(f"Open review {r['id']}"),
                button("Delete review"),
                answer("Done"),
            ],
        )


@template(unseen=True)
def admin_status_count() -> Iterator[dict]:
    for status in ("Pending", "Shipped", "Canceled"):
        n = q("shop", "SELECT COUNT(*) AS n FROM orders WHERE status=?", status)[0]["n"]
        yield task(
            "admin.orders_with_status",
            ["admin"],
            ADMIN + "/",
            "How many orders in the store have the status {{status}}?",
            {"status": status},
            login=True,
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click("Sales report"), answer(str(n))],
        )


@template(unseen=True)
def admin_canceled_by_customer() -> Iterator[dict]:
    for uid in (2, 4, 6):
        person = data.PEOPLE[uid - 1]
        n = q("shop", "SELECT COUNT(*) AS n FROM orders WHERE user_id=? AND status='Canceled'", uid)[0]["n"]
        yield task(
            "admin.customer_canceled_orders",
            ["admin"],
            ADMIN + "/",
            "How many of the orders of the customer {{customer}} were canceled?",
            {"customer": person.full_name},
            login=True,
            evals={"reference_answers": {"exact_match": str(n)}},
            solution=[click("All customers"), click(person.full_name), answer(str(n))],
        )


@template(unseen=True)
def admin_month_revenue() -> Iterator[dict]:
    months = q(
        "shop",
        "SELECT substr(created, 1, 7) AS month, SUM(total_cents) AS total FROM orders WHERE status<>'Canceled' "
        "GROUP BY month ORDER BY month",
    )
    for m in (months[1], months[4], months[7]):
        yield task(
            "admin.month_revenue",
            ["admin"],
            ADMIN + "/",
            "What was the store's revenue in {{month}}, not counting canceled orders?",
            {"month": m["month"]},
            login=True,
            evals={"reference_answers": {"must_include": [money(m["total"])]}},
            solution=[click("Sales report"), answer(money(m["total"]))],
        )


@template(unseen=True)
def cross_stock_to_forum() -> Iterator[dict]:
    for p, c in zip(products(3, salt="stock-forum"), ("diy", "technology", "cooking"), strict=True):
        yield task(
            "cross.stock_to_forum",
            ["admin", "forum"],
            ADMIN + "/",
            "Check in the admin panel how many units of the {{product}} are in stock, then create a post in the "
            f"{{{{community}}}} community of the forum ({FORUM}) titled '{{{{product}}}} stock' whose text is "
            "that number.",
            {"product": p["name"], "community": c},
            login=True,
            evals={"program_html": [new_post_check(f"{p['name']} stock / {p['stock']}")]},
            solution=[*find_product(p["name"]), *submit_post(c, f"{p['name']} stock", str(p["stock"]))],
        )
