"""Moderation listings continue with the same keyset cursor as the reader's site."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.builders import make_article, make_comment

CURSOR = r"\d{20}-\d+"


def _next_url(html: str) -> str:
    return re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_the_older_link_carries_the_sites_cursor_form_and_lists_the_rest(app, moderator_client):
    with app.app_context():
        article = make_article()
        ids = [make_comment(article, age=timedelta(minutes=n)).id for n in range(52)]
    html = moderator_client.get("/moderation/").get_data(as_text=True)
    next_url = _next_url(html)
    assert re.search(rf"after={CURSOR}(&|$)", next_url)
    older = moderator_client.get(next_url).get_data(as_text=True)
    assert re.findall(r'id="comment-row-(\d+)"', older) == [str(i) for i in ids[50:]]


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/messages", "/moderation/audit"])
def test_an_empty_after_is_the_first_page_and_a_site_style_garbage_one_a_404(
    moderator_client, path
):
    assert moderator_client.get(f"{path}?after=").status_code == 200
    assert moderator_client.get(f"{path}?after=99999999999999999999-1").status_code == 404
