"""The shop's admin panel (WebArena's shopping_admin): orders, products, customers, reviews and reports.

It serves the shop's own live database (``database_of="shop"``): a price changed here is the price the
shop shows, and an order placed in the shop appears here. Staff sign in with the shop's ``admin_users``.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote, urlencode

from symbiotic_gym.suites.embedded import art
from symbiotic_gym.suites.embedded.layout import Chrome, info_links, install_info_pages, pager, paginate
from symbiotic_gym.suites.embedded.sites import shop
from symbiotic_gym.suites.embedded.sites.common import (
    alert,
    esc,
    field,
    form,
    install_auth,
    link,
    money,
    notice,
    select,
    table,
)
from symbiotic_gym.suites.embedded.webapp import App, HTTPError, Request, Response, redirect

PAGE_SIZE = 20
STATUSES = ("Pending", "Processing", "Shipped", "Delivered", "Canceled")

app = App(
    "admin",
    "Store Admin",
    shop.SCHEMA,
    shop.seed,
    database_of="shop",
    users_table="admin_users",
    sessions_table="admin_sessions",
)
install_auth(app)
app.nav = lambda req: [("Dashboard", "/"), ("View the storefront", "/info/storefront")]
MENU = (  # the back office's menu, as wide as a real one: most entries are pages no task needs
    ("Sales", (("Orders", "/orders"), *info_links("Invoices", "Shipments", "Credit memos", "Transactions"))),
    ("Catalog", (("Products", "/products"), ("Add product", "/products/new"), *info_links("Categories"))),
    ("Customers", (("All customers", "/customers"), *info_links("Now online", "Customer groups"))),
    (
        "Marketing",
        (("Reviews", "/reviews"), *info_links("Catalog price rules", "Cart price rules", "Newsletter queue")),
    ),
    ("Content", info_links("Pages", "Blocks", "Widgets")),
    (
        "Reports",
        (
            ("Sales report", "/reports/sales"),
            ("Bestsellers", "/reports/bestsellers"),
            *info_links("Low stock", "Search terms", "Abandoned carts"),
        ),
    ),
    ("Stores", info_links("Configuration", "Tax rules", "Currency rates", "Product attributes")),
    ("System", info_links("Cache management", "Index management", "Import", "Export", "Integrations")),
)


def _sidebar(req: Request) -> str:
    menu = "".join(
        f"<h2>{esc(head)}</h2><ul>" + "".join(f"<li>{link(h, t)}</li>" for t, h in items) + "</ul>"
        for head, items in MENU
    )
    pending, processing = req.db.execute(
        "SELECT SUM(status='Pending'), SUM(status='Processing') FROM orders"
    ).fetchone()
    low = req.db.execute("SELECT COUNT(*) FROM products WHERE stock < 5").fetchone()[0]
    recent = req.db.execute("SELECT id, name, stock FROM products ORDER BY (id * 37) % 101 LIMIT 5").fetchall()
    return (
        menu
        + "<h2>Recently edited products</h2><ul>"
        + "".join(
            f"<li>{link('/products/' + str(r['id']), r['name'])} <span class='muted'>qty {r['stock']}</span></li>"
            for r in recent
        )
        + "</ul>"
        + "<h2>Store status</h2><ul>"
        + f"<li>Orders pending: {pending}</li><li>Orders processing: {processing}</li>"
        + f"<li>Products low in stock: {low}</li><li>Indexers: valid</li><li>Cache: enabled</li>"
        + "<li>Last index run: 2026-11-30 02:00</li><li>Cron jobs: running</li><li>Mode: production</li>"
        + "<li>Store version: 2.4 (offline)</li></ul>"
    )


app.chrome = Chrome(
    accent="#1e293b",
    topbar=(
        *info_links("System messages: 2", "Notifications", "Store health", "Admin guide"),
        ("Sign up for release announcements", "/info/release-notes"),
    ),
    search=form(
        "/info/global-search",
        field("Global search", "global_q")
        + select(
            "Store view",
            "view",
            [("default", "Default store view"), ("wholesale", "Wholesale store view"), ("outlet", "Outlet store view")],
        ),
        "Go",
        method="get",
        label="Global search",
    ),
    menus=lambda req: (
        ("Quick links", info_links("New invoice", "New credit memo")),
        ("Store", info_links("Default store view")),
        ("Account", info_links("Account settings", "Roles and permissions")),
    ),
    promo="Two indexers are scheduled to run tonight. One of your 2 system messages is critical: review it.",
    sidebar=_sidebar,
    footer=(
        ("Store Admin", info_links("Release notes", "Report an issue", "Account settings", "Roles and permissions")),
        ("Help", info_links("User guide", "Keyboard shortcuts", "Privacy policy", "Developer docs", "Partners")),
        ("Store views", info_links("Default store view", "Wholesale store view", "Outlet store view", "Global search")),
    ),
    shortcuts=(("g o", "Go to orders"), ("g p", "Go to products"), ("g c", "Go to customers")),
)
install_info_pages(app, login=True)  # staff only: every page but the sign-in form needs an admin session


def _query_base(path: str, **params: str) -> tuple[str, str]:
    kept = {k: v for k, v in params.items() if v}
    return (path + "?" + urlencode(kept), "&") if kept else (path, "?")


@app.route("GET", "/", login=True)
def dashboard(req: Request) -> str:
    db = req.db
    n_orders, revenue = db.execute("SELECT COUNT(*), SUM(total_cents) FROM orders WHERE status<>'Canceled'").fetchone()
    customers = db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    last = db.execute(
        "SELECT o.*, u.full_name FROM orders o JOIN users u ON u.id=o.user_id ORDER BY o.id DESC LIMIT 5"
    ).fetchall()
    best = _bestsellers(db, 5)
    body = (
        notice(req)
        + "<h2>Store statistics</h2>"
        + table(
            ["Lifetime sales", "Orders", "Customers", "Average order"],
            [(money(revenue or 0), str(n_orders), str(customers), money((revenue or 0) // max(1, n_orders)))],
        )
        + "<h2>Last orders</h2>"
        + table(
            ["Order", "Customer", "Total", "Status"],
            [
                (
                    link(f"/orders/{o['id']}", f"Order #{o['id']}"),
                    esc(o["full_name"]),
                    money(o["total_cents"]),
                    o["status"],
                )
                for o in last
            ],
        )
        + "<h2>Bestsellers</h2>"
        + table(["Product", "Units sold"], [(esc(b["name"]), str(b["units"])) for b in best])
        + "<h2>Top customers</h2>"
        + table(
            ["Customer", "Orders", "Spent"],
            [
                (esc(c["full_name"]), str(c["n"]), money(c["spent"]))
                for c in db.execute(
                    "SELECT u.full_name, COUNT(*) AS n, SUM(o.total_cents) AS spent FROM orders o JOIN users u ON "
                    "u.id=o.user_id WHERE o.status<>'Canceled' GROUP BY u.id ORDER BY spent DESC LIMIT 5"
                )
            ],
        )
        + "<h2>Low stock</h2>"
        + table(
            ["Product", "Quantity"],
            [
                (esc(p["name"]), str(p["stock"]))
                for p in db.execute("SELECT name, stock FROM products WHERE stock < 5 ORDER BY stock, id LIMIT 8")
            ],
        )
    )
    return app.page(req, "Dashboard", body)


# ---------------------------------------------------------------- orders
ORDER_SELECT = "SELECT o.*, u.full_name, u.username FROM orders o JOIN users u ON u.id=o.user_id "


@app.route("GET", "/orders", login=True)
def orders(req: Request) -> str:
    status, q = req.query.get("status", ""), req.arg("q")
    where, args = ["1"], []
    if status in STATUSES:
        where.append("o.status=?")
        args.append(status)
    if q:
        where.append("(CAST(o.id AS TEXT)=? OR u.full_name LIKE ?)")
        args += [q.lstrip("#"), f"%{q}%"]
    rows = req.db.execute(ORDER_SELECT + "WHERE " + " AND ".join(where) + " ORDER BY o.id DESC", args).fetchall()
    shown, page, pages = paginate(req, rows, PAGE_SIZE)
    base, sep = _query_base("/orders", status=status, q=q)
    filters = form(
        "/orders",
        field("Search orders", "q", q)
        + select("Order status", "status", [("", "Any status")] + [(s, s) for s in STATUSES], status),
        "Search",
        method="get",
        label="Order filters",
    )
    grid = table(
        ["Order", "Purchase date", "Bill-to name", "Ship-to city", "Grand total", "Status"],
        [
            (
                link(f"/orders/{o['id']}", f"Order #{o['id']}"),
                esc(o["created"]),
                esc(o["full_name"]),
                esc(o["ship_city"]),
                money(o["total_cents"]),
                esc(o["status"]),
            )
            for o in shown
        ],
    )
    body = notice(req) + filters + f"<p>{len(rows)} records found</p>" + grid + pager(base, page, pages, sep=sep)
    return app.page(req, "Orders", body, crumbs=(("Dashboard", "/"), ("Orders", "")))


def _order(req: Request) -> sqlite3.Row:
    o = req.db.execute(ORDER_SELECT + "WHERE o.id=?", (req.params["oid"],)).fetchone()
    if o is None:
        raise HTTPError(404, "This order no longer exists.")
    return o


@app.route("GET", r"/orders/(?P<oid>\d+)", login=True)
def order(req: Request) -> str:
    o = _order(req)
    items = req.db.execute(
        "SELECT p.name, p.sku, i.qty, i.price_cents FROM order_items i JOIN products p ON p.id=i.product_id "
        "WHERE i.order_id=?",
        (o["id"],),
    ).fetchall()
    body = (
        notice(req)
        + f"<h2>Order information</h2><p>Order date: {esc(o['created'])}</p><p>Order status: {esc(o['status'])}</p>"
        + f"<h2>Account information</h2><p>Customer name: {esc(o['full_name'])}</p>"
        + f"<p>Customer: {link('/customers/' + str(o['user_id']), o['username'])}</p>"
        + f"<h2>Shipping address</h2><p>{esc(o['ship_name'])}, {esc(o['ship_street'])}, {esc(o['ship_city'])}, "
        f"{esc(o['ship_state'])} {esc(o['ship_zip'])}</p>"
        + '<nav aria-label="Order actions"><ul>'
        + "".join(f"<li>{link(h, t)}</li>" for t, h in info_links("Print invoice", "Send e-mail", "Hold", "Reorder"))
        + "</ul></nav>"
        + f"<h2>Payment</h2><p>Card ending in {esc(o['card_last4'])}</p>"
        + "<h2>Items ordered</h2>"
        + table(
            ["Product", "SKU", "Qty", "Price", "Row total"],
            [
                (
                    esc(i["name"]),
                    esc(i["sku"]),
                    str(i["qty"]),
                    money(i["price_cents"]),
                    money(i["price_cents"] * i["qty"]),
                )
                for i in items
            ],
        )
        + "<h2>Order totals</h2>"
        + table(
            ["Subtotal", "Shipping and handling", "Tax", "Grand total", "Total paid", "Total refunded"],
            [(money(o["total_cents"]), "$0.00", "$0.00", money(o["total_cents"]), money(o["total_cents"]), "$0.00")],
        )
        + f"<p>Grand total: {money(o['total_cents'])}</p>"
        + "<h2>Order history</h2><ul>"
        + f"<li>{esc(o['created'])}: order placed (Pending)</li>"
        + (f"<li>Status changed to {esc(o['status'])}</li>" if o["status"] != "Pending" else "")
        + "<li>Customer notified by e-mail</li></ul>"
        + "<h2>Other orders of this customer</h2>"
        + table(
            ["Order", "Date", "Total", "Status"],
            [
                (
                    link(f"/orders/{r['id']}", f"Order #{r['id']}"),
                    esc(r["created"]),
                    money(r["total_cents"]),
                    r["status"],
                )
                for r in req.db.execute(
                    "SELECT * FROM orders WHERE user_id=? AND id<>? ORDER BY id DESC LIMIT 5", (o["user_id"], o["id"])
                )
            ],
        )
        + "<h2>Change status</h2>"
        + form(
            f"/orders/{o['id']}/status",
            select("Status", "status", [(s, s) for s in STATUSES], o["status"]),
            "Update status",
        )
    )
    crumbs = (("Dashboard", "/"), ("Orders", "/orders"), (f"Order #{o['id']}", ""))
    return app.page(req, f"Order #{o['id']}", body, crumbs=crumbs)


@app.route("POST", r"/orders/(?P<oid>\d+)/status", login=True)
def order_status(req: Request) -> Response:
    o = _order(req)
    status = req.arg("status")
    if status not in STATUSES:
        return redirect(f"/orders/{o['id']}?msg=Unknown+status")
    req.db.execute("UPDATE orders SET status=? WHERE id=?", (status, o["id"]))
    return redirect(f"/orders/{o['id']}?msg=The+order+status+has+been+updated")


# ---------------------------------------------------------------- products
PRODUCT_SELECT = "SELECT p.*, c.name AS category FROM products p JOIN categories c ON c.id=p.category_id "


def _category_options(req: Request) -> list[tuple[str, str]]:
    return [(str(c["id"]), c["name"]) for c in req.db.execute("SELECT * FROM categories ORDER BY name")]


@app.route("GET", "/products", login=True)
def products(req: Request) -> str:
    q, cat = req.arg("q"), req.query.get("category", "")
    where, args = ["1"], []
    if q:
        where.append("(p.name LIKE ? OR p.sku LIKE ?)")
        args += [f"%{q}%", f"%{q}%"]
    if cat.isdigit():
        where.append("p.category_id=?")
        args.append(int(cat))
    rows = req.db.execute(PRODUCT_SELECT + "WHERE " + " AND ".join(where) + " ORDER BY p.id", args).fetchall()
    shown, page, pages = paginate(req, rows, PAGE_SIZE)
    base, sep = _query_base("/products", q=q, category=cat)
    filters = form(
        "/products",
        field("Search by keyword", "q", q)
        + select("Category", "category", [("", "All categories"), *_category_options(req)], cat),
        "Search",
        method="get",
        label="Product filters",
    )
    grid = table(
        ["ID", "Thumbnail", "Name", "SKU", "Price", "Quantity", "Category"],
        [
            (
                str(p["id"]),
                art.img(p["name"], p["name"] + " thumbnail", width=40, height=40),
                link(f"/products/{p['id']}", p["name"]),
                esc(p["sku"]),
                money(p["price_cents"]),
                str(p["stock"]),
                esc(p["category"]),
            )
            for p in shown
        ],
    )
    body = (
        notice(req)
        + link("/products/new", "Add product")
        + filters
        + f"<p>{len(rows)} records found</p>"
        + grid
        + pager(base, page, pages, sep=sep)
    )
    return app.page(req, "Products", body, crumbs=(("Dashboard", "/"), ("Products", "")))


def _product_form(req: Request, action: str, p: sqlite3.Row | None) -> str:
    def v(key: str, default: object = "") -> object:
        return p[key] if p is not None else default

    price = f"{p['price_cents'] / 100:.2f}" if p is not None else ""
    return alert(req) + form(
        action,
        field("Product name", "name", v("name"))
        + field("SKU", "sku", v("sku"))
        + field("Price", "price", price)
        + field("Quantity", "stock", v("stock", 0), kind="number")
        + select("Category", "category_id", _category_options(req), str(v("category_id", "")))
        + field("Description", "description", v("description"), kind="textarea"),
        "Save product",
    )


def _product_values(req: Request) -> tuple[str, str, int, int, int, str] | str:
    name, sku = req.arg("name"), req.arg("sku")
    try:
        price = round(float(req.arg("price").lstrip("$").replace(",", "")) * 100)
        stock = int(req.arg("stock") or 0)
        category = int(req.arg("category_id"))
    except ValueError:
        return "Please enter a number for the price, the quantity and the category"
    if not name or not sku or price <= 0:
        return "A product needs a name, a SKU and a price above zero"
    return name, sku, price, stock, category, req.arg("description")


@app.route("GET", r"/products/(?P<pid>\d+)", login=True)
def product(req: Request) -> str:
    p = req.db.execute(PRODUCT_SELECT + "WHERE p.id=?", (req.params["pid"],)).fetchone()
    if p is None:
        raise HTTPError(404, "Unknown product")
    sold = req.db.execute("SELECT COALESCE(SUM(qty), 0) FROM order_items WHERE product_id=?", (p["id"],)).fetchone()[0]
    body = (
        notice(req)
        + art.img(p["name"], p["name"], width=120, height=120)
        + f"<p>Units sold: {sold}</p>"
        + _product_form(req, f"/products/{p['id']}", p)
        + "<h2>Recent orders of this product</h2>"
        + table(
            ["Order", "Date", "Qty", "Status"],
            [
                (link(f"/orders/{r['id']}", f"Order #{r['id']}"), esc(r["created"]), str(r["qty"]), r["status"])
                for r in req.db.execute(
                    "SELECT o.id, o.created, o.status, i.qty FROM order_items i JOIN orders o ON o.id=i.order_id "
                    "WHERE i.product_id=? ORDER BY o.id DESC LIMIT 5",
                    (p["id"],),
                )
            ],
        )
        + "<h2>Reviews of this product</h2><ul>"
        + "".join(
            f"<li>{esc(r['title'])}: {r['rating']} of 5 by {esc(r['author'])}</li>"
            for r in req.db.execute("SELECT * FROM reviews WHERE product_id=? ORDER BY id", (p["id"],))
        )
        + "</ul>"
    )
    crumbs = (("Dashboard", "/"), ("Products", "/products"), (p["name"], ""))
    return app.page(req, f"Edit {p['name']}", body, crumbs=crumbs)


@app.route("POST", r"/products/(?P<pid>\d+)", login=True)
def product_save(req: Request) -> Response:
    values = _product_values(req)
    if isinstance(values, str):
        return redirect(f"/products/{req.params['pid']}?error={quote(values)}")
    name, sku, price, stock, category, desc = values
    req.db.execute(
        "UPDATE products SET name=?, sku=?, price_cents=?, stock=?, category_id=?, description=? WHERE id=?",
        (name, sku, price, stock, category, desc, req.params["pid"]),
    )
    return redirect(f"/products/{req.params['pid']}?msg=You+saved+the+product")


@app.route("GET", "/products/new", login=True)
def new_product_page(req: Request) -> str:
    crumbs = (("Dashboard", "/"), ("Products", "/products"), ("New product", ""))
    return app.page(req, "New product", _product_form(req, "/products/new", None), crumbs=crumbs)


@app.route("POST", "/products/new", login=True)
def new_product(req: Request) -> Response:
    values = _product_values(req)
    if isinstance(values, str):
        return redirect(f"/products/new?error={quote(values)}")
    if req.db.execute("SELECT 1 FROM products WHERE name=?", (values[0],)).fetchone():
        return redirect("/products/new?error=" + quote("A product with this name already exists"))
    cur = req.db.execute(
        "INSERT INTO products(name, sku, price_cents, stock, category_id, description) VALUES (?,?,?,?,?,?)", values
    )
    return redirect(f"/products/{cur.lastrowid}?msg=You+saved+the+product")


# ---------------------------------------------------------------- customers
@app.route("GET", "/customers", login=True)
def customers(req: Request) -> str:
    q = req.arg("q")
    rows = req.db.execute(
        "SELECT u.*, a.city, a.state FROM users u LEFT JOIN addresses a ON a.user_id=u.id "
        "WHERE u.full_name LIKE ? OR u.email LIKE ? ORDER BY u.id",
        (f"%{q}%", f"%{q}%"),
    ).fetchall()
    filters = form("/customers", field("Search customers", "q", q), "Search", method="get", label="Customer search")
    grid = table(
        ["ID", "Name", "Email", "Phone", "City", "State"],
        [
            (
                str(u["id"]),
                link(f"/customers/{u['id']}", u["full_name"]),
                esc(u["email"]),
                esc(u["phone"]),
                esc(u["city"] or ""),
                esc(u["state"] or ""),
            )
            for u in rows
        ],
    )
    body = notice(req) + filters + f"<p>{len(rows)} records found</p>" + grid
    return app.page(req, "Customers", body, crumbs=(("Dashboard", "/"), ("Customers", "")))


@app.route("GET", r"/customers/(?P<uid>\d+)", login=True)
def customer(req: Request) -> str:
    u = req.db.execute("SELECT * FROM users WHERE id=?", (req.params["uid"],)).fetchone()
    if u is None:
        raise HTTPError(404, "Unknown customer")
    a = req.db.execute("SELECT * FROM addresses WHERE user_id=?", (u["id"],)).fetchone()
    rows = req.db.execute("SELECT * FROM orders WHERE user_id=? ORDER BY id DESC", (u["id"],)).fetchall()
    body = (
        notice(req)
        + form(
            f"/customers/{u['id']}",
            field("Full name", "full_name", u["full_name"])
            + field("Email", "email", u["email"])
            + field("Phone", "phone", u["phone"])
            + field("Street", "street", a["street"] if a else "")
            + field("City", "city", a["city"] if a else "")
            + field("State", "state", a["state"] if a else "")
            + field("ZIP code", "zip", a["zip"] if a else ""),
            "Save customer",
        )
        + f"<h2>Orders ({len(rows)})</h2>"
        + table(
            ["Order", "Date", "Total", "Status"],
            [
                (
                    link(f"/orders/{o['id']}", f"Order #{o['id']}"),
                    esc(o["created"]),
                    money(o["total_cents"]),
                    o["status"],
                )
                for o in rows
            ],
        )
    )
    crumbs = (("Dashboard", "/"), ("Customers", "/customers"), (u["full_name"], ""))
    return app.page(req, u["full_name"], body, crumbs=crumbs)


@app.route("POST", r"/customers/(?P<uid>\d+)", login=True)
def customer_save(req: Request) -> Response:
    uid = req.params["uid"]
    req.db.execute(
        "UPDATE users SET full_name=?, email=?, phone=? WHERE id=?",
        (req.arg("full_name"), req.arg("email"), req.arg("phone"), uid),
    )
    req.db.execute(
        "UPDATE addresses SET street=?, city=?, state=?, zip=? WHERE user_id=?",
        (req.arg("street"), req.arg("city"), req.arg("state"), req.arg("zip"), uid),
    )
    return redirect(f"/customers/{uid}?msg=You+saved+the+customer")


# ---------------------------------------------------------------- reviews
@app.route("GET", "/reviews", login=True)
def reviews(req: Request) -> str:
    q = req.arg("q")
    rows = req.db.execute(
        "SELECT r.*, p.name AS product FROM reviews r JOIN products p ON p.id=r.product_id "
        "WHERE p.name LIKE ? OR r.author LIKE ? ORDER BY r.id DESC",
        (f"%{q}%", f"%{q}%"),
    ).fetchall()
    shown, page, pages = paginate(req, rows, PAGE_SIZE)
    base, sep = _query_base("/reviews", q=q)
    filters = form("/reviews", field("Search reviews", "q", q), "Search", method="get", label="Review search")
    grid = table(
        ["ID", "Product", "Author", "Rating", "Title", "Action"],
        [
            (
                str(r["id"]),
                esc(r["product"]),
                esc(r["author"]),
                str(r["rating"]),
                esc(r["title"]),
                link(f"/reviews/{r['id']}", f"Open review {r['id']}"),
            )
            for r in shown
        ],
    )
    body = notice(req) + filters + f"<p>{len(rows)} records found</p>" + grid + pager(base, page, pages, sep=sep)
    return app.page(req, "Reviews", body, crumbs=(("Dashboard", "/"), ("Reviews", "")))


@app.route("GET", r"/reviews/(?P<rid>\d+)", login=True)
def review(req: Request) -> str:
    r = req.db.execute(
        "SELECT r.*, p.name AS product FROM reviews r JOIN products p ON p.id=r.product_id WHERE r.id=?",
        (req.params["rid"],),
    ).fetchone()
    if r is None:
        raise HTTPError(404, "Unknown review")
    body = (
        f"<p>Product: {esc(r['product'])}</p><p>Author: {esc(r['author'])}</p><p>Rating: {r['rating']} of 5</p>"
        f"<p>Title: {esc(r['title'])}</p><p>{esc(r['body'])}</p>"
        + form(f"/reviews/{r['id']}/delete", "", "Delete review")
    )
    crumbs = (("Dashboard", "/"), ("Reviews", "/reviews"), (f"Review {r['id']}", ""))
    return app.page(req, f"Review {r['id']}", body, crumbs=crumbs)


@app.route("POST", r"/reviews/(?P<rid>\d+)/delete", login=True)
def review_delete(req: Request) -> Response:
    req.db.execute("DELETE FROM reviews WHERE id=?", (req.params["rid"],))
    return redirect("/reviews?msg=The+review+has+been+deleted")


# ---------------------------------------------------------------- reports
def _bestsellers(db: sqlite3.Connection, n: int) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT p.id, p.name, SUM(i.qty) AS units, SUM(i.qty * i.price_cents) AS revenue FROM order_items i "
        "JOIN products p ON p.id=i.product_id JOIN orders o ON o.id=i.order_id WHERE o.status<>'Canceled' "
        "GROUP BY p.id ORDER BY units DESC, revenue DESC, p.id LIMIT ?",
        (n,),
    ).fetchall()


@app.route("GET", "/reports/sales", login=True)
def sales_report(req: Request) -> str:
    rows = req.db.execute(
        "SELECT status, COUNT(*) AS n, SUM(total_cents) AS total FROM orders GROUP BY status ORDER BY status"
    ).fetchall()
    months = req.db.execute(
        "SELECT substr(created, 1, 7) AS month, COUNT(*) AS n, SUM(total_cents) AS total FROM orders "
        "WHERE status<>'Canceled' GROUP BY month ORDER BY month"
    ).fetchall()
    body = (
        "<h2>Orders by status</h2>"
        + table(["Status", "Orders", "Total"], [(esc(r["status"]), str(r["n"]), money(r["total"])) for r in rows])
        + "<h2>Sales by month</h2><p class='muted'>Canceled orders are not counted.</p>"
        + table(["Month", "Orders", "Revenue"], [(esc(m["month"]), str(m["n"]), money(m["total"])) for m in months])
    )
    return app.page(req, "Sales report", body, crumbs=(("Dashboard", "/"), ("Reports", ""), ("Sales report", "")))


@app.route("GET", "/reports/bestsellers", login=True)
def bestsellers(req: Request) -> str:
    rows = _bestsellers(req.db, 40)
    body = "<p class='muted'>Units sold in orders that were not canceled.</p>" + table(
        ["Rank", "Product", "Units sold", "Revenue"],
        [(str(k), esc(r["name"]), str(r["units"]), money(r["revenue"])) for k, r in enumerate(rows, start=1)],
    )
    return app.page(req, "Bestsellers", body, crumbs=(("Dashboard", "/"), ("Reports", ""), ("Bestsellers", "")))
