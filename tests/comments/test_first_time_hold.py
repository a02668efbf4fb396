"""First-time hold: only the name and e-mail together of an approved commenter skip it.

The attack: a regular's e-mail address is easy to learn (a byline, a newsletter); anyone who
posts with it used to skip moderation under any name.
"""

from __future__ import annotations

from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments, post


def test_a_known_email_under_another_name_is_held(client, ctx):
    article = make_article("Regulars")
    add_comment(article, name="Ann Reader", email="ann@example.com", status="approved")
    post(client, "regulars", name="Not Ann", email="ann@example.com", comment="Cheap pills!")
    assert all_comments()[-1].status == "pending"


def test_the_known_name_and_email_together_are_approved(client, ctx):
    article = make_article("Regulars")
    add_comment(article, name="Ann Reader", email="ann@example.com", status="approved")
    post(client, "regulars", name="ann reader", email="ANN@example.com", comment="Back again.")
    assert all_comments()[-1].status == "approved"


def test_a_known_name_with_another_email_is_held(client, ctx):
    article = make_article("Regulars")
    add_comment(article, name="Ann Reader", email="ann@example.com", status="approved")
    post(client, "regulars", name="Ann Reader", email="ann@elsewhere.example", comment="Hi.")
    assert all_comments()[-1].status == "pending"
