"""`flask import-markdown`: a folder of good files with one broken file among them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.models import Article, Category
from hublet.text import slugify

GOOD_ONE = """---
title: Bridges reopen after repairs
category: World News
author: Ada Lovelace
tags: [Transport, Cities]
published: 2026-01-29 08:30:00
image: https://cdn.example/bridge.jpg
caption: The old bridge at dawn.
credit: AP
featured: true
---
The **old bridge** reopened this morning.

* lanes: two
* speed: 30 km/h
"""

GOOD_TWO = """---
title: "Cafés de Montréal : l'hiver"
slug: cafes-montreal
category: Lifestyle
author: Ada Lovelace
tags: Coffee, Winter
published: 2026-01-20
updated: 2026-01-25T10:00:00+02:00
hot: true
---
Hot drinks, cold streets. <script>alert(1)</script>
"""

DRAFT = """---
title: Not ready yet
category: World News
author: Bob Builder
status: draft
---
Draft words.
"""

BROKEN = """---
title: Broken one
category: World News
author: Ada Lovelace
published: [2026-01-01
---
Never imported.
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(runner, folder: Path | str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import-markdown", str(folder)])


def article(slug: str) -> Article | None:
    return db.session.scalar(
        select(Article).options(selectinload(Article.tags)).where(Article.slug == slug)
    )


def test_good_files_import_and_the_broken_one_is_named_with_its_line(runner, client, ctx, tmp_path):
    folder = write(
        tmp_path / "posts",
        {
            "bridges.md": GOOD_ONE,
            "cafes.md": GOOD_TWO,
            "not-ready.md": DRAFT,
            "zz-broken.md": BROKEN,
            "notes.txt": "not markdown",
        },
    )
    result = run(runner, folder)
    assert result.exit_code == 1  # one file was not imported
    assert "zz-broken.md:5: bad YAML" in result.output
    assert "articles: 3 created, 0 updated" in result.output
    assert "Traceback" not in result.output
    assert article("broken-one") is None and article("zz-broken") is None

    bridges = article("bridges")  # the slug defaults to the file's name
    assert bridges.title == "Bridges reopen after repairs"
    assert bridges.status == "published"
    assert bridges.published_at == datetime(2026, 1, 29, 8, 30)
    assert bridges.is_featured and not bridges.is_hot
    assert sorted(tag.name for tag in bridges.tags) == ["Cities", "Transport"]
    assert (
        "<strong>old bridge</strong>" in bridges.body_html
        and "<li>lanes: two</li>" in bridges.body_html
    )
    assert bridges.hero_credit == "AP" and bridges.hero_alt == bridges.title

    cafes = article("cafes-montreal")
    assert cafes.title == "Cafés de Montréal : l'hiver"
    assert cafes.published_at == datetime(2026, 1, 20)
    assert cafes.updated_at == datetime(2026, 1, 25, 8, 0)  # +02:00 stored as UTC
    assert cafes.is_hot and "<script" not in cafes.body_html
    assert sorted(tag.name for tag in cafes.tags) == ["Coffee", "Winter"]

    assert article("not-ready").status == "draft"
    assert client.get("/article/not-ready").status_code == 404
    html = client.get("/article/bridges").get_data(as_text=True)
    assert "Bridges reopen after repairs" in html and "Credit: AP" in html
    assert "World News" in html and "Ada Lovelace" in html


def test_importing_again_updates_by_slug(runner, ctx, tmp_path):
    folder = write(tmp_path / "posts", {"bridges.md": GOOD_ONE, "cafes.md": GOOD_TWO})
    assert run(runner, folder).exit_code == 0
    (folder / "bridges.md").write_text(
        GOOD_ONE.replace("reopened this morning", "reopened at noon"), encoding="utf-8"
    )
    again = run(runner, folder)
    assert again.exit_code == 0, again.output
    assert "articles: 0 created, 2 updated" in again.output
    assert db.session.scalar(select(func.count()).select_from(Article)) == 2
    assert db.session.scalar(select(func.count()).select_from(Category)) == 2
    assert "reopened at noon" in article("bridges").body_html


def test_editor_switches_survive_a_reimport_when_the_file_does_not_say(runner, ctx, tmp_path):
    folder = write(tmp_path / "posts", {"not-ready.md": DRAFT})
    assert run(runner, folder).exit_code == 0
    assert runner.invoke(args=["article", "feature", "not-ready"]).exit_code == 0
    assert run(runner, folder).exit_code == 0
    assert article("not-ready").is_featured


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("Just text, no front matter.\n", ":1:", "no front matter"),
        ("---\ntitle: Open\ncategory: X\nauthor: Y\n", ":1:", "never closed"),
        ("---\ncategory: X\nauthor: Y\n---\nBody\n", ":1:", "'title' is required"),
        ("---\ntitle: T\ncategory: X\nauthor: Y\nfeatured: maybe\n---\n", ":5:", "'featured'"),
        ("---\ntitle: T\ncategory: X\nauthor: Y\npublished: soon\n---\n", ":5:", "not a date"),
        ("---\ntitle: T\ncategory: X\nauthor: Y\nstatus: live\n---\n", ":5:", "'status'"),
        ("---\ntitle: T\ncategory: X\nauthor: Y\ntags: {a: 1}\n---\n", ":5:", "'tags'"),
        ("---\n- just\n- a list\n---\n", ":2:", "'key: value' lines"),
        ("---\ntitle: T\ncategory: X\nauthor: Y\nslug: a/b\n---\n", ":5:", "'slug'"),
    ],
)
def test_bad_front_matter_is_reported_by_file_and_line(runner, ctx, tmp_path, text, where, message):
    folder = write(tmp_path / "posts", {"good.md": GOOD_ONE, "bad.md": text})
    result = run(runner, folder)
    assert result.exit_code == 1
    assert f"bad.md{where}" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert article("good") is not None  # the rest still import


