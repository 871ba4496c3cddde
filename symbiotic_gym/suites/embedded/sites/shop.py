"""The embedded shop: catalog, search, reviews, accounts, cart, checkout and order history."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

from symbiotic_gym.suites.embedded import art, data
from symbiotic_gym.suites.embedded.layout import (
    Chrome,
    info_links,
    install_info_pages,
    pager,
    paginate,
    sidebar_section,
)
from symbiotic_gym.suites.embedded.sites.common import (
    alert,
    change_password,
    esc,
    field,
    form,
    install_auth,
    link,
    money,
    notice,
    password_form,
    password_hash,
    seed_sessions,
    select,
    session_token,
    table,
)
from symbiotic_gym.suites.embedded.webapp import App, HTTPError, Request, Response, redirect

SCHEMA = """
CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT UNIQUE, full_name TEXT, email TEXT, phone TEXT,
                   password_hash TEXT);
CREATE TABLE sessions(token TEXT PRIMARY KEY, user_id INTEGER);
CREATE TABLE addresses(user_id INTEGER PRIMARY KEY, street TEXT, city TEXT, state TEXT, zip TEXT);
CREATE TABLE saved_cards(id INTEGER PRIMARY KEY, user_id INTEGER, brand TEXT, last4 TEXT, exp TEXT);
CREATE TABLE categories(id INTEGER PRIMARY KEY, name TEXT, slug TEXT);
CREATE TABLE products(id INTEGER PRIMARY KEY, sku TEXT, name TEXT UNIQUE, category_id INTEGER,
                      price_cents INTEGER, description TEXT, stock INTEGER);
CREATE TABLE reviews(id INTEGER PRIMARY KEY, product_id INTEGER, author TEXT, rating INTEGER, title TEXT,
                     body TEXT);
CREATE TABLE cart_items(user_id INTEGER, product_id INTEGER, qty INTEGER, PRIMARY KEY(user_id, product_id));
CREATE TABLE orders(id INTEGER PRIMARY KEY, user_id INTEGER, created TEXT, status TEXT, total_cents INTEGER,
                    ship_name TEXT, ship_street TEXT, ship_city TEXT, ship_state TEXT, ship_zip TEXT,
                    card_last4 TEXT);
CREATE TABLE order_items(order_id INTEGER, product_id INTEGER, qty INTEGER, price_cents INTEGER);
CREATE TABLE admin_users(id INTEGER PRIMARY KEY, username TEXT UNIQUE, full_name TEXT, email TEXT,
                         password_hash TEXT);
