"""The whole schema, in one readable file.

Relationships are declared ``lazy="raise"``: the query that needs related rows loads them
eagerly (``selectinload`` / ``joinedload``), and a template touching an unloaded relationship
fails in the tests instead of costing one query per card in production.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import InstanceState, Mapped, mapped_column, relationship

from hublet.extensions import db
from hublet.sanitize import STORED_POLICIES, count_words
from hublet.timeutil import utcnow

if TYPE_CHECKING:  # db.Model is made from Base at run time; mypy reads Base's typing
    from hublet.extensions import Base as Model
else:
    Model = db.Model

ARTICLE_STATUSES = ("draft", "published")
COMMENT_STATUSES = ("pending", "approved", "spam", "trash")
#: Who may log in, least power first: authors write, editors publish, moderators handle
#: comments, admins do everything.
ACCOUNT_ROLES = ("author", "editor", "moderator", "admin")
#: The reading speed behind an article's "N Mins Read".
WORDS_PER_MINUTE = 200


class Category(Model):
    """A section of the paper; the main menu lists them by position, some under "More"."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    in_more_menu: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Author(Model):
    """A byline."""

    __tablename__ = "author"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Author {self.slug}>"


class Tag(Model):
    """A keyword an article is filed under."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


article_tag = Table(
    "article_tag",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_article_tag_tag_id_article_id", "tag_id", "article_id"),
)

# An article's other categories, besides its primary ``Article.category_id`` (a WordPress post
# filed under several): its archive lists it in each. Read by the category archive only.
article_category = Table(
    "article_category",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_article_category_category_id_article_id", "category_id", "article_id"),
)


class Article(Model):
    """A story. Readers see it only when published and its published_at has come."""

    __tablename__ = "article"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        Index("ix_article_listing", "status", "published_at", "id"),
        Index("ix_article_category_listing", "category_id", "status", "published_at", "id"),
        Index("ix_article_author_listing", "author_id", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    # Sanitized on every save (_through_the_gate below); never raw editor input.
    body_html: Mapped[str] = mapped_column(Text, default="")
    # What the newsroom's writer typed (body_html is made from it); "" for HTML-only stories.
    body_markdown: Mapped[str] = mapped_column(Text, default="", server_default="")
    word_count: Mapped[int] = mapped_column(Integer, default=0)

    hero_image: Mapped[str] = mapped_column(String(500), default="")
    hero_alt: Mapped[str] = mapped_column(String(300), default="")
    hero_caption: Mapped[str] = mapped_column(String(500), default="")
    hero_credit: Mapped[str] = mapped_column(String(200), default="")
    hero_width: Mapped[int] = mapped_column(Integer, default=1200)
    hero_height: Mapped[int] = mapped_column(Integer, default=675)

    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), index=True)

    status: Mapped[str] = mapped_column(String(16), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When its author sent the draft for review (the newsroom's "In review"); None otherwise.
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    is_hot: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    comments_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # The post's id on the WordPress site it was imported from (re-imports, /?p=ID links).
    wp_post_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True, index=True)
    # Approved comments only; kept by the comments service so that listings need no COUNT.
    comment_count: Mapped[int] = mapped_column(Integer, default=0)

    # Bumped by every save: a save that started from an older version is refused (409), so
    # two people on one story never overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # In the trash since then (a draft no reader sees); restorable for 30 days, then purged.
    trashed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # An editor's note when sending a story back to its author ("" when there is none).
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    # A library picture as the hero; when None the hero_* columns above are what readers see.
    hero_picture_id: Mapped[int | None] = mapped_column(
        ForeignKey("picture.id", ondelete="SET NULL"), nullable=True
    )

    category: Mapped[Category] = relationship(lazy="raise")
    author: Mapped[Author] = relationship(lazy="raise")
    tags: Mapped[list[Tag]] = relationship(secondary=article_tag, lazy="raise", order_by=Tag.name)
    hero_picture: Mapped[Picture | None] = relationship(lazy="raise")

    @property
    def reading_minutes(self) -> int:
        """About ``WORDS_PER_MINUTE`` words a minute, at least one minute."""
        return max(1, math.ceil((self.word_count or 0) / WORDS_PER_MINUTE))

    @property
    def was_updated(self) -> bool:
        """True when the update falls on another moment than publication (shown in the meta)."""
        if self.published_at is None or self.updated_at is None:
            return False
        return (self.updated_at - self.published_at).total_seconds() > 60

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class Page(Model):
    """A static page (About Us, Contact Us, Privacy Policy, Terms & Conditions, Disclaimer)."""

    __tablename__ = "page"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    body_html: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # What the newsroom's editor typed (body_html is made from it); "" for seeded/imported HTML.
    body_markdown: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Bumped by every save, as Article.version: a stale save is refused, never overwrites.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The page's id on the WordPress site it was imported from (re-imports, /?page_id=ID).
    wp_post_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True, index=True)


class ArticleRevision(Model):
    """A story as it was at one save of a published story, or at a submit: who, when, what.

    The editor lists them, shows a diff against the current text, and restores one (which
    is itself a new save, so nothing is ever lost by restoring)."""

    __tablename__ = "article_revision"
    __table_args__ = (Index("ix_article_revision_article", "article_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    # The article's version this revision was saved as.
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    # What made it: "save", "submit", "publish", "schedule", "restore".
    reason: Mapped[str] = mapped_column(String(16), default="save")
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL"), nullable=True
    )
    account_name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ArticleOldSlug(Model):
    """A slug a published story had before an editor changed it: the old address 301s."""

    __tablename__ = "article_old_slug"

    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ContactMessage(Model):
    """A message a reader sent through the Contact Us form."""

    __tablename__ = "contact_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)


class Comment(Model):
    """A reader's comment; only approved ones are public."""

    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'spam', 'trash')", name="status"),
        Index("ix_comment_thread", "article_id", "status", "created_at"),
        Index("ix_comment_moderation", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), nullable=True, index=True
    )
    depth: Mapped[int] = mapped_column(Integer, default=1)
    author_name: Mapped[str] = mapped_column(String(80))
    author_email: Mapped[str] = mapped_column(String(254), index=True)
    author_url: Mapped[str] = mapped_column(String(200), default="")
    body_html: Mapped[str] = mapped_column(Text)  # sanitized through hublet.sanitize
    status: Mapped[str] = mapped_column(String(16), default="pending")
    ip_address: Mapped[str] = mapped_column(String(64), default="", index=True)
    user_agent: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The comment's id on the WordPress site it was imported from (re-imports update it).
    wp_comment_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, unique=True, index=True
    )

    article: Mapped[Article] = relationship(lazy="raise")
    parent: Mapped[Comment | None] = relationship(remote_side=[id], lazy="raise")


