"""The story editor's library picture: picked in the library (no JavaScript) or in the editor's
picker (htmx fragments), uploaded in place, saved as the hero; and no story with a picture is
published without alt text."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.media.library import add_picture
from hublet.models import Account, Article, Picture
from tests.builders import make_category
from tests.conftest import csrf_token
from tests.media import pictures
from tests.newsroom.helpers import form_token, log_in, make_account, story_fields

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def desk(app: Flask) -> dict[str, int]:
    """An editor "eddie", a category, a described picture and one without alt text."""
    make_account(app, "eddie", "editor")
    with app.app_context():
        category = make_category("News").id
        eddie = db.session.scalars(select(Account.id).where(Account.username == "eddie")).one()
        described = add_picture(
            pictures.photo(1300, 700),
            alt="Pilots on the quay",
            caption="Dawn",
            credit="AP",
            uploader_id=eddie,
        ).picture.id
        bare = add_picture(pictures.png(), uploader_id=eddie).picture.id
        db.session.commit()
    return {"category": category, "described": described, "bare": bare}


def _story(desk: dict[str, int], **overrides: str) -> dict[str, str]:
    return story_fields(**{"category": str(desk["category"]), "hero_image": "", **overrides})


def _post(client: FlaskClient, path: str, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**fields, "csrf_token": form_token(client)})


def _stories() -> int:
    return db.session.scalar(select(func.count()).select_from(Article)) or 0


def test_picked_in_the_library_the_editor_opens_with_the_picture(
    app: Flask, client: FlaskClient, desk: dict[str, int]
) -> None:
    log_in(client, "eddie")
    library = client.get("/newsroom/media/?pick=new").get_data(as_text=True)
    assert "Choosing the hero picture of" in library
    assert re.search(
        r'<form method="get" action="/newsroom/new" class="media-use-form">\s*'
        rf'<input type="hidden" name="hero_picture_id" value="{desk["described"]}">',
        library,
    )
    assert client.get("/newsroom/media/?pick=nonsense").status_code == 404

    editor = client.get(f"/newsroom/new?hero_picture_id={desk['described']}")
    html = editor.get_data(as_text=True)
    assert re.search(
        rf'<input type="checkbox" id="hero_picture_id" name="hero_picture_id" '
        rf'value="{desk["described"]}" checked',
        html,
    )
    assert 'srcset="/media/' in html
    assert re.search(r'id="hero_alt"[^>]*value="Pilots on the quay"', html)
    assert re.search(r'id="hero_credit"[^>]*value="AP"', html)
    # A picture that is not in the library is simply not chosen.
    assert "No library picture chosen" in client.get(
        "/newsroom/new?hero_picture_id=999999"
    ).get_data(as_text=True)


def test_a_saved_library_hero_and_typed_text_winning(
    app: Flask, client: FlaskClient, desk: dict[str, int]
) -> None:
    log_in(client, "eddie")
    fields = _story(
        desk, hero_picture_id=str(desk["described"]), hero_alt="", hero_caption="Typed caption"
    )
    fields["hero_credit"] = ""
    response = _post(client, "/newsroom/new", fields)
    assert response.status_code == 303
    with app.app_context():
        story = db.session.scalars(select(Article)).one()
        assert story.hero_picture_id == desk["described"]
        assert re.fullmatch(r"/media/[0-9a-f]{64}\.jpg", story.hero_image)
        assert (story.hero_alt, story.hero_caption, story.hero_credit) == (
            "Pilots on the quay",
            "Typed caption",
            "AP",
        )
        story_id = story.id

    # Reopened, the picture is ticked and the address is left empty.
    html = client.get(f"/newsroom/{story_id}/edit").get_data(as_text=True)
    assert f'value="{desk["described"]}" checked' in html
    assert re.search(r'<input[^>]*id="hero_image"[^>]*value=""', html) or re.search(
        r'<input(?![^>]*value=)[^>]*id="hero_image"', html
    )

    # Unticked (the checkbox is not sent) and saved: no hero at all.
    untick = _story(desk, hero_alt="", hero_caption="", hero_credit="")
    assert _post(client, f"/newsroom/{story_id}/edit", untick).status_code == 303
    with app.app_context():
        story = db.session.get(Article, story_id)
        assert story.hero_picture_id is None and story.hero_image == ""


def test_a_picture_no_longer_in_the_library_is_refused(
    app: Flask, client: FlaskClient, desk: dict[str, int]
) -> None:
    log_in(client, "eddie")
    for bad in ("999999", "abc", "-1"):
        response = _post(client, "/newsroom/new", _story(desk, hero_picture_id=bad))
        assert response.status_code == 422, bad
        assert "That picture is no longer in the library" in response.get_data(as_text=True)
    with app.app_context():
        assert _stories() == 0


@pytest.mark.parametrize("action", ("publish", "schedule"))
def test_no_story_with_a_picture_is_published_without_alt_text(
    app: Flask, client: FlaskClient, desk: dict[str, int], action: str
) -> None:
    log_in(client, "eddie")
    when = {"publish_at": "2099-01-01T09:00"} if action == "schedule" else {}
    no_alt = _story(desk, hero_picture_id=str(desk["bare"]), hero_alt="", action=action, **when)
    refused = _post(client, "/newsroom/new", no_alt)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(
        r'<p class="field-error" id="hero_alt-error">Describe the picture before publishing', html
    )
    assert 'aria-describedby="hero_alt-hint hero_alt-error"' in html
    # An address as the hero needs alt text too.
    address = _story(desk, hero_image="/static/img/harbour.jpg", hero_alt="", action=action, **when)
    assert _post(client, "/newsroom/new", address).status_code == 422
    with app.app_context():
        assert _stories() == 0

    # A draft may be saved without it.
    assert _post(client, "/newsroom/new", {**no_alt, "action": "save"}).status_code == 303
    with app.app_context():
        draft = db.session.scalars(select(Article)).one()
        assert draft.status == "draft" and draft.hero_alt == ""
        draft_id = draft.id
    # Publishing the draft still needs it; typed alt text, or the picture's own, will do.
    assert _post(client, f"/newsroom/{draft_id}/edit", no_alt).status_code == 422
    with app.app_context():
        assert db.session.get(Article, draft_id).status == "draft"
    described = {**no_alt, "hero_alt": "A harbour in fog"}
    assert _post(client, f"/newsroom/{draft_id}/edit", described).status_code == 303
    own_alt = _story(
        desk, title="Second", hero_picture_id=str(desk["described"]), hero_alt="", action=action
    )
    assert _post(client, "/newsroom/new", {**own_alt, **when}).status_code == 303
    no_hero = _story(desk, title="Third", hero_alt="", action=action, **when)
    assert _post(client, "/newsroom/new", no_hero).status_code == 303
    with app.app_context():
        statuses = db.session.scalars(select(Article.status)).all()
        assert statuses == ["published"] * 3


def test_the_editors_picker_fragments(
    app: Flask, client: FlaskClient, desk: dict[str, int]
) -> None:
    log_in(client, "eddie")
    # Without htmx the picker is the library in picker mode.
    plain = client.get("/newsroom/media/picker")
    assert plain.status_code == 303 and plain.headers["Location"].endswith("?pick=new")

    panel = client.get("/newsroom/media/picker", headers=PARTIAL)
    html = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "<html" not in html
    assert 'id="hero-library-q"' in html and html.count("data-choose-picture=") == 2
    assert "<form" not in html  # it goes inside the story's form

    found = client.get("/newsroom/media/picker/results?q=quay", headers=PARTIAL)
    found_html = found.get_data(as_text=True)
    assert found_html.count("data-choose-picture=") == 1
    assert f"/newsroom/media/choice/{desk['described']}" in found_html
    nothing = client.get("/newsroom/media/picker/results?q=zebra", headers=PARTIAL)
    assert "No pictures match “zebra”" in nothing.get_data(as_text=True)

    chosen = client.get(f"/newsroom/media/choice/{desk['described']}", headers=PARTIAL)
    chosen_html = chosen.get_data(as_text=True)
    assert chosen_html.lstrip().startswith('<div id="hero-chosen"')
    assert f'value="{desk["described"]}" checked' in chosen_html
    assert 'data-alt="Pilots on the quay"' in chosen_html
    assert client.get("/newsroom/media/choice/999999", headers=PARTIAL).status_code == 404


def test_a_picture_uploaded_in_the_editor_comes_back_chosen(
    app: Flask, client: FlaskClient, desk: dict[str, int]
) -> None:
    log_in(client, "eddie")
    token = csrf_token(client, "/newsroom/new", form=True)

    def upload(data: bytes, name: str, **fields: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/newsroom/media/hero-upload",
            data={"file": (io.BytesIO(data), name), **fields},
            headers={"X-CSRFToken": token, **PARTIAL},
            content_type="multipart/form-data",
        )

    stored = upload(pictures.noisy_photo(1500, 900), "quay.jpg", hero_alt="The quay at night")
    assert stored.status_code == 200
    html = stored.get_data(as_text=True)
    with app.app_context():
        picture = db.session.scalars(select(Picture).order_by(Picture.id.desc())).first()
        assert picture is not None and picture.alt == "The quay at night"
        count = db.session.scalar(select(func.count()).select_from(Picture))
    assert f'value="{picture.id}" checked' in html and "quay.jpg: stored" in html

    refused = upload(pictures.POLYGLOT, "cat.jpg")
    assert refused.status_code == 422
    assert "cat.jpg: refused, carries a script" in refused.get_data(as_text=True)
    empty = client.post(
        "/newsroom/media/hero-upload",
        data={},
        headers={"X-CSRFToken": token, **PARTIAL},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 422
    assert "Choose one or more pictures" in empty.get_data(as_text=True)
    no_token = client.post(
        "/newsroom/media/hero-upload",
        data={"file": (io.BytesIO(pictures.photo()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Picture)) == count


def test_the_library_and_the_pickers_are_valid_html(
    app: Flask, client: FlaskClient, desk: dict[str, int], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.test_valid_html import validate

    log_in(client, "eddie")
    with app.app_context():
        story = make_article_with_hero(desk["described"])
    token = csrf_token(client, "/newsroom/media/")
    pages = {
        "library": client.get("/newsroom/media/?pick=new&q=quay&format=jpg&unused=1"),
        "library-everything": client.get(f"/newsroom/media/?pick={story}"),
        "upload-refused": client.post(
            "/newsroom/media/",
            data={"files": [(io.BytesIO(pictures.POLYGLOT), "cat.jpg")], "csrf_token": token},
            content_type="multipart/form-data",
        ),
        "picture": client.get(f"/newsroom/media/{desk['bare']}"),
        "picture-in-use": client.post(
            f"/newsroom/media/{desk['described']}/delete", data={"csrf_token": token}
        ),
        "picture-errors": client.post(
            f"/newsroom/media/{desk['bare']}", data={"csrf_token": token, "alt": "x" * 400}
        ),
        "editor-picked": client.get(f"/newsroom/new?hero_picture_id={desk['described']}"),
        "editor-no-alt": _post(
            client,
            "/newsroom/new",
            _story(desk, hero_picture_id=str(desk["bare"]), hero_alt="", action="publish"),
        ),
        "editor-gone": _post(client, "/newsroom/new", _story(desk, hero_picture_id="999999")),
    }
    fragments = {
        "picker": client.get("/newsroom/media/picker", headers=PARTIAL),
        "chosen": client.get(f"/newsroom/media/choice/{desk['described']}", headers=PARTIAL),
    }
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 409, 422), name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(response.get_data(as_text=True), encoding="utf-8")
    for name, response in fragments.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(
            "<!doctype html><html lang=en><head><title>t</title></head><body><form>"
            + response.get_data(as_text=True)
            + "</form></body></html>",
            encoding="utf-8",
        )
    errors = validate(files)
    assert not errors, "\n".join(
        f"{e.get('url', '?').rsplit('/', 1)[-1]} line {e.get('lastLine')}: {e.get('message')}"
        for e in errors
    )


def make_article_with_hero(picture_id: int) -> int:
    """A draft whose hero is the picture; its id."""
    from hublet.media.library import get_picture, use_as_hero
    from tests.builders import make_article

    article = make_article("Quay story", slug="quay-story", status="draft")
    picture = get_picture(picture_id)
    assert picture is not None
    use_as_hero(article, picture)
    db.session.commit()
    return article.id
