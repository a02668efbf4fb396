"""Pictures in a real browser: the story editor uploads one in place, refuses to publish it
without alt text, publishes it with alt text and a caption, and the article shows it with a
srcset; the library uploads several with a progress bar and searches as one types; the
editor's picker chooses a picture; without JavaScript the library's picker mode does."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from hublet.extensions import db
from hublet.media.library import add_picture
from tests.browser.conftest import ConsoleWatch, new_context
from tests.builders import make_category
from tests.media import pictures
from tests.newsroom.helpers import PASSWORD


@pytest.fixture
def desk(app: Flask, live_server) -> None:  # type: ignore[no-untyped-def]
    """A category and an editor "desk"."""
    from hublet.moderation.accounts import create_account

    with app.app_context():
        make_category("News")
        create_account("desk", PASSWORD, "editor")


def _tab(browser: Browser, url: str, **options: object) -> tuple[Page, ConsoleWatch]:
    tab = new_context(browser, url, **options).new_page()
    watch = ConsoleWatch()
    tab.on("console", watch)
    tab.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
    return tab, watch


def _log_in(page: Page) -> None:
    page.goto("/newsroom/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/newsroom/$"))


def _no_errors(watch: ConsoleWatch) -> None:
    real = [e for e in watch.errors if "status of 4" not in e]
    assert not real, real


def _write_story(page: Page, title: str) -> None:
    page.goto("/newsroom/new")
    page.locator("#title").fill(title)
    page.get_by_label("Category").select_option(label="News")
    page.get_by_label("Body (Markdown)").fill("The harbour was quiet at dawn.")


def test_upload_in_the_editor_describe_publish_and_read(
    browser: Browser, live_server, desk, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "quay.jpg"
    photo.write_bytes(pictures.noisy_photo(1500, 900))
    page, watch = _tab(browser, live_server.url)
    _log_in(page)
    _write_story(page, "Fog over the quay")

    page.get_by_label("Or upload a new picture here").set_input_files(str(photo))
    page.get_by_role("button", name="Upload and use").click()
    chosen = page.get_by_label(re.compile(r"Use library picture #\d+ as the hero"))
    expect(chosen).to_be_checked(timeout=30_000)  # a 1500 px photo, five widths, two formats
    expect(chosen).to_be_focused()
    expect(page.locator("#hero-upload-status")).to_have_text("Uploaded: the picture is chosen.")
    expect(page.locator("#hero-upload-progress")).to_have_attribute("value", "100")
    expect(page.locator("#hero-chosen img")).to_have_attribute(
        "srcset", re.compile(r"\.webp 1500w")
    )

    # No alt text yet: publishing is refused, beside the field, and nothing is published.
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator("#hero_alt-error")).to_contain_text(
        "Describe the picture before publishing"
    )
    expect(page.get_by_label(re.compile(r"Use library picture #\d+ as the hero"))).to_be_checked()

    page.get_by_label("Image description (alt text)").fill("Fishing boats moored in fog")
    page.get_by_label("Caption", exact=True).fill("The quay before the strike")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flashes")).to_contain_text("Published.")

    page.get_by_role("link", name="read it on the site").click()
    hero = page.locator("figure.story-hero img")
    expect(hero).to_have_attribute("alt", "Fishing boats moored in fog")
    expect(hero).to_have_attribute("srcset", re.compile(r"/media/[0-9a-f]{64}\.webp 400w"))
    expect(hero).to_have_attribute("srcset", re.compile(r"\.webp 1500w"))
    expect(page.locator("figure.story-hero figcaption")).to_have_text("The quay before the strike")
    assert page.evaluate(
        "() => { const i = document.querySelector('figure.story-hero img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    _no_errors(watch)


def test_the_library_uploads_several_with_progress_and_searches(
    browser: Browser, live_server, desk, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "one.jpg", tmp_path / "two.png"
    first.write_bytes(pictures.noisy_photo(1200, 800))
    second.write_bytes(pictures.png())
    page, watch = _tab(browser, live_server.url)
    _log_in(page)
    page.goto("/newsroom/media/")
    page.get_by_label(re.compile(r"^Pictures \(JPEG")).set_input_files([str(first), str(second)])
    page.get_by_label("Alt text (what the picture shows)").fill("Cranes over the dock")
    page.evaluate("() => { window.stayedOnPage = true; }")
    page.get_by_role("button", name="Upload", exact=True).click()
    outcomes = page.locator("#media-outcomes")
    expect(outcomes).to_contain_text("one.jpg: stored")
    expect(outcomes).to_contain_text("two.png: stored")
    expect(page.locator("#media-progress-bar")).to_have_attribute("value", "100")
    assert page.evaluate("() => window.stayedOnPage === true")  # no page load
    expect(page.locator("#media-grid .media-item")).to_have_count(2)

    page.get_by_label("Search alt text, caption and credit").fill("zebra")
    expect(page.locator("#media-grid")).to_contain_text("No pictures match")
    page.get_by_label("Search alt text, caption and credit").fill("cranes")
    expect(page.locator("#media-grid .media-item")).to_have_count(2)
    page.get_by_label("Format").select_option("png")
    expect(page.locator("#media-grid .media-item")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"format=png"))
    _no_errors(watch)


def test_the_editors_picker_chooses_a_picture(
    app: Flask, browser: Browser, live_server, desk
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for colour, alt in (((200, 40, 40), "A red door"), ((40, 40, 200), "A blue boat")):
            add_picture(pictures.photo(900, 600, colour), alt=alt, credit="Hublet")
        db.session.commit()
    page, watch = _tab(browser, live_server.url)
    _log_in(page)
    _write_story(page, "Colours of the harbour")
    page.get_by_role("link", name="Choose or upload in the library").click()
    search = page.get_by_label("Search alt text, caption and credit")
    expect(search).to_be_focused()
    expect(page.locator("#hero-picker-results .media-item")).to_have_count(2)
    search.fill("boat")
    search.press("Enter")  # searches; must not save the story
    expect(page.locator("#hero-picker-results .media-item")).to_have_count(1)
    expect(search).to_have_value("boat")  # still the same page: nothing was submitted
    expect(page.locator(".flashes")).to_have_count(0)
    page.get_by_role("button", name=re.compile(r"Use this picture \(#\d+: A blue boat\)")).click()
    expect(page.get_by_label(re.compile(r"Use library picture #\d+ as the hero"))).to_be_checked()
    expect(page.locator("#hero-library-q")).to_have_count(0)  # the picker closed
    expect(page.get_by_label("Image description (alt text)")).to_have_value("A blue boat")
    expect(page.get_by_label("Credit")).to_have_value("Hublet")

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flashes")).to_contain_text("Published.")
    page.get_by_role("link", name="read it on the site").click()
    expect(page.locator("figure.story-hero img")).to_have_attribute("alt", "A blue boat")
    _no_errors(watch)


def test_without_javascript_the_library_picks_the_picture(
    app: Flask, browser: Browser, live_server, desk
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        add_picture(pictures.photo(900, 600), alt="A green field", credit="Hublet")
        db.session.commit()
    page, _watch = _tab(browser, live_server.url, java_script_enabled=False)
    _log_in(page)
    page.goto("/newsroom/new")
    expect(page.locator("#hero-upload")).to_be_hidden()  # needs JavaScript
    page.get_by_role("link", name="Choose or upload in the library").click()
    expect(page).to_have_url(re.compile(r"/newsroom/media/\?pick=new$"))
    page.get_by_role("button", name=re.compile(r"Use this picture")).click()
    expect(page).to_have_url(re.compile(r"/newsroom/new\?hero_picture_id=\d+$"))
    expect(page.get_by_label(re.compile(r"Use library picture #\d+ as the hero"))).to_be_checked()
    expect(page.get_by_label("Image description (alt text)")).to_have_value("A green field")


@pytest.mark.parametrize("width", (375, 1280))
def test_axe_finds_nothing_on_the_media_pages(
    app: Flask, browser: Browser, live_server, desk, width: int
) -> None:  # type: ignore[no-untyped-def]
    from tests.browser.axe import COLOUR_RULES, read_axe_source, violations

    with app.app_context():
        added = add_picture(pictures.photo(900, 600), alt="", caption="A dock", credit="Hublet")
        db.session.commit()
        picture_id = added.picture.id
    page, watch = _tab(browser, live_server.url)
    page.set_viewport_size({"width": width, "height": 900})
    axe_source = read_axe_source()
    _log_in(page)
    problems: list[str] = []

    def check(name: str) -> None:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            rules = COLOUR_RULES if scheme == "dark" else None
            problems.extend(
                f"{name} {scheme}: {v}" for v in violations(page, axe_source, rules=rules)
            )

    page.goto("/newsroom/media/")
    check("library")
    page.goto("/newsroom/media/?pick=new&unused=1")
    check("library picking")
    page.goto(f"/newsroom/media/{picture_id}")
    check("picture")
    page.goto("/newsroom/new")
    page.get_by_role("link", name="Choose or upload in the library").click()
    expect(page.locator("#hero-picker-results .media-item")).to_have_count(1)
    check("editor picker")
    page.get_by_role("button", name=re.compile("Use this picture")).click()
    expect(page.get_by_label(re.compile(r"Use library picture #\d+ as the hero"))).to_be_checked()
    check("editor chosen")
    assert not problems, "\n".join(problems)
    _no_errors(watch)
