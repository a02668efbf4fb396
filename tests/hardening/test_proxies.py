"""Client addresses come from trusted proxies only.

A client that reaches gunicorn directly and sends its own ``X-Forwarded-For`` must not walk past
the per-address limits or forge the address moderators see; a configured proxy's header is read.
"""

from __future__ import annotations

import ipaddress

import pytest
from sqlalchemy import select

from hublet.extensions import db
from hublet.models import Comment, ContactMessage
from hublet.proxies import client_address, parse_networks
from tests.builders import make_article, make_moderator
from tests.comments.helpers import form_token
from tests.conftest import csrf_token

PROXY = "10.0.0.2"
DIRECT = "198.51.100.23"  # a client that reached gunicorn without the proxy


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """One nginx on the private network in front, as docs/deploy.md sets it up."""
    return {**app_config, "TRUSTED_PROXIES": 1, "TRUSTED_PROXY_NETWORKS": "10.0.0.0/8"}


def forged(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"203.0.113.{n}"}


def test_a_direct_client_cannot_rotate_past_the_login_limit(app, client, ctx):
    make_moderator("mod")
    token = csrf_token(client, "/moderation/login")
    statuses = []
    for n in range(8):
        response = client.post(
            "/moderation/login",
            data={"username": "mod", "password": "wrong password!", "csrf_token": token},
            headers=forged(n),
            environ_base={"REMOTE_ADDR": DIRECT},
        )
        statuses.append(response.status_code)
    assert 429 in statuses, statuses  # 5 a minute per address: the sixth try is refused


def test_a_direct_client_cannot_rotate_past_the_search_limit(app, client, ctx):
    app.config["SEARCH_RATE_LIMIT"] = "3 per minute"
    statuses = [
        client.get(
            f"/search?q=harbour{n}", headers=forged(n), environ_base={"REMOTE_ADDR": DIRECT}
        ).status_code
        for n in range(6)
    ]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429, 429], statuses


def test_the_stored_address_of_a_direct_client_is_its_own(app, client, ctx):
    make_article("Harbour reopens", slug="harbour-reopens")
    direct = {"REMOTE_ADDR": DIRECT}
    token = form_token(client, "harbour-reopens")
    client.post(
        "/article/harbour-reopens/comments",
        data={
            "name": "Ann Reader",
            "email": "ann@example.com",
            "website": "",
            "comment": "A perfectly ordinary comment.",
            "parent_id": "",
            "phone": "",
            "csrf_token": token,
        },
        headers=forged(1),
        environ_base=direct,
    )
    token = csrf_token(client, "/contact-us")
    client.post(
        "/contact-us",
        data={
            "name": "Ann Reader",
            "email": "ann@example.com",
            "subject": "Hello",
            "message": "A question about an article.",
            "csrf_token": token,
        },
        headers=forged(2),
        environ_base=direct,
    )
    assert db.session.scalars(select(Comment.ip_address)).all() == [DIRECT]
    assert db.session.scalars(select(ContactMessage.ip_address)).all() == [DIRECT]


def test_a_configured_proxys_forwarded_for_is_honoured(app, client, ctx):
    make_article("Harbour reopens", slug="harbour-reopens")
    via_proxy = {"REMOTE_ADDR": PROXY}
    token = form_token(client, "harbour-reopens")
    client.post(
        "/article/harbour-reopens/comments",
        data={
            "name": "Ann Reader",
            "email": "ann@example.com",
            "website": "",
            "comment": "A perfectly ordinary comment.",
            "parent_id": "",
            "phone": "",
            "csrf_token": token,
        },
        # nginx's $proxy_add_x_forwarded_for: what the client sent, then the address it saw.
        headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.50"},
        environ_base=via_proxy,
    )
    assert db.session.scalars(select(Comment.ip_address)).all() == ["203.0.113.50"]
    # Each reader behind the proxy has a limit of their own.
    app.config["SEARCH_RATE_LIMIT"] = "2 per minute"
    statuses = [
        client.get("/search?q=harbour", headers=forged(n % 3), environ_base=via_proxy).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 6, statuses


def test_the_scheme_counts_only_from_a_proxy(app, client, ctx):
    make_article("Harbour reopens", slug="harbour-reopens")
    seen = []

    @app.before_request
    def note_scheme() -> None:
        from flask import request

        seen.append(request.scheme)

    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    client.get("/robots.txt", headers=headers, environ_base={"REMOTE_ADDR": DIRECT})
    client.get("/robots.txt", headers=headers, environ_base={"REMOTE_ADDR": PROXY})
    assert seen == ["http", "https"]


NETWORKS = parse_networks(["10.0.0.0/8", "127.0.0.1/32"])


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "max_hops", "expected"),
    [
        (DIRECT, "203.0.113.9", 0, DIRECT),  # not a proxy: its header is the client's own claim
        ("10.0.0.2", "203.0.113.9", 1, "203.0.113.9"),
        ("10.0.0.2", "1.1.1.1, 203.0.113.9", 1, "203.0.113.9"),  # the forged part is left of it
        ("10.0.0.2", "", 1, "10.0.0.2"),
        ("10.0.0.2", "not-an-address", 1, "10.0.0.2"),
        ("10.0.0.2", "203.0.113.9:5123", 1, "203.0.113.9"),
        ("10.0.0.2", "[2001:db8::7]:443", 1, "2001:db8::7"),
        ("127.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.3", 2, "203.0.113.9"),  # two proxies
        ("127.0.0.1", "10.0.0.9, 10.0.0.3", 1, "10.0.0.3"),  # at most max_hops are stepped over
        ("127.0.0.1", "1.1.1.1, 10.0.0.9, 10.0.0.3", 0, "1.1.1.1"),  # 0: every trusted hop
    ],
)
def test_the_client_is_the_rightmost_address_that_is_not_a_proxy(
    peer, forwarded_for, max_hops, expected
):
    client, _hops = client_address(peer, forwarded_for, NETWORKS, max_hops)
    assert client == expected
    ipaddress.ip_address(client)


def test_trusted_proxies_alone_trusts_a_proxy_on_this_host(app_config):
    from hublet import create_app

    app_config.pop("TRUSTED_PROXY_NETWORKS")
    site = create_app(app_config)
    seen = []

    @site.before_request
    def note_client() -> None:
        from flask import request

        seen.append(request.remote_addr)

    client = site.test_client()
    client.get("/robots.txt", headers=forged(7), environ_base={"REMOTE_ADDR": "127.0.0.1"})
    client.get("/robots.txt", headers=forged(8), environ_base={"REMOTE_ADDR": PROXY})
    assert seen == ["203.0.113.7", PROXY]
