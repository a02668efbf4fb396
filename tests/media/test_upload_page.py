"""``/newsroom/media``: writers upload pictures, each checked on its own; nobody else can."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.models import Account, Picture
from tests.conftest import csrf_token
from tests.media import pictures
from tests.newsroom.helpers import log_in, make_account

PAGE = "/newsroom/media/"


def _upload(client: FlaskClient, *files: tuple[bytes, str], **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, PAGE)
    data: dict[str, object] = {
        "files": [(io.BytesIO(content), name) for content, name in files],
        "csrf_token": token,
        **fields,
    }
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def test_a_writer_uploads_pictures_and_a_hostile_file_is_refused_by_name(
    app: Flask, client: FlaskClient
) -> None:
    make_account(app, "rosa", "author")
    log_in(client, "rosa")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)

    big = pictures.noisy_photo(1800, 1200)  # past the 64 KB every other form may send
    assert len(big) > 64 * 1024
    response = _upload(
        client,
        (big, "harbour.jpg"),
        (pictures.POLYGLOT, "cat.jpg"),
        (pictures.SVG_WITH_SCRIPT, "logo.svg"),
        alt="The harbour at dawn",
        credit="Rosa Writer",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<strong>harbour.jpg</strong>: stored" in html
    assert "<strong>cat.jpg</strong>: refused, carries a script" in html
    assert "<strong>logo.svg</strong>: refused, carries a script" in html
    assert 'alt="The harbour at dawn"' in html and "srcset=" in html

    with app.app_context():
        stored = db.session.scalars(select(Picture).options(selectinload(Picture.variants))).one()
        rosa = db.session.scalars(select(Account).where(Account.username == "rosa")).one()
        assert stored.uploader_id == rosa.id
        assert (stored.width, stored.height, stored.credit) == (1800, 1200, "Rosa Writer")

    again = _upload(client, (big, "harbour-again.jpg"))
    assert again.status_code == 200
    assert "<strong>harbour-again.jpg</strong>: already in the library" in again.get_data(
        as_text=True
    )


def test_only_writers_reach_the_library(app: Flask, client: FlaskClient) -> None:
    anonymous = client.get(PAGE)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
    # Only a writer's session may send a body past the site-wide limit.
    flood = client.post(
        PAGE,
        data={"files": [(io.BytesIO(pictures.noisy_photo(1800, 1200)), "a.jpg")]},
        content_type="multipart/form-data",
    )
    assert flood.status_code == 413

    make_account(app, "moder", "moderator")
    log_in(client, "moder")
    assert client.get(PAGE).status_code == 403
    refused = client.post(
        PAGE,
        data={"files": [(io.BytesIO(pictures.photo()), "a.jpg")], "csrf_token": csrf_token(client)},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(Picture)).first() is None
