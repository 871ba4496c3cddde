"""Task templates that span two sites: read on one, write on the other."""

from __future__ import annotations

from collections.abc import Iterator

from symbiotic_gym.suites.embedded import data
from symbiotic_gym.suites.embedded.sites.common import money
from symbiotic_gym.suites.embedded.templates.base import (
    FORUM,
    ME,
    SHOP,
    TRACKER,
    answer,
    button,
    click,
    fill,
    sql_check,
    sqlq,
    task,
    template,
)
from symbiotic_gym.suites.embedded.templates.forum import new_post_check, submit_post
from symbiotic_gym.suites.embedded.templates.shop import products, search_product


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