CREATE TABLE admin_sessions(token TEXT PRIMARY KEY, user_id INTEGER);
CREATE INDEX reviews_product ON reviews(product_id);
CREATE INDEX order_items_order ON order_items(order_id);
CREATE INDEX products_category ON products(category_id);
"""


def seed(conn: sqlite3.Connection) -> None:
    for i, p in enumerate(data.PEOPLE, start=1):
        conn.execute(
            "INSERT INTO users VALUES (?,?,?,?,?,?)",
            (i, p.username, p.full_name, p.email, p.phone, password_hash(p.username, p.password)),
        )
        conn.execute("INSERT INTO addresses VALUES (?,?,?,?,?)", (i, p.street, p.city, p.state, p.zip))
        card = data.CARDS[i - 1][0]
        conn.execute(
            "INSERT INTO saved_cards(user_id, brand, last4, exp) VALUES (?,?,?,?)",
            (i, "Visa" if card.startswith("4") else "Mastercard", card[-4:], data.CARDS[i - 1][1]),
        )
    seed_sessions(conn, "shop")
    r = data.rng("shop")
    pid = 0
    for cid, (cat, nouns) in enumerate(data.CATEGORIES, start=1):
        conn.execute("INSERT INTO categories VALUES (?,?,?)", (cid, cat, cat.lower().replace(" ", "-")))
        for noun in nouns:
            for adj in r.sample(data.ADJECTIVES, 5):
                pid += 1
                price = r.randrange(499, 19999)
                conn.execute(
                    "INSERT INTO products VALUES (?,?,?,?,?,?,?)",
                    (
                        pid,
                        f"SG-{cid:02d}{pid:04d}",
                        f"{adj} {noun}",
                        cid,
                        price,
                        f"A {adj.lower()} {noun.lower()} from our {cat.lower()} range.",
                        r.randrange(0, 60),
                    ),
                )
                for _ in range(r.randrange(0, 6)):
                    title, body = r.choice(data.REVIEW_LINES)
                    conn.execute(
                        "INSERT INTO reviews(product_id, author, rating, title, body) VALUES (?,?,?,?,?)",
                        (pid, r.choice(data.FORUM_USERS), r.randrange(1, 6), title, body),
                    )
    for oid in range(1, N_ORDERS + 1):
        uid = (oid - 1) % len(data.PEOPLE) + 1
        p = data.PEOPLE[uid - 1]
        items = [(r.randrange(1, pid + 1), r.randrange(1, 4)) for _ in range(r.randrange(1, 4))]
        total = 0
        for prod, qty in items:
            price = conn.execute("SELECT price_cents FROM products WHERE id=?", (prod,)).fetchone()[0]
            conn.execute("INSERT INTO order_items VALUES (?,?,?,?)", (oid, prod, qty, price))
            total += price * qty
        conn.execute(
            "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                oid,
                uid,
                f"2026-{(oid % 9) + 1:02d}-{(oid * 7) % 27 + 1:02d}",
                r.choice(("Delivered", "Delivered", "Shipped", "Processing", "Pending", "Canceled")),
                total,
                p.full_name,
                p.street,
                p.city,
                p.state,
                p.zip,
                data.CARDS[uid - 1][0][-4:],
            ),
        )

    for i, (username, full_name, password) in enumerate(ADMINS, start=1):
        conn.execute(
            "INSERT INTO admin_users VALUES (?,?,?,?,?)",
            (i, username, full_name, f"{username}@onestopmarket.example", password_hash(username, password)),
        )
        conn.execute("INSERT INTO admin_sessions VALUES (?,?)", (session_token("admin", username), i))


N_ORDERS = 96  # sixteen per customer: enough of emma's own for a template's train and test values
ADMINS = (("admin", "Store Administrator", "Admin!Panel2026"), ("jordan.ops", "Jordan Reyes", "Ops#Desk4477"))
PAGE_SIZE = 12

app = App("shop", "One Stop Market", SCHEMA, seed)
install_auth(app)
app.nav = lambda req: [("Cart", "/cart"), ("My orders", "/orders"), ("My account", "/account")]

SEARCH_FORM = form("/search", field("Search products", "q"), "Search", method="get", label="Product search")


def _categories(req: Request) -> list[sqlite3.Row]:
    return req.db.execute(
        "SELECT c.*, (SELECT COUNT(*) FROM products p WHERE p.category_id=c.id) AS n FROM categories c ORDER BY c.name"
    ).fetchall()


def _sidebar(req: Request) -> str:
    cats = _categories(req)
    return (
        "<h2>Shop by category</h2><ul>"
        + "".join(
            f"<li>{link('/category/' + c['slug'], c['name'])} <span class='muted'>({c['n']})</span></li>" for c in cats
        )
        + "</ul>"
        + "<h2>Bestsellers</h2><ol>"
        + "".join(
            f"<li>{link('/product/' + str(b['id']), b['name'])} "
            f"<span class='muted'>{money(b['price_cents'])}</span></li>"
            for b in req.db.execute(
                "SELECT p.id, p.name, p.price_cents FROM products p JOIN order_items i ON i.product_id=p.id "
                "GROUP BY p.id ORDER BY SUM(i.qty) DESC, p.id LIMIT 5"
            )
        )
        + "</ol>"
        + sidebar_section("Customer service", info_links("Shipping rates", "Returns and refunds", "Track a package"))
        + "<h2>Newsletter</h2>"
        + form("/newsletter", field("Your e-mail", "newsletter_email", kind="email"), "Subscribe", label="Newsletter")
    )


app.chrome = Chrome(
    accent="#c2410c",
    topbar=(
        ("Free returns within 30 days", "/info/returns-and-refunds"),
        ("Gift cards", "/info/gift-cards"),
        ("Store locator", "/info/store-locator"),
    ),
    menus=lambda req: (
        ("Departments", [(c["name"], "/category/" + c["slug"]) for c in _categories(req)]),
        ("Deals", info_links("Today's deals", "Clearance", "Bundles")),
        ("Help", info_links("Shipping rates", "Returns and refunds", "Contact us")),
    ),
    search=SEARCH_FORM,
    sidebar=_sidebar,
    promo="Free standard shipping on orders over $50. Use code WELCOME10 for 10% off your first order.",
    footer=(
        ("About us", info_links("Our story", "Careers", "Press", "Sustainability", "Investors", "Affiliates")),
        (
            "Customer service",
            info_links("Contact us", "Shipping rates", "Returns and refunds", "Track a package", "FAQ", "Warranty"),
        ),
        ("Shopping", info_links("Gift cards", "Store locator", "Today's deals", "Clearance", "Bundles", "Wish list")),
        ("Legal", info_links("Privacy policy", "Terms of use", "Cookie settings", "Accessibility", "Site map")),
    ),
    shortcuts=(("/", "Focus the search box"), ("g c", "Go to the cart"), ("g o", "Go to my orders")),
)
install_info_pages(app)


@app.route("POST", "/newsletter")
def newsletter(req: Request) -> Response:
    return redirect("/?msg=Thanks+for+subscribing")


def product_cards(rows: list[sqlite3.Row]) -> str:
    """A grid of products with picture, name, price, rating (the catalog's listing look)."""
    cards = []
    for p in rows:
        rating = f"Rating {p['avg']:.1f} of 5" if p["avg"] is not None else "No reviews"
        cards.append(
            f'<li class="card">{art.img(p["name"], p["name"])}{link("/product/" + str(p["id"]), p["name"])}'
            f"<p>{money(p['price_cents'])}</p><p class='muted'>{rating}</p>"
            f'<form method="post" action="/cart/add/{p["id"]}" class="inline"><input type="hidden" name="qty" '
            'value="1"><button type="submit">Add to cart</button></form> '
            f'<a href="/info/wish-list" aria-label="Add {esc(p["name"])} to wish list">♡</a></li>'
        )
    return '<ul class="grid">' + "".join(cards) + "</ul>"


def product_rows(rows: list[sqlite3.Row]) -> str:
    return table(
        ["Product", "Price", "Rating"],
        [
            (
                link(f"/product/{p['id']}", p["name"]),
                money(p["price_cents"]),
                f"{p['avg']:.1f}" if p["avg"] is not None else "No reviews",
            )
            for p in rows
        ],
    )


PRODUCT_SELECT = "SELECT p.*, (SELECT AVG(rating) FROM reviews r WHERE r.product_id = p.id) AS avg FROM products p "


@app.route("GET", "/")
def home(req: Request) -> str:
    featured = req.db.execute(PRODUCT_SELECT + "WHERE p.id % 29 = 3 ORDER BY p.id LIMIT 12").fetchall()
    body = notice(req) + "<h2>Featured products</h2>" + product_cards(featured)
    return app.page(req, "Welcome to One Stop Market", body)


@app.route("GET", "/search")
def search(req: Request) -> str:
    q = req.arg("q")
    rows = req.db.execute(PRODUCT_SELECT + "WHERE p.name LIKE ? ORDER BY p.name", (f"%{q}%",)).fetchall()
    shown, page, pages = paginate(req, rows, PAGE_SIZE)
    body = (
        f"<p>{len(rows)} results for “{esc(q)}”</p>"
        + product_cards(shown)
        + pager(f"/search?q={quote(q)}", page, pages, sep="&")
    )
    return app.page(req, "Search results", body, crumbs=(("Home", "/"), ("Search results", "")))


@app.route("GET", r"/category/(?P<slug>[\w-]+)")
def category(req: Request) -> str:
    cat = req.db.execute("SELECT * FROM categories WHERE slug=?", (req.params["slug"],)).fetchone()
    if cat is None:
        raise HTTPError(404, "Unknown category")
    order = {"price": "p.price_cents ASC", "price_desc": "p.price_cents DESC", "rating": "avg DESC"}.get(
        req.query.get("sort", ""), "p.name ASC"
    )
    rows = req.db.execute(PRODUCT_SELECT + f"WHERE p.category_id=? ORDER BY {order}, p.name", (cat["id"],)).fetchall()
    sort = req.query.get("sort", "")
    shown, page, pages = paginate(req, rows, PAGE_SIZE)
    base = f"/category/{cat['slug']}" + (f"?sort={sort}" if sort else "")
    sorts = " ".join(
        link(f"/category/{cat['slug']}?sort={k}", t)
        for k, t in (
            ("name", "Sort by name"),
            ("price", "Sort by price: low to high"),
            ("price_desc", "Sort by price: high to low"),
            ("rating", "Sort by rating"),
        )
    )
    body = (
        f"<p>{len(rows)} products</p><p>{sorts}</p>"
        + product_cards(shown)
        + pager(base, page, pages, sep="&" if sort else "?")
    )
    return app.page(req, cat["name"], body, crumbs=(("Home", "/"), (cat["name"], "")))


@app.route("GET", r"/product/(?P<pid>\d+)")
def product(req: Request) -> str:
    p = req.db.execute(PRODUCT_SELECT + "WHERE p.id=?", (req.params["pid"],)).fetchone()
    if p is None:
        raise HTTPError(404, "Unknown product")
    reviews = req.db.execute("SELECT * FROM reviews WHERE product_id=? ORDER BY id", (p["id"],)).fetchall()
    rating = f"Average rating: {p['avg']:.1f} out of 5 ({len(reviews)} reviews)" if reviews else "No reviews yet"
    cat = req.db.execute("SELECT * FROM categories WHERE id=?", (p["category_id"],)).fetchone()
    related = req.db.execute(
        PRODUCT_SELECT + "WHERE p.category_id=? AND p.id<>? ORDER BY (p.id * 7) % 13, p.id LIMIT 6",
        (p["category_id"], p["id"]),
    ).fetchall()
    body = (
        notice(req)
        + art.img(p["name"], p["name"], width=240, height=240, cls="hero")
        + f"<p>Price: {money(p['price_cents'])}</p><p>SKU: {esc(p['sku'])}</p><p>{esc(p['description'])}</p>"
        + f"<p>In stock: {p['stock']}</p><p>{rating}</p>"
        + form(f"/cart/add/{p['id']}", field("Quantity", "qty", 1, kind="number"), "Add to cart")
        + "<h2>Reviews</h2>"
        + "".join(
            f"<article><h3>{esc(r['title'])}</h3><p>Rating: {r['rating']} of 5 by {esc(r['author'])}</p>"
            f"<p>{esc(r['body'])}</p></article>"
            for r in reviews
        )
        + "<h2>Write a review</h2>"
        + form(
            f"/product/{p['id']}/review",
            select("Rating", "rating", [(str(i), f"{i} stars") for i in range(5, 0, -1)])
            + field("Review title", "title")
            + field("Review", "body", kind="textarea"),
            "Submit review",
        )
        + "<h2>Customers also viewed</h2>"
        + product_cards(related)
    )
    crumbs = (("Home", "/"), (cat["name"], f"/category/{cat['slug']}"), (p["name"], ""))
    return app.page(req, p["name"], body, crumbs=crumbs)


@app.route("POST", r"/product/(?P<pid>\d+)/review", login=True)
def add_review(req: Request) -> Response:
    rating = int(req.arg("rating") or 0)
    if not 1 <= rating <= 5 or not req.arg("title"):
        return redirect(f"/product/{req.params['pid']}?msg=Please+give+a+rating+and+a+title")
    req.db.execute(
        "INSERT INTO reviews(product_id, author, rating, title, body) VALUES (?,?,?,?,?)",
        (req.params["pid"], req.user["username"], rating, req.arg("title"), req.arg("body")),
    )
    return redirect(f"/product/{req.params['pid']}?msg=Thanks+for+your+review")


@app.route("POST", r"/cart/add/(?P<pid>\d+)", login=True)
def cart_add(req: Request) -> Response:
    qty = max(1, int(req.arg("qty") or 1))
    req.db.execute(
        "INSERT INTO cart_items VALUES (?,?,?) ON CONFLICT(user_id, product_id) DO UPDATE SET qty = qty + excluded.qty",
        (req.user["id"], req.params["pid"], qty),
    )
    return redirect(f"/product/{req.params['pid']}?msg=Added+to+cart")


def cart_lines(req: Request) -> list[sqlite3.Row]:
    return req.db.execute(
        "SELECT p.id, p.name, p.price_cents, c.qty FROM cart_items c JOIN products p ON "
        "p.id=c.product_id WHERE c.user_id=? ORDER BY p.name",
        (req.user["id"],),
    ).fetchall()


@app.route("GET", "/cart", login=True)
def cart(req: Request) -> str:
    lines = cart_lines(req)
    if not lines:
        return app.page(req, "Shopping cart", notice(req) + "<p>Your cart is empty.</p>")
    total = sum(r["price_cents"] * r["qty"] for r in lines)
    body = (
        notice(req)
        + table(
            ["Product", "Quantity", "Price"],
            [
                (link(f"/product/{r['id']}", r["name"]), str(r["qty"]), money(r["price_cents"] * r["qty"]))
                for r in lines
            ],
        )
        + f"<p>Subtotal: {money(total)}</p>"
        + link("/checkout", "Proceed to checkout")
    )
    return app.page(req, "Shopping cart", body)


@app.route("GET", "/checkout", login=True)
def checkout_page(req: Request) -> str:
    lines = cart_lines(req)
    if not lines:
        return app.page(req, "Checkout", "<p>Your cart is empty.</p>")
    a = req.db.execute("SELECT * FROM addresses WHERE user_id=?", (req.user["id"],)).fetchone()
    card = req.db.execute("SELECT * FROM saved_cards WHERE user_id=?", (req.user["id"],)).fetchone()
    total = sum(r["price_cents"] * r["qty"] for r in lines)
    err = alert(req)
    body = (
        err
        + f"<p>Order total: {money(total)}</p>"
        + form(
            "/checkout",
            "<fieldset><legend>Shipping address</legend>"
            + field("Full name", "ship_name", req.user["full_name"])
            + field("Street", "street", a["street"] if a else "")
            + field("City", "city", a["city"] if a else "")
            + field("State", "state", a["state"] if a else "")
            + field("ZIP code", "zip", a["zip"] if a else "")
            + "</fieldset><fieldset><legend>Payment</legend>"
            + select(
                "Payment method",
                "method",
                [("saved", f"Saved {card['brand']} ending in {card['last4']}"), ("new", "New card")],
            )
            + field("Card number", "card_number")
            + field("Expiry date (MM/YY)", "card_exp")
            + field("Security code", "card_cvc")
            + "</fieldset>",
            "Place order",
        )
    )
    return app.page(req, "Checkout", body)


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 13 or len(digits) != len([c for c in number if c not in " -"]):
        return False
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
    return total % 10 == 0


@app.route("POST", "/checkout", login=True)
def checkout(req: Request) -> Response:
    lines = cart_lines(req)
    if not lines:
        return redirect("/cart")
    if req.arg("method") == "new":
        number = req.arg("card_number")
        if not luhn_ok(number) or not req.arg("card_exp") or not req.arg("card_cvc"):
            return redirect("/checkout?error=Please+enter+a+valid+card+number,+expiry+and+security+code")
        last4 = "".join(c for c in number if c.isdigit())[-4:]
    else:
        last4 = req.db.execute("SELECT last4 FROM saved_cards WHERE user_id=?", (req.user["id"],)).fetchone()[0]
    if not all(req.arg(k) for k in ("ship_name", "street", "city", "state", "zip")):
        return redirect("/checkout?error=Please+complete+the+shipping+address")
    total = sum(r["price_cents"] * r["qty"] for r in lines)
    cur = req.db.execute(
        "INSERT INTO orders(user_id, created, status, total_cents, ship_name, ship_street, ship_city, ship_state, "
        "ship_zip, card_last4) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            req.user["id"],
            "2026-11-24",
            "Processing",
            total,
            req.arg("ship_name"),
            req.arg("street"),
            req.arg("city"),
            req.arg("state"),
            req.arg("zip"),
            last4,
        ),
    )
    for r in lines:
        req.db.execute("INSERT INTO order_items VALUES (?,?,?,?)", (cur.lastrowid, r["id"], r["qty"], r["price_cents"]))
    req.db.execute("DELETE FROM cart_items WHERE user_id=?", (req.user["id"],))
    return redirect(f"/orders/{cur.lastrowid}?msg=Thank+you+for+your+order")


