"""Private preview links: a signed, expiring address that shows a story as readers will see
it, to someone without an account; expired or tampered links are a clear 410/404."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer

from hublet.timeutil import moved_clock
from tests.newsroom.helpers import form_token, story_fields, writer


def new_story(client: FlaskClient, news: int, **fields: str) -> int:
    response = client.post(
        "/newsroom/new",
        data={**story_fields(category=str(news), **fields), "csrf_token": form_token(client)},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].split("/")[-2])


def make_link(client: FlaskClient, article_id: int) -> str:
    """Press "Make a preview link" and read the link off the page, as a writer would."""
    response = client.post(
        f"/newsroom/{article_id}/preview-link", data={"csrf_token": form_token(client)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    match = re.search(r'id="preview-url" value="([^"]+)"', html)
    assert match, html[:1000]
    assert "48 hours" in html
    return match.group(1).replace("http://localhost", "")


def test_an_author_shares_a_draft_that_a_stranger_reads_as_readers_will(app, people, news):
    author = writer(app, "author")
    article_id = new_story(author, news, body="The **harbour** pilots walked out.")
    path = make_link(author, article_id)
    assert path.startswith("/newsroom/preview/")

    stranger = app.test_client()  # no account, no session
    response = stranger.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    html = response.get_data(as_text=True)
    assert '<h1 class="story-title">Harbour pilots strike</h1>' in html  # the public page
    assert "<strong>harbour</strong>" in html and "Boats at the quay" in html
    assert "this story is not published yet" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "view-beacon" not in html  # a preview is not a reader's view
    # Readers still cannot see the draft.
    assert stranger.get("/article/harbour-pilots-strike").status_code == 404

    # The link shows the latest text: a fix saved after it was sent shows.
    author.post(
        f"/newsroom/{article_id}/edit",
        data={
            **story_fields(category=str(news), body="Fixed *words*."),
            "csrf_token": form_token(author),
        },
    )
    assert "<em>words</em>" in stranger.get(path).get_data(as_text=True)


def test_a_link_expires_after_48_hours_with_a_clear_page(app, people, news):
    editor = writer(app, "editor")
    path = make_link(editor, new_story(editor, news))
    with moved_clock(timedelta(hours=47)):
        assert app.test_client().get(path).status_code == 200
    with moved_clock(timedelta(hours=48, minutes=1)):
        response = app.test_client().get(path)
    assert response.status_code == 410
    assert "This preview link has expired" in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]


def test_tampered_or_foreign_links_are_a_404_never_a_500(app, people, news):
    editor = writer(app, "editor")
    article_id = new_story(editor, news)
    path = make_link(editor, article_id)
    token = path.rsplit("/", 1)[1]
    other_id = new_story(editor, news, title="Another story")
    forged = URLSafeSerializer("not-the-key", salt="story-preview").dumps(
        {"a": other_id, "e": 4102444800}
    )
    wrong_salt = URLSafeSerializer(app.secret_key, salt="something-else").dumps(
        {"a": other_id, "e": 4102444800}
    )
    odd_payload = URLSafeSerializer(app.secret_key, salt="story-preview").dumps(["a", 1])
    for bad in (
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        token.replace(".", "", 1),
        forged,
        wrong_salt,
        odd_payload,
        "x" * 5000,
    ):
        response = app.test_client().get(f"/newsroom/preview/{bad}")
        assert response.status_code == 404, bad
        assert "This preview link is not valid" in response.get_data(as_text=True)
    # A control character never reaches the view: the site refuses it as bad input.
    assert app.test_client().get("/newsroom/preview/%00").status_code == 400


def test_a_trashed_story_is_not_shown_and_only_its_people_make_links(app, people, news):
    author = writer(app, "author")
    article_id = new_story(author, news)
    path = make_link(author, article_id)
    other = writer(app, "other")
    response = other.post(
        f"/newsroom/{article_id}/preview-link", data={"csrf_token": form_token(other)}
    )
    assert response.status_code == 403
    trashed = author.post(f"/newsroom/{article_id}/trash", data={"csrf_token": form_token(author)})
    assert trashed.status_code == 303
    assert app.test_client().get(path).status_code == 404
    response = author.post(
        f"/newsroom/{article_id}/preview-link", data={"csrf_token": form_token(author)}
    )
    assert response.status_code == 403


def test_htmx_gets_the_link_alone_to_put_into_the_editor(app, people, news):
    editor = writer(app, "editor")
    article_id = new_story(editor, news)
    response = editor.post(
        f"/newsroom/{article_id}/preview-link",
        data={"csrf_token": form_token(editor)},
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<!doctype" not in html.lower() and 'id="preview-url"' in html
    assert "HX-Request" in response.headers["Vary"]
    editor_page = editor.get(f"/newsroom/{article_id}/edit").get_data(as_text=True)
    assert 'data-hx-target="#preview-link-result"' in editor_page
    assert '<div id="preview-link-result" aria-live="polite">' in editor_page
