"""Bad input: a clear message beside the field, a 422, and nothing stored."""

from __future__ import annotations

import re

import pytest

from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article
from tests.builders import make_article
from tests.comments.helpers import all_comments, comment_count, post

INVALID = [
    ("name", "", "Please enter your name."),
    ("name", "   ", "Please enter your name."),
    ("name", "x" * 81, "Your name must be at most 80 characters."),
    ("email", "", "Please enter your email address."),
    ("email", "not-an-email", "Please enter a valid email address."),
    ("email", "a" * 245 + "@example.com", "Your email must be at most 254 characters."),
    ("website", "javascript:alert(1)", "Please enter a web address starting with http://"),
    ("website", "ftp://files.example.com", "Please enter a web address starting with http://"),
    ("website", "https://", "Please enter a web address starting with http://"),
    ("website", "https://example.com/" + "a" * 190, "at most 200 characters."),
    ("comment", "", "Please write your comment."),
    ("comment", "  \n\t ", "Please write your comment."),
    ("comment", "x", "Your comment must be 2 to 5,000 characters."),
    ("comment", "x" * 5001, "Your comment must be 2 to 5,000 characters."),
    ("comment", "\x01x\x02\x1b", "Your comment must be 2 to 5,000 characters."),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name, value, message", INVALID)
def test_invalid_field_gets_its_message_beside_it_and_nothing_is_stored(
    client, ctx, name, value, message, htmx
):
    make_article("Validation")
    response = post(client, "validation", htmx=htmx, **{name: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = html.split(f'<label for="{name}">')[1].split("</div>")[0]
    assert f'id="{name}-error"' in field and message in field
    assert 'aria-invalid="true"' in field
    assert 'role="alert"' in html
    assert ("<html" in html) is not htmx
    if htmx:
        assert html.lstrip().startswith('<div id="respond"')
    assert comment_count() == 0


def test_what_was_typed_is_kept_after_an_error(client, ctx):
    make_article("Kept")
    html = post(client, "kept", htmx=True, name="", comment="My long thoughts.").get_data(
        as_text=True
    )
    assert re.search(r"<textarea[^>]*>\s*My long thoughts.</textarea>", html)
    assert 'value="ann@example.com"' in html


def test_limits_are_inclusive_and_control_characters_are_removed(client, ctx):
    make_article("Limits")
    ok = post(
        client,
        "limits",
        name="N" * 80,
        email=("e" * 64) + "@" + ("d" * 63) + "." + ("d" * 63) + "." + ("d" * 57) + ".com",
        website="https://example.com/" + "p" * 180,
        comment="  \x01o\x07k\x1b\x7f  ",
    )
    assert ok.status_code == 303, ok.get_data(as_text=True)
    (comment,) = all_comments()
    assert comment.body_html == "<p>ok</p>"
    assert len(comment.author_email) <= 254
    assert len(comment.author_url) == 200
    long = post(client, "limits", comment="y" * 5000, email="other@example.com", ip="192.0.2.9")
    assert long.status_code == 303


def test_newlines_in_names_are_folded(client, ctx):
    make_article("Names")
    post(client, "names", name="Ann\r\n  Reader\x07")
    assert all_comments()[0].author_name == "Ann Reader"


def test_closed_article_shows_the_notice_and_stores_nothing(client, ctx):
    article = make_article("Closed")
    from tests.comments.helpers import form_token

    token = form_token(client, "closed")
    with writing():
        db.session.get(Article, article.id).comments_open = False
        db.session.commit()
    html = client.get("/article/closed").get_data(as_text=True)
    assert "Comments are closed." in html and 'id="commentform"' not in html
    for htmx in (False, True):
        response = post(client, "closed", htmx=htmx, token=token)
        assert response.status_code == 403
        assert "Comments are closed." in response.get_data(as_text=True)
    assert comment_count() == 0


def test_nul_byte_gets_a_clear_message_and_stores_nothing(client, ctx):
    # The site-wide input guard (hublet/security.py) refuses NUL before the form sees it.
    make_article("Nul")
    for htmx in (False, True):
        response = post(client, "nul", htmx=htmx, comment="bad\x00byte")
        assert response.status_code == 400
        assert "NUL character" in response.get_data(as_text=True)
    assert comment_count() == 0


def test_the_form_itself_removes_nul_and_control_characters(app):
    from werkzeug.datastructures import MultiDict

    from hublet.comments.forms import CommentForm

    with app.test_request_context(method="POST"):
        form = CommentForm(
            formdata=MultiDict(
                {"name": "A\x00n\x1bn", "email": "A@Example.COM\x00", "comment": "h\x00i\x08!"}
            ),
            meta={"csrf": False},
        )
        assert form.validate(), form.errors
        assert form.name.data == "Ann"
        assert form.email.data == "a@example.com"
        assert form.comment.data == "hi!"