@app.route("GET", "/orders", login=True)
def orders(req: Request) -> str:
    rows = req.db.execute("SELECT * FROM orders WHERE user_id=? ORDER BY id DESC", (req.user["id"],)).fetchall()
    body = table(
        ["Order", "Date", "Status", "Total"],
        [
            (
                link(f"/orders/{o['id']}", f"Order #{o['id']}"),
                esc(o["created"]),
                esc(o["status"]),
                money(o["total_cents"]),
            )
            for o in rows
        ],
    )
    return app.page(req, "My orders", body)


@app.route("GET", r"/orders/(?P<oid>\d+)", login=True)
def order(req: Request) -> str:
    o = req.db.execute("SELECT * FROM orders WHERE id=? AND user_id=?", (req.params["oid"], req.user["id"])).fetchone()
    if o is None:
        raise HTTPError(404, "Unknown order")
    items = req.db.execute(
        "SELECT p.name, p.id, i.qty, i.price_cents FROM order_items i JOIN products p ON "
        "p.id=i.product_id WHERE i.order_id=?",
        (o["id"],),
    ).fetchall()
    body = notice(req) + (
        f"<p>Date: {esc(o['created'])}</p><p>Status: {esc(o['status'])}</p><p>Total: {money(o['total_cents'])}</p>"
        + table(
            ["Product", "Quantity", "Price"],
            [(link(f"/product/{i['id']}", i["name"]), str(i["qty"]), money(i["price_cents"])) for i in items],
        )
        + f"<p>Ship to: {esc(o['ship_name'])}, {esc(o['ship_street'])}, {esc(o['ship_city'])}, "
        f"{esc(o['ship_state'])} {esc(o['ship_zip'])}</p><p>Paid with card ending in {esc(o['card_last4'])}</p>"
    )
    return app.page(req, f"Order #{o['id']}", body)


