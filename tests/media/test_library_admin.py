"""The library as a newsroom uses it: search and filters, where each picture is used, deleting
only what no story uses (editors only), and describing a picture (its uploader or an editor)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media import library
from hublet.media.library import add_picture, use_as_hero
from hublet.models import Account, Article, AuditEntry, Picture
from tests.builders import make_article
from tests.conftest import csrf_token
from tests.media import pictures
from tests.newsroom.helpers import log_in, make_account

PAGE = "/newsroom/media/"


def _account_id(username: str) -> int:
    return db.session.scalars(select(Account.id).where(Account.username == username)).one()


def _picture(data: bytes, uploader: str | None = None, **text: str) -> int:
    uploader_id = _account_id(uploader) if uploader else None
    added = add_picture(data, uploader_id=uploader_id, **text)
    db.session.commit()
    return added.picture.id


def _loaded(picture_id: int) -> Picture:
    return db.session.scalars(
        select(Picture).where(Picture.id == picture_id).options(selectinload(Picture.variants))
    ).one()


@pytest.fixture
def shelf(app: Flask) -> dict[str, int]:
    """Three pictures: a harbour photo (rosa's, a story's hero), a market PNG (eddie's, shown in
    another story's text) and a field photo nobody uses (rosa's)."""
    make_account(app, "rosa", "author")
    make_account(app, "eddie", "editor")
    with app.app_context():
        harbour = _picture(
            pictures.photo(900, 600), "rosa", alt="Boats in the harbour", credit="AP"
        )
        market = _picture(pictures.png(), "eddie", alt="", caption="The Saturday market")
        field = _picture(pictures.photo(640, 480, (20, 160, 40)), "rosa", alt="A green field")
        hero_story = make_article("Harbour strike", slug="harbour-strike", status="draft")
        use_as_hero(hero_story, _loaded(harbour))
        key = next(v.key for v in _loaded(market).variants if v.format == "webp")
        make_article(
            "Market day",
            slug="market-day",
            body_html=f'<p>Stalls.</p><figure><img src="/media/{key}" alt="Stalls"></figure>',
        )
        db.session.commit()
        return {"harbour": harbour, "market": market, "field": field}


def _shown_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="picture-(\d+)"', html)]


def test_search_and_filters_narrow_the_library(
    app: Flask, client: FlaskClient, shelf: dict[str, int]
) -> None:
    log_in(client, "rosa")
    everything = client.get(PAGE).get_data(as_text=True)
    assert 'href="/newsroom/media/" aria-current="page">Media</a>' in everything  # the desk's menu
    assert _shown_ids(everything) == [shelf["field"], shelf["market"], shelf["harbour"]]

    def shown(query: str) -> list[int]:
        response = client.get(PAGE + "?" + query)
        assert response.status_code == 200
        return _shown_ids(response.get_data(as_text=True))

    assert shown("q=harbour") == [shelf["harbour"]]  # alt text
    assert shown("q=saturday") == [shelf["market"]]  # caption
    assert shown("q=AP") == [shelf["harbour"]]  # credit
    assert shown("q=green+field") == [shelf["field"]]  # every word
    assert shown("q=100%25") == []  # a LIKE wildcard is only a character
    assert shown("format=png") == [shelf["market"]]
    with app.app_context():
        eddie = _account_id("eddie")
    assert shown(f"uploader={eddie}") == [shelf["market"]]
    assert shown("unused=1") == [shelf["field"]]
    assert shown("unused=1&q=harbour") == []
    for bad in ("format=svg", "uploader=abc", "uploader=0", "unused=yes", "after=nonsense"):
        assert client.get(PAGE + "?" + bad).status_code == 404, bad

    # htmx asks for the grid alone, and the answer says it differs by that.
    partial = client.get(
        PAGE + "?q=harbour", headers={"HX-Request": "true", "HX-Request-Type": "partial"}
    )
    html = partial.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="media-grid"') and "<h1>" not in html
    assert "HX-Request" in partial.headers["Vary"]


def test_pages_go_on_by_cursor(
    app: Flask, client: FlaskClient, shelf: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library, "PER_PAGE", 2)
    log_in(client, "rosa")
    first = client.get(PAGE).get_data(as_text=True)
    assert _shown_ids(first) == [shelf["field"], shelf["market"]]
    older = re.search(r'href="([^"]+)">Older pictures', first)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert _shown_ids(second) == [shelf["harbour"]]
    assert "Older pictures" not in second


def test_each_picture_says_where_it_is_used(
    app: Flask, client: FlaskClient, shelf: dict[str, int]
) -> None:
    with app.app_context():
        ids = {slug: id_ for slug, id_ in db.session.execute(select(Article.slug, Article.id))}
    log_in(client, "eddie")
    html = client.get(PAGE).get_data(as_text=True)
    # Each picture's part of the page runs to the next picture's.
    parts = html.split('<li id="picture-')[1:]
    items = {int(part.split('"', 1)[0]): part for part in parts}
    harbour, market, field = items[shelf["harbour"]], items[shelf["market"]], items[shelf["field"]]
    assert "Used in 1 story" in harbour
    assert f'href="/newsroom/{ids["harbour-strike"]}/edit">Harbour strike</a>' in harbour
    assert "(hero, draft)" in harbour
    assert f'href="/newsroom/{ids["market-day"]}/edit">Market day</a>' in market
    assert "(in the text, published)" in market
    assert "Not used in any story" in field
    assert "No alt text yet" in market and "No alt text yet" not in harbour

    # The picture's own page says the same.
    page = client.get(f"{PAGE}{shelf['harbour']}").get_data(as_text=True)
    assert f'href="/newsroom/{ids["harbour-strike"]}/edit">Harbour strike</a>' in page


def _delete(client: FlaskClient, picture_id: int, token: str | None = None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token if token is not None else csrf_token(client, PAGE)}
    return client.post(f"{PAGE}{picture_id}/delete", data=data)


def test_an_editor_deletes_an_unused_picture_and_not_one_in_use(
    app: Flask, client: FlaskClient, shelf: dict[str, int]
) -> None:
    log_in(client, "eddie")
    for in_use in ("harbour", "market"):
        refused = _delete(client, shelf[in_use])
        assert refused.status_code == 409
        html = refused.get_data(as_text=True)
        assert "Not deleted: 1 story uses this picture" in html
    assert _delete(client, shelf["field"], token="forged").status_code == 400

    with app.app_context():
        assert db.session.get(Picture, shelf["harbour"]) is not None
        assert db.session.get(Picture, shelf["field"]) is not None
        pictures_audited = select(AuditEntry).where(AuditEntry.item_type == "picture")
        assert db.session.scalars(pictures_audited).first() is None

    done = _delete(client, shelf["field"])
    assert done.status_code == 303 and done.headers["Location"].endswith(PAGE)
    assert f"Deleted picture #{shelf['field']}." in client.get(PAGE).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Picture, shelf["field"]) is None
        entry = db.session.scalars(pictures_audited).one()
        assert (entry.moderator_name, entry.action, entry.item_type, entry.item_id) == (
            "eddie",
            "delete",
            "picture",
            shelf["field"],
        )
        assert "A green field" in entry.detail
        # The story's hero is untouched.
        story = db.session.scalars(select(Article).where(Article.slug == "harbour-strike")).one()
        assert story.hero_picture_id == shelf["harbour"]


def test_authors_upload_and_describe_their_own_pictures_but_never_delete(
    app: Flask, client: FlaskClient, shelf: dict[str, int]
) -> None:
    log_in(client, "rosa")
    own = client.get(f"{PAGE}{shelf['field']}").get_data(as_text=True)
    assert 'name="alt"' in own and "Delete picture" not in own
    others = client.get(f"{PAGE}{shelf['market']}").get_data(as_text=True)
    assert 'name="alt"' not in others and "Only its uploader or an editor" in others

    token = csrf_token(client, PAGE)
    saved = client.post(
        f"{PAGE}{shelf['field']}",
        data={"csrf_token": token, "alt": "Wheat, ripe", "caption": "June", "credit": "Rosa"},
    )
    assert saved.status_code == 303
    assert "Saved the picture" in client.get(saved.headers["Location"]).get_data(as_text=True)

    refused = client.post(
        f"{PAGE}{shelf['market']}", data={"csrf_token": token, "alt": "Hijacked", "caption": ""}
    )
    assert refused.status_code == 403
    too_long = client.post(f"{PAGE}{shelf['field']}", data={"csrf_token": token, "alt": "x" * 301})
    assert too_long.status_code == 422
    assert "The alt text is too long" in too_long.get_data(as_text=True)
    assert _delete(client, shelf["field"]).status_code == 403

    with app.app_context():
        field, market = (
            db.session.get(Picture, shelf["field"]),
            db.session.get(Picture, shelf["market"]),
        )
        assert (field.alt, field.caption, field.credit) == ("Wheat, ripe", "June", "Rosa")
        assert market.alt == ""

    # An editor describes anyone's picture.
    log_in(client, "eddie")
    token = csrf_token(client, PAGE)
    response = client.post(
        f"{PAGE}{shelf['market']}",
        data={"csrf_token": token, "alt": "Stalls under awnings", "caption": "", "credit": ""},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Picture, shelf["market"]).alt == "Stalls under awnings"


def test_no_one_else_reaches_a_picture(
    app: Flask, client: FlaskClient, shelf: dict[str, int]
) -> None:
    picture_page = f"{PAGE}{shelf['field']}"
    assert client.get(picture_page).status_code == 303  # to the login page
    make_account(app, "moder", "moderator")
    log_in(client, "moder")
    assert client.get(picture_page).status_code == 403
    assert _delete(client, shelf["field"], token=csrf_token(client)).status_code == 403
    assert client.get(f"{PAGE}picker", headers={"HX-Request": "true"}).status_code == 403
    log_in(client, "eddie")
    assert client.get(f"{PAGE}999999").status_code == 404
    with app.app_context():
        assert db.session.get(Picture, shelf["field"]) is not None
