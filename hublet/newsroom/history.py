"""A story's history and its way through review: revisions (list, diff, restore), sending a
story back to its author with a note, and the trash (restorable for 30 days, then purged).

Restoring a revision is an ordinary save through :func:`services.save_story` (so the version
it started from is checked and the restore is itself a revision); trash and restore bump the
version too, so an editor left open on a trashed story cannot save it back to life. Sending
back, trashing and restoring go into moderation's audit log in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from hublet import signals
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Account, Article, ArticleRevision
from hublet.moderation.services import record
from hublet.newsroom.services import StoryValues, _claim_version, keep_revision, save_story
from hublet.timeutil import utcnow

#: How long a trashed story can be restored before ``flask newsroom purge-trash`` deletes it.
TRASH_DAYS = 30
#: The longest note an editor may send back with a story.
MAX_NOTE = 2000
#: Unchanged lines shown around each change of a diff; longer unchanged runs are folded.
CONTEXT_LINES = 2
#: Above this many word pairs a changed block is shown as removed-then-added lines, not
#: word by word (``SequenceMatcher`` is quadratic; a story must never make a page slow).
_WORD_DIFF_LIMIT = 250_000
_WORDS = re.compile(r"\s+|[^\s]+")

#: What made a revision, in words for people.
REASONS = {
    "save": "Saved while published",
    "submit": "Submitted for review",
    "publish": "Published",
    "schedule": "Scheduled",
    "restore": "Restored from an earlier revision",
    "before restore": "Kept before a restore",
}


class NotInState(Exception):
    """The story is not where the action needs it (not in review, not in the trash...)."""


# --- Revisions -------------------------------------------------------------------------------


def revisions(article_id: int) -> list[ArticleRevision]:
    """The story's revisions, newest first."""
    return list(
        db.session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article_id)
            .order_by(ArticleRevision.created_at.desc(), ArticleRevision.id.desc())
        )
    )


def revision(article_id: int, revision_id: int) -> ArticleRevision | None:
    """One revision of this story (None when it belongs to another or does not exist)."""
    return db.session.scalar(
        select(ArticleRevision).where(
            ArticleRevision.id == revision_id, ArticleRevision.article_id == article_id
        )
    )


@dataclass(frozen=True)
class Segment:
    """A stretch of text in a diff: ``same``, ``del`` (only in the revision), ``ins`` (only
    in the current text) or ``fold`` (``text`` says how many unchanged lines are hidden)."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    """One field (title, excerpt, body) of a revision against the current story."""

    label: str
    changed: bool
    segments: list[Segment]


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].kind == segment.kind and segment.kind != "fold":
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _changed_block(old: str, new: str) -> list[Segment]:
    """A replaced block word by word (whitespace kept), or whole when it is too large."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    if len(a) * len(b) > _WORD_DIFF_LIMIT:
        return [Segment("del", old), Segment("ins", new)]
    out: list[Segment] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(Segment("same", "".join(a[i1:i2])))
        else:
            out.append(Segment("del", "".join(a[i1:i2])))
            out.append(Segment("ins", "".join(b[j1:j2])))
    return out


def _unchanged(lines: list[str], first: bool, last: bool, context: int) -> list[Segment]:
    """An unchanged run of lines, folded but for ``context`` lines next to each change."""
    head = [] if first else lines[:context]
    tail = [] if last else lines[-context:] if context else []
    if len(lines) <= len(head) + len(tail) + 1:
        return [Segment("same", "".join(lines))]
    hidden = len(lines) - len(head) - len(tail)
    word = "line" if hidden == 1 else "lines"
    return [
        Segment("same", "".join(head)),
        Segment("fold", f"{hidden} unchanged {word}"),
        Segment("same", "".join(tail)),
    ]


def diff_text(old: str, new: str, context: int = CONTEXT_LINES) -> list[Segment]:
    """``old`` against ``new``: lines first, then the words of each changed block."""
    a, b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    opcodes = matcher.get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return [Segment("same", old or "")] if old else []
    out: list[Segment] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            out.extend(_unchanged(a[i1:i2], n == 0, n == len(opcodes) - 1, context))
        else:
            out.extend(_changed_block("".join(a[i1:i2]), "".join(b[j1:j2])))
    return _merge(out)


def _body(article: Article) -> str:
    return article.body_markdown or article.body_html


def compare(revision: ArticleRevision, article: Article) -> list[FieldDiff]:
    """Each field of the revision against the story's current text."""
    fields = (
        ("Title", revision.title, article.title),
        ("Excerpt", revision.excerpt, article.excerpt),
        ("Body", revision.body_markdown, _body(article)),
    )
    return [
        FieldDiff(label, (old or "") != (new or ""), diff_text(old, new))
        for label, old, new in fields
    ]