@app.route("GET", "/account", login=True)
def account(req: Request) -> str:
    a = req.db.execute("SELECT * FROM addresses WHERE user_id=?", (req.user["id"],)).fetchone()
    body = notice(req) + (
        f"<p>Name: {esc(req.user['full_name'])}</p><p>Email: {esc(req.user['email'])}</p>"
        f"<p>Phone: {esc(req.user['phone'])}</p>"
        f"<p>Default shipping address: {esc(a['street'])}, {esc(a['city'])}, {esc(a['state'])} {esc(a['zip'])}</p>"
        "<ul>"
        + "".join(
            f"<li>{link(h, t)}</li>"
            for t, h in (
                ("Change password", "/account/password"),
                ("Edit address", "/account/address"),
                ("Edit contact information", "/account/contact"),
            )
        )
        + "</ul>"
    )
    return app.page(req, "My account", body)


@app.route("GET", "/account/password", login=True)
def password_page(req: Request) -> str:
    err = alert(req)
    return app.page(req, "Change password", err + password_form("/account/password"))


@app.route("POST", "/account/password", login=True)
def password_save(req: Request) -> Response:
    error = change_password(req)
    if error:
        return redirect("/account/password?error=" + error.replace(" ", "+"))
    return redirect("/account?msg=Your+password+has+been+changed")


