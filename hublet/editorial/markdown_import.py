"""Import a folder of Markdown articles, one file each, with YAML front matter.

A file looks like::

    ---
    title: Bridges reopen after repairs
    category: World News
    author: Ada Lovelace
    tags: [Transport, Cities]
    published: 2026-01-29 08:30
    ---
    The **old bridge** reopened this morning...

The slug defaults to the file's name; a file whose slug exists updates that article. A bad
file is reported by name and line, and the other files still import.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import markdown
import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from hublet import signals
from hublet.database import writing
from hublet.editorial.errors import EditorialError
from hublet.editorial.report import ImportReport
from hublet.editorial.taxonomy import ensure_author, ensure_category, ensure_tag
from hublet.extensions import db
from hublet.models import Article
from hublet.sanitize import clean_article_html, clean_image_url
from hublet.text import make_excerpt, slugify
from hublet.timeutil import utcnow

KINDS = ("articles", "categories", "tags", "authors")
FIELDS = frozenset(
    {
        "title", "slug", "category", "tags", "author", "published", "updated", "image",
        "alt", "caption", "credit", "featured", "hot", "status", "excerpt",
    }
)  # fmt: skip
REQUIRED = ("title", "category", "author")
SUFFIXES = (".md", ".markdown")
_FENCES = ("---", "...")


class FrontMatterError(ValueError):
    """A problem in one file, at one line (1-based, counted in the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class MarkdownArticle:
    """One file, read and checked: front matter values and the body as HTML."""

    fields: dict
    lines: dict[str, int]
    body_html: str
    unknown: list[str]


def read_markdown_file(path: Path) -> MarkdownArticle:
    """Split, parse and check one file; raises :class:`FrontMatterError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrontMatterError(1, f"the file is not UTF-8 text ({error.reason})") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(1, "no front matter: the file must start with a '---' line")
    closing = next((n for n in range(1, len(lines)) if lines[n].strip() in _FENCES), None)
    if closing is None:
        raise FrontMatterError(1, "the front matter is never closed by a '---' line")
    source = "\n".join(lines[1:closing])
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        values = yaml.safe_load(source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else 1
        raise FrontMatterError(line, f"bad YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise FrontMatterError(1, f"bad YAML: {error}") from None
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise FrontMatterError(2, "the front matter must be 'key: value' lines")
    key_lines = {str(key.value): key.start_mark.line + 2 for key, _value in node.value}
    fields = {str(key): value for key, value in values.items()}
    body = "\n".join(lines[closing + 1 :])
    checked = _check(fields, key_lines, path)
    html = markdown.markdown(body, extensions=["extra", "sane_lists"])
    unknown = sorted(set(fields) - FIELDS)
    return MarkdownArticle(checked, key_lines, html, unknown)


def _check(fields: dict, lines: dict[str, int], path: Path) -> dict:
    """Types and required keys; returns the values the importer uses."""

    def fail(key: str, message: str) -> FrontMatterError:
        return FrontMatterError(lines.get(key, 1), f"'{key}' {message}")

    for key in REQUIRED:
        value = fields.get(key)
        if value is None or not str(value).strip():
            raise FrontMatterError(lines.get(key, 1), f"'{key}' is required")
    out: dict = {}
    for key in ("title", "category", "author", "image", "alt", "caption", "credit", "excerpt"):
        value = fields.get(key, "")
        if isinstance(value, (dict, list)):
            raise fail(key, "must be text")
        out[key] = "" if value is None else str(value).strip()
    out["slug"] = str(fields.get("slug") or slugify(path.stem, max_length=200)).strip()
    if "/" in out["slug"] or any(c.isspace() for c in out["slug"]):
        raise fail("slug", f"must not contain '/' or spaces: {out['slug']!r}")
    if len(out["slug"]) > 200 or len(out["title"]) > 300:
        raise fail("slug" if len(out["slug"]) > 200 else "title", "is too long")
    tags = fields.get("tags") or []
    if isinstance(tags, str):
        tags = [part.strip() for part in tags.split(",")]
    if not isinstance(tags, list) or any(isinstance(t, (dict, list)) for t in tags):
        raise fail("tags", "must be a list of names")
    out["tags"] = [str(t).strip() for t in tags if t is not None and str(t).strip()]
    for key in ("published", "updated"):
        out[key] = _datetime(fields.get(key), fail, key)
    for key in ("featured", "hot"):
        value = fields.get(key)  # absent: leave what an editor switched with the CLI
        if value is not None and not isinstance(value, bool):
            raise fail(key, f"must be true or false, not {value!r}")
        out[key] = value
    status = fields.get("status") or ("published" if out["published"] else "draft")
    if status not in ("published", "draft"):
        raise fail("status", f"must be 'published' or 'draft', not {status!r}")
    out["status"] = status
    return out


def _datetime(value: object, fail: Callable[[str, str], FrontMatterError], key: str):
    """YAML dates and datetimes, or ISO text; aware times become naive UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise fail(key, f"is not a date like 2026-01-29 08:30: {value!r}") from None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    raise fail(key, f"is not a date: {value!r}")


def markdown_files(folder: str) -> list[Path]:
    """The Markdown files in ``folder`` and below, in name order."""
    root = Path(folder)
    if not root.exists():
        raise EditorialError(f"No such folder: {folder}")
    if not root.is_dir():
        raise EditorialError(f"{folder} is not a folder (give the folder of .md files)")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    if not files:
        raise EditorialError(f"No Markdown files (*.md) in {folder}")
    return files


def import_markdown(folder: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create or update one article per file; bad files are reported, the rest imported."""
    report = ImportReport()
    files = markdown_files(folder)
    with writing():
        try:
            for path in files:
                name = os.path.relpath(path, folder)
                try:
                    parsed = read_markdown_file(path)
                    with db.session.begin_nested():
                        _store(parsed, report)
                    for key in parsed.unknown:
                        report.warnings.append(
                            f"{name}:{parsed.lines.get(key, 1)}: unknown key '{key}' ignored"
                        )
                except FrontMatterError as error:
                    report.fail(f"{name}:{error.line}", error.message)
                except (ValueError, SQLAlchemyError) as error:
                    report.fail(name, str(getattr(error, "orig", None) or error).splitlines()[0])
                if progress:
                    progress(1)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    if report.created["articles"] or report.updated["articles"]:
        signals.articles_bulk_changed.send()
    return report


def _store(parsed: MarkdownArticle, report: ImportReport) -> None:
    values = parsed.fields
    category = ensure_category(values["category"], None, report)
    author = ensure_author(values["author"], None, report)
    tags = {tag.id: tag for tag in (ensure_tag(n, None, report) for n in values["tags"])}
    article = db.session.scalar(
        select(Article).options(selectinload(Article.tags)).where(Article.slug == values["slug"])
    )
    created = article is None
    if article is None:
        article = Article(slug=values["slug"], tags=[])
    now = utcnow().replace(microsecond=0)
    published = values["published"]
    if values["status"] == "published" and published is None:
        published = article.published_at or now
    body = parsed.body_html
    article.title = values["title"]
    article.body_html = body
    article.excerpt = values["excerpt"] or make_excerpt(clean_article_html(body))
    article.category_id = category.id
    article.author_id = author.id
    article.tags = list(tags.values())
    article.status = values["status"]
    article.published_at = published
    article.updated_at = values["updated"] or published or now
    if created:
        article.created_at = published or now
    article.hero_image = clean_image_url(values["image"])
    article.hero_alt = values["alt"] or (values["title"] if values["image"] else "")
    article.hero_caption = values["caption"]
    article.hero_credit = values["credit"]
    if values["featured"] is not None or created:
        article.is_featured = bool(values["featured"])
    if values["hot"] is not None or created:
        article.is_hot = bool(values["hot"])
    db.session.add(article)
    db.session.flush()
    report.count("articles", created)
