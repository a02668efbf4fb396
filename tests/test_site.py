"""The page chrome, static pages and the Contact Us form, as a reader sees them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import html5lib
import pytest
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import ContactMessage
from hublet.timeutil import utcnow
from tests.builders import make_article, make_page
from tests.conftest import csrf_token

PAGES = [
    ("About Us", "about-us"),
    ("Contact Us", "contact-us"),
    ("Privacy Policy", "privacy-policy"),
    ("Terms & Conditions", "terms-and-conditions"),
    ("Disclaimer", "disclaimer"),
]


@pytest.fixture
def pages(ctx):  # type: ignore[no-untyped-def]
    for position, (title, slug) in enumerate(PAGES):
        body = f"<p>The text of {title.replace('&', '&amp;')}.</p>"
        make_page(title, slug, body_html=body, position=position)


def _messages() -> int:
    return db.session.scalar(select(func.count()).select_from(ContactMessage))


def _valid_contact(token: str, **changes: str) -> dict:
    data = {
        "csrf_token": token,
        "name": "Rosa Reader",
        "email": "rosa@example.org",
        "subject": "A correction",
        "message": "The bridge reopened on Tuesday, not Monday.",
    }
    data.update(changes)
    return data


# --- static pages -------------------------------------------------------------------------


@pytest.mark.parametrize("title, slug", [p for p in PAGES if p[1] != "contact-us"])
def test_static_pages_show_their_content_from_the_database(client, pages, title, slug):
    response = client.get(f"/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    escaped = title.replace("&", "&amp;")
    assert f"<h1>{escaped}</h1>" in html
    assert f"The text of {escaped}." in html


def test_every_page_links_the_five_pages_in_the_top_bar_and_footer(client, pages):
    html = client.get("/").get_data(as_text=True)
    topbar = html.split('class="topbar"')[1].split("</nav>")[0]
    footer = html.split('class="site-footer"')[1]
    for title, slug in PAGES:
        link = f'href="/{slug}">{title.replace("&", "&amp;")}</a>'
        assert link in topbar
        assert link in footer


def test_an_unknown_static_page_is_a_styled_404(client, pages):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# --- chrome -------------------------------------------------------------------------------


def _topbar_date(html: str) -> str:
    match = re.search(r'class="topbar-date"><time datetime="([\d-]+)">([^<]+)</time>', html)
    assert match, "no date in the top bar"
    return match.group(2)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_top_bar_shows_today_in_the_site_time_zone(app_config, zone):
    # UTC+14 and UTC-11 are 25 hours apart: their dates always differ, so only the
    # configured zone can give the expected label.
    from hublet import create_app

    app_config["TIMEZONE"] = zone
    app = create_app(app_config)
    html = app.test_client().get("/").get_data(as_text=True)
    today = datetime.now(ZoneInfo(zone))
    expected = f"{today:%A}, {today:%B} {today.day}"
    assert _topbar_date(html) == expected
    assert re.fullmatch(r"[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}", expected)


def test_footer_copyright_has_the_current_year(client, ctx):
    html = client.get("/").get_data(as_text=True)
    copyright_line = re.search(r'<p class="copyright">([^<]+)</p>', html)
    assert copyright_line
    line = unescape(copyright_line.group(1))
    assert f"© {datetime.now(ZoneInfo('UTC')).year} Global Hublet" in line


def test_whats_hot_shows_three_published_articles(client, ctx):
    for n in range(5):
        make_article(f"Hot story {n}", is_hot=n < 3, age=timedelta(days=n + 1))
    make_article("Hot draft", status="draft", is_hot=True)
    html = client.get("/").get_data(as_text=True)
    strip = html.split('class="whats-hot-list"')[1].split("</ul>")[0]
    titles = re.findall(r'<a href="/article/[^"]+">([^<]+)</a>', strip)
    assert len(titles) == 3
    assert "Hot draft" not in titles


def test_recent_news_panel_lists_the_five_latest(client, ctx):
    for n in range(7):
        make_article(f"Recent {n}", age=timedelta(hours=n + 1))
    html = client.get("/").get_data(as_text=True)
    panel = html.split('class="recent-panel"')[1].split("</ul>")[0]
    titles = re.findall(r'<a href="/article/[^"]+">([^<]+)</a>', panel)
    assert titles == [f"Recent {n}" for n in range(5)]


# --- Contact Us ---------------------------------------------------------------------------


def test_contact_form_renders_labelled_fields_without_stray_aria(client, pages):
    html = client.get("/contact-us").get_data(as_text=True)
    for field in ("name", "email", "subject", "message"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html
    assert "The text of Contact Us." in html
    assert '="None"' not in html
    assert "aria-invalid" not in html


def test_contact_form_stores_a_valid_message_and_thanks_the_reader(client, pages):
    token = csrf_token(client, "/contact-us")
    response = client.post("/contact-us", data=_valid_contact(token))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/contact-us#contact-form")
    thanks = client.get("/contact-us").get_data(as_text=True)
    assert "Thank you for your message." in thanks
    stored = db.session.scalars(select(ContactMessage)).all()
    assert len(stored) == 1
    assert (stored[0].name, stored[0].email, stored[0].subject) == (
        "Rosa Reader",
        "rosa@example.org",
        "A correction",
    )
    assert stored[0].message == "The bridge reopened on Tuesday, not Monday."
    # The thanks is shown once, not on every later visit.
    assert "Thank you for your message." not in client.get("/contact-us").get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Please enter your name."),
        ("email", "not-an-address", "Please enter a valid email address."),
        ("email", "", "Please enter your email address."),
        ("subject", "   ", "Please enter a subject."),
        ("message", "short", "Your message must be 10 to 5,000 characters."),
        ("message", "x" * 5001, "Your message must be 10 to 5,000 characters."),
        ("name", "n" * 81, "Field cannot be longer than 80 characters."),
    ],
)
def test_bad_contact_fields_are_shown_beside_the_field_and_nothing_is_stored(
    client, pages, field, value, message
):
    token = csrf_token(client, "/contact-us")
    response = client.post("/contact-us", data=_valid_contact(token, **{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please correct the highlighted fields." in html
    # The message sits right after its field, and the field points at it.
    widget = re.search(rf'<(input|textarea)[^>]*id="{field}"[^>]*>', html)
    assert widget
    assert 'aria-invalid="true"' in widget.group(0)
    assert f'aria-describedby="{field}-error"' in widget.group(0)
    after = html[widget.end() :]
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', after)
    assert error and error.group(1).replace("&#39;", "'") == message
    assert after.index(f'id="{field}-error"') < after.index("<div class=")
    # Only the bad field is marked, and the reader's other answers are kept.
    assert html.count('aria-invalid="true"') == 1
    if field != "name":
        assert 'value="Rosa Reader"' in html
    assert _messages() == 0


def test_contact_form_without_csrf_token_is_refused_and_nothing_is_stored(client, pages):
    client.get("/contact-us")
    response = client.post("/contact-us", data=_valid_contact(""))
    assert response.status_code == 400
    assert "Reload the page and try again." in response.get_data(as_text=True)
    response = client.post("/contact-us", data=_valid_contact("forged-token"))
    assert response.status_code == 400
    assert _messages() == 0


def test_contact_message_with_markup_is_stored_as_text_never_rendered(client, pages):
    token = csrf_token(client, "/contact-us")
    body = "<script>alert(1)</script> please fix the headline"
    client.post("/contact-us", data=_valid_contact(token, message=body))
    assert db.session.scalar(select(ContactMessage.message)) == body
    html = client.get("/contact-us").get_data(as_text=True)
    assert "<script>alert(1)" not in html


# --- well-formed HTML ---------------------------------------------------------------------


def _assert_valid_html(html: str, path: str) -> None:
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(html)
    assert not parser.errors, f"{path}: HTML parse errors {parser.errors[:5]}"
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"{path}: duplicate ids {duplicates}"
    assert html.count("<h1") == 1, f"{path}: expected one h1"
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html


def test_pages_parse_as_html5_with_unique_ids(client, pages):
    published = utcnow().replace(microsecond=0) - timedelta(days=2)
    make_article(
        "A tagged story",
        tags=["Climate", "Cities"],
        published_at=published,
        updated_at=published + timedelta(days=1),
        body_html="<p>One.</p><figure><img src='/static/img/demo/demo-02.svg' alt='A map'>"
        "<figcaption>A map. Credit: AP</figcaption></figure><p>Two.</p>",
    )
    for n in range(12):
        make_article(f"Filler {n}", tags=["Climate"], age=timedelta(days=n + 3))
    token = csrf_token(client, "/contact-us")
    invalid_contact = client.post("/contact-us", data=_valid_contact(token, email="nope"))
    documents = {"contact (invalid)": invalid_contact.get_data(as_text=True)}
    for path in (
        "/",
        "/?page=2",
        "/article/a-tagged-story",
        "/tag/climate",
        "/about-us",
        "/contact-us",
        "/no-such-thing",
    ):
        documents[path] = client.get(path).get_data(as_text=True)
    for path, html in documents.items():
        _assert_valid_html(html, path)


def test_card_images_carry_size_and_lazy_load_below_the_fold(client, ctx):
    for n in range(10):
        make_article(f"Card {n}", age=timedelta(hours=n + 1))
    html = client.get("/").get_data(as_text=True)
    images = re.findall(r'<img [^>]*class="?[^>]*>|<img [^>]*>', html.split('id="main"')[1])
    card_images = [i for i in images if "demo-01.svg" in i]
    assert len(card_images) == 10
    for image in card_images:
        assert 'width="' in image and 'height="' in image
    assert 'loading="lazy"' not in card_images[0]  # the lead story is above the fold
    assert all('loading="lazy"' in image for image in card_images[2:])


def test_article_images_carry_size_and_body_figures_load_lazily(client, ctx):
    make_article(
        "Figures story",
        body_html="<p>One.</p><figure><img src='/static/img/demo/demo-02.svg' alt='A map'"
        " width='1200' height='675'><figcaption>A map. Credit: AP</figcaption></figure><p>Two.</p>",
    )
    html = client.get("/article/figures-story").get_data(as_text=True)
    story = html.split('class="story"')[1].split("</article>")[0]
    hero, *body = re.findall(r"<img [^>]*>", story)
    assert body, "the body figure is rendered"
    for image in (hero, *body):
        assert re.search(r'width="\d+"', image) and re.search(r'height="\d+"', image), image
    assert 'loading="lazy"' not in hero  # the hero is the first thing a reader sees
    assert all('loading="lazy"' in image for image in body)