class ModerationSetting(Model):
    """One moderation setting (keyword lists, thresholds) a moderator can change."""

    __tablename__ = "moderation_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Account(Model):
    """Someone who logs in: an author, editor, moderator or admin (``ACCOUNT_ROLES``).

    The table keeps its first name, ``moderator``: the accounts from before roles existed are
    its rows, and they stay moderators.
    """

    __tablename__ = "moderator"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(16), default="moderator", server_default="moderator")
    # The byline the account's stories carry (authors and editors); made on their first story.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("author.id", ondelete="SET NULL"), nullable=True
    )
    # Bumped on logout and password change: every session cookie minted before dies with it.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


#: The name every module used before accounts had roles.
Moderator = Account


class AuditEntry(Model):
    """One moderator action: who did what to which item, when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL"), nullable=True
    )
    moderator_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    item_type: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ArticleViewDay(Model):
    """Views of one article on one day (UTC), counted once per visitor."""

    __tablename__ = "article_view_day"
    __table_args__ = (
        UniqueConstraint("article_id", "day", name="uq_article_view_day_article_day"),
        Index("ix_article_view_day_day", "day", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    day: Mapped[datetime] = mapped_column(Date)
    views: Mapped[int] = mapped_column(Integer, default=0)


class Picture(Model):
    """An uploaded picture: checked, oriented, stripped of metadata, kept in a few widths.

    ``source_sha256`` is the hash of the upload's bytes, so the same upload twice is one row;
    the files themselves are the variants, each named after the hash of its own bytes.
    """

    __tablename__ = "picture"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Upright (orientation applied) pixel size of the largest variant, and its format's extension.
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    alt: Mapped[str] = mapped_column(String(300), default="")
    caption: Mapped[str] = mapped_column(String(500), default="")
    credit: Mapped[str] = mapped_column(String(200), default="")
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderator.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    variants: Mapped[list[PictureVariant]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(PictureVariant.format, PictureVariant.width)",
    )

    def __repr__(self) -> str:
        return f"<Picture {self.id} {self.width}x{self.height}>"


class PictureVariant(Model):
    """One stored file of a picture: a width in a format, under its content address."""

    __tablename__ = "picture_variant"
    __table_args__ = (
        UniqueConstraint("picture_id", "format", "width", name="uq_picture_variant_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    picture_id: Mapped[int] = mapped_column(ForeignKey("picture.id", ondelete="CASCADE"))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    bytes: Mapped[int] = mapped_column(Integer)
    # The storage key: "<sha256 of the stored bytes>.<format>".
    key: Mapped[str] = mapped_column(String(80))


class ContentVersion(Model):
    """One counter, bumped by every transaction that changes what readers see.

    Cached pages and data carry it in their keys (hublet.caching), so a write retires them all
    at once in every process and on every host.
    """

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer, default=1)


#: Where :func:`add_body_step` keeps the steps a story or page body takes after the sanitizer.
BODY_STEPS_KEY = "hublet.body_steps"
BodyStep = Callable[[str, Connection], str]


def add_body_step(app: Flask, step: BodyStep) -> None:
    """Have every article and page body saved in ``app`` go through ``step`` (given the
    sanitized HTML and the flush's connection), then through the sanitizer again: a feature
    (the media library's body figures) adds to bodies without a writer path of its own."""
    steps = app.extensions.setdefault(BODY_STEPS_KEY, [])
    if step not in steps:
        steps.append(step)


def _through_the_gate(_mapper, connection: Connection, row: Article | Page | Comment) -> None:
    """Whoever saves a row (forms, seed, importers, CLI, an editor), its HTML and URL columns
    are stored sanitized (``hublet.sanitize.STORED_POLICIES``); an article's word count follows
    its body."""
    state: InstanceState[Any] = inspect(row)
    changed = set()
    for column, policy in STORED_POLICIES[row.__tablename__].items():
        if state.pending or getattr(state.attrs, column).history.has_changes():
            setattr(row, column, policy(getattr(row, column) or ""))
            changed.add(column)
    if isinstance(row, Article | Page) and "body_html" in changed and has_app_context():
        clean = STORED_POLICIES[row.__tablename__]["body_html"]
        for step in current_app.extensions.get(BODY_STEPS_KEY, ()):
            stepped = step(row.body_html, connection)
            if stepped != row.body_html:
                row.body_html = clean(stepped)  # the sanitizer has the last word
    if isinstance(row, Article) and "body_html" in changed:
        row.word_count = count_words(row.body_html)


for _model in (Article, Page, Comment):
    event.listen(_model, "before_insert", _through_the_gate)
    event.listen(_model, "before_update", _through_the_gate)