def _current_values(article: Article, revision: ArticleRevision) -> StoryValues:
    """The story as it is, but with the revision's title, excerpt and body."""
    return StoryValues(
        title=revision.title,
        slug=article.slug,
        category_id=article.category_id,
        tags=[tag.name for tag in article.tags],
        excerpt=revision.excerpt,
        body_markdown=revision.body_markdown,
        hero_image=article.hero_image,
        hero_alt=article.hero_alt,
        hero_caption=article.hero_caption,
        hero_credit=article.hero_credit,
        is_featured=article.is_featured,
        is_hot=article.is_hot,
        comments_open=article.comments_open,
        hero_picture_id=article.hero_picture_id,
    )


def _text_is_kept(article: Article) -> bool:
    """True when the story's current text is already its newest revision."""
    newest = db.session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.created_at.desc(), ArticleRevision.id.desc())
        .limit(1)
    )
    return newest is not None and (newest.title, newest.excerpt, newest.body_markdown) == (
        article.title,
        article.excerpt,
        _body(article),
    )


def restore_revision(
    account: Account,
    article: Article,
    kept: ArticleRevision,
    base_version: int | None,
    publisher: bool,
) -> Article:
    """Make the revision's title, excerpt and body the story's text: a save (``restore``)
    from ``base_version``; :class:`services.StaleVersion` when the story moved on since.

    Nothing is lost: a published story's text is a revision already; a draft's current text
    is kept as one ("before restore") in the same transaction, unless it is one already."""
    values = _current_values(article, kept)
    if article.status != "published" and not _text_is_kept(article):
        keep_revision(article, account, "before restore")  # committed by save_story, or not
    saved = save_story(account, article, values, "restore", None, publisher, base_version)
    if saved.status != "published":  # save_story keeps a revision for published stories only
        with writing():
            keep_revision(saved, account, "restore")
            db.session.commit()
    return saved


# --- Sending back ----------------------------------------------------------------------------


def in_review(article: Article) -> bool:
    """True for a draft its author sent for review (and not in the trash)."""
    return (
        article.status == "draft"
        and article.submitted_at is not None
        and article.trashed_at is None
    )


def send_back(account: Account, article: Article, note: str) -> None:
    """An in-review story goes back to its author as a draft, with the editor's note."""
    if not in_review(article):
        raise NotInState("This story is not in review.")
    with writing():
        article.submitted_at = None
        article.review_note = note
        article.updated_at = utcnow()
        detail = f"“{article.title}”" + (f": {note}" if note else "")
        record(account, "send back", "article", article.id, detail)
        db.session.commit()


# --- The trash -------------------------------------------------------------------------------


def purge_after(article: Article) -> datetime | None:
    """When ``flask newsroom purge-trash`` may delete this trashed story."""
    if article.trashed_at is None:
        return None
    return article.trashed_at + timedelta(days=TRASH_DAYS)


def trash(account: Account, article: Article) -> None:
    """Move the story to the trash: a draft no reader sees, restorable for 30 days."""
    if article.trashed_at is not None:
        raise NotInState("This story is in the trash already.")
    with writing():
        _claim_version(article, None)  # an editor still open on it can no longer save it
        was = "published" if article.status == "published" else "draft"
        article.status = "draft"
        article.trashed_at = utcnow()
        record(account, "trash", "article", article.id, f"“{article.title}” (was {was})")
        article_id = article.id
        db.session.commit()
    signals.article_changed.send(article_id)


def untrash(account: Account, article: Article) -> None:
    """Take the story out of the trash: a draft again, where it was (draft or in review)."""
    if article.trashed_at is None:
        raise NotInState("This story is not in the trash.")
    with writing():
        _claim_version(article, None)
        article.trashed_at = None
        record(account, "restore", "article", article.id, f"“{article.title}” from the trash")
        article_id = article.id
        db.session.commit()
    signals.article_changed.send(article_id)


def trashed_stories(byline: int | None = None, limit: int = 200) -> list[Article]:
    """Stories in the trash, most recently trashed first; ``byline``: one author's only."""
    stmt = (
        select(Article)
        .options(joinedload(Article.category), joinedload(Article.author))
        .where(Article.trashed_at.is_not(None))
    )
    if byline is not None:
        stmt = stmt.where(Article.author_id == byline)
    stmt = stmt.order_by(Article.trashed_at.desc(), Article.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def purge_trash(now: datetime | None = None) -> int:
    """Delete the stories trashed more than ``TRASH_DAYS`` ago (their revisions, old slugs,
    tags and comments go with them); returns how many. Rerunning it finds nothing more."""
    cutoff = (now or utcnow()) - timedelta(days=TRASH_DAYS)
    with writing():
        ids = list(
            db.session.scalars(
                select(Article.id).where(
                    Article.trashed_at.is_not(None),
                    Article.trashed_at < cutoff,
                    Article.status == "draft",
                )
            )
        )
        if ids:
            # The database's ON DELETE CASCADE takes revisions, old slugs, tags, comments.
            db.session.execute(
                delete(Article)
                .where(Article.id.in_(ids))
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
    for article_id in ids:
        signals.article_changed.send(article_id)  # out of the search index
    return len(ids)