def test_unknown_keys_are_warned_about_not_fatal(runner, ctx, tmp_path):
    text = GOOD_ONE.replace("featured: true\n", "featured: true\nlayout: wide\n")
    result = run(runner, write(tmp_path / "posts", {"good.md": text}))
    assert result.exit_code == 0
    assert "good.md:11: unknown key 'layout' ignored" in result.output


def test_not_utf8_is_a_clear_error(runner, ctx, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "latin.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    result = run(runner, folder)
    assert result.exit_code == 1 and "latin.md:1: the file is not UTF-8" in result.output


@pytest.mark.parametrize(
    "make, message",
    [("missing", "No such folder"), ("file", "is not a folder"), ("empty", "No Markdown files")],
)
def test_folder_errors_are_clear(runner, ctx, tmp_path, make, message):
    target = tmp_path / "target"
    if make == "file":
        target.write_text("x")
    elif make == "empty":
        target.mkdir()
    result = run(runner, target)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_help_lists_the_front_matter_keys(runner):
    result = runner.invoke(args=["import-markdown", "--help"])
    assert result.exit_code == 0 and "front matter" in result.output.lower()


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Élections à Paris : le vote", "elections-a-paris-le-vote"),
        ("東京ででで天気", "東京ででで天気"),  # other scripts keep their marks
        ("Cafés_de  Montréal!", "cafes-de-montreal"),
        ("  ", "item"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_categories_in_other_scripts_stay_apart(runner, ctx, tmp_path):
    one = GOOD_ONE.replace("category: World News", "category: 日本")
    two = GOOD_ONE.replace("category: World News", "category: 中国")
    result = run(runner, write(tmp_path / "posts", {"one.md": one, "two.md": two}))
    assert result.exit_code == 0, result.output
    names = sorted(db.session.scalars(select(Category.name)))
    slugs = sorted(db.session.scalars(select(Category.slug)))
    assert names == ["中国", "日本"] and slugs == ["中国", "日本"]