@app.route("GET", "/account/address", login=True)
def address_page(req: Request) -> str:
    a = req.db.execute("SELECT * FROM addresses WHERE user_id=?", (req.user["id"],)).fetchone()
    return app.page(
        req,
        "Edit address",
        form(
            "/account/address",
            field("Street", "street", a["street"])
            + field("City", "city", a["city"])
            + field("State", "state", a["state"])
            + field("ZIP code", "zip", a["zip"]),
            "Save address",
        ),
    )


@app.route("POST", "/account/address", login=True)
def address_save(req: Request) -> Response:
    req.db.execute(
        "UPDATE addresses SET street=?, city=?, state=?, zip=? WHERE user_id=?",
        (req.arg("street"), req.arg("city"), req.arg("state"), req.arg("zip"), req.user["id"]),
    )
    return redirect("/account?msg=Address+saved")


@app.route("GET", "/account/contact", login=True)
def contact_page(req: Request) -> str:
    return app.page(
        req,
        "Edit contact information",
        form(
            "/account/contact",
            field("Email", "email", req.user["email"]) + field("Phone", "phone", req.user["phone"]),
            "Save contact information",
        ),
    )


@app.route("POST", "/account/contact", login=True)
def contact_save(req: Request) -> Response:
    req.db.execute("UPDATE users SET email=?, phone=? WHERE id=?", (req.arg("email"), req.arg("phone"), req.user["id"]))
    return redirect("/account?msg=Contact+information+saved")
