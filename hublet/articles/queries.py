"""Reads of published articles. Every listing loads what its cards show in the same query."""

from __future__ import annotations

from sqlalchemy import Select, and_, case, func, inspect, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement

from hublet.extensions import db
from hublet.models import (
    Article,
    ArticleOldSlug,
    Author,
    Category,
    Picture,
    Tag,
    article_category,
    article_tag,
)
from hublet.paging import Cursor, Page, keyset_page, numbered_page, older_than
from hublet.timeutil import utcnow


def is_visible() -> ColumnElement[bool]:
    """The SQL condition for an article a reader may see: published, and its time has come."""
    return and_(Article.status == "published", Article.published_at <= utcnow())


def with_pictures() -> tuple:
    """Loader options for an article's library picture and its files: one statement for a
    whole listing (the pictures with their files joined), none when no article in it has one."""
    return (selectinload(Article.hero_picture).joinedload(Picture.variants),)


def with_hero_pictures(articles: list[Article]) -> list[Article]:
    """Give articles read without :func:`with_pictures` their pictures, in one statement.

    For lists gathered from several queries (Top Posts, What's Hot): loading once for the
    chosen few costs the same whichever queries filled the list.
    """
    missing = [a for a in articles if "hero_picture" in inspect(a).unloaded]
    ids = {a.hero_picture_id for a in missing if a.hero_picture_id is not None}
    pictures = {}
    if ids:
        statement = select(Picture).where(Picture.id.in_(ids)).options(joinedload(Picture.variants))
        pictures = {p.id: p for p in db.session.scalars(statement).unique()}
    for article in missing:
        picture = pictures.get(article.hero_picture_id) if article.hero_picture_id else None
        set_committed_value(article, "hero_picture", picture)
    return articles


def _cards(statement: Select) -> Select:
    """Newest first, with what a card shows (category, author, picture) loaded."""
    return statement.options(
        joinedload(Article.category), joinedload(Article.author), *with_pictures()
    ).order_by(Article.published_at.desc(), Article.id.desc())


def _place(article: Article) -> Cursor:
    """Where an article sits in a newest-first listing."""
    return article.published_at, article.id  # type: ignore[return-value]


def _page_of(
    condition: ColumnElement[bool], page: int, per_page: int, before: Cursor | None = None
) -> Page[Article]:
    """Page ``page`` by offset, or, given ``before``, the ``per_page`` articles older than it.

    Infinite scroll asks by cursor so that an article published meanwhile neither repeats a
    card nor hides one; ``page`` then only numbers the page for titles and the next link.
    """
    total = db.session.scalar(select(func.count()).select_from(Article).where(condition)) or 0
    if before is None:
        items = db.session.scalars(
            _cards(select(Article).where(condition)).limit(per_page).offset((page - 1) * per_page)
        ).all()
        return numbered_page(list(items), page, per_page, total, _place)
    older = older_than(Article.published_at, Article.id, before)
    rows = db.session.scalars(
        _cards(select(Article).where(condition, older)).limit(per_page + 1)
    ).all()
    return keyset_page(list(rows), per_page, _place, page, total)


def latest_articles(
    page: int = 1, per_page: int = 10, before: Cursor | None = None
) -> Page[Article]:
    """The home page's listing."""
    return _page_of(is_visible(), page, per_page, before)


def category_articles(
    category: Category, page: int, per_page: int, before: Cursor | None = None
) -> Page[Article]:
    """A category archive: its articles, and those filed here as well."""
    return _page_of(and_(is_visible(), filed_under(category.id)), page, per_page, before)


def filed_under(category_id: int) -> ColumnElement[bool]:
    """Articles of a category: its own, and those filed there as well (``article_category``).

    The OR costs the category's own index (the planner walks the site-wide listing instead),
    so it is added only when some article is filed there as well: one indexed lookup.
    """
    in_category: ColumnElement[bool] = Article.category_id == category_id
    also_here = select(article_category.c.article_id).where(
        article_category.c.category_id == category_id
    )
    if db.session.scalar(select(also_here.exists())):
        in_category = or_(in_category, Article.id.in_(also_here))
    return in_category


def author_articles(
    author: Author, page: int, per_page: int, before: Cursor | None = None
) -> Page[Article]:
    """An author archive."""
    return _page_of(and_(is_visible(), Article.author_id == author.id), page, per_page, before)


def tag_articles(tag: Tag, page: int, per_page: int, before: Cursor | None = None) -> Page[Article]:
    """A tag archive."""
    tagged = Article.id.in_(select(article_tag.c.article_id).where(article_tag.c.tag_id == tag.id))
    return _page_of(and_(is_visible(), tagged), page, per_page, before)


def recent_titles(limit: int = 5) -> list[Article]:
    """The newest articles, for title-and-date lists."""
    statement = (
        select(Article)
        .where(is_visible())
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def visible_article(slug: str) -> Article | None:
    """The article at ``slug`` with everything its page shows, if a reader may see it."""
    statement = (
        select(Article)
        .where(Article.slug == slug, is_visible())
        .options(
            joinedload(Article.category),
            joinedload(Article.author),
            selectinload(Article.tags),
            # The hero and its files in the same statement: a story page costs no more for it.
            joinedload(Article.hero_picture).joinedload(Picture.variants),
        )
    )
    return db.session.scalars(statement).unique().first()


def moved_slug(old_slug: str) -> str | None:
    """The slug a visible story has now, when an editor changed it from ``old_slug``."""
    statement = (
        select(Article.slug)
        .join(ArticleOldSlug, ArticleOldSlug.article_id == Article.id)
        .where(ArticleOldSlug.slug == old_slug, is_visible())
    )
    return db.session.scalar(statement)


def related_articles(article: Article, limit: int = 3) -> list[Article]:
    """Most shared tags first, then the same category, then the newest; never itself."""
    tag_ids = [tag.id for tag in article.tags]
    shared = (
        select(func.count())
        .select_from(article_tag)
        .where(article_tag.c.article_id == Article.id, article_tag.c.tag_id.in_(tag_ids))
        .scalar_subquery()
        if tag_ids
        else None
    )
    same_category = case((Article.category_id == article.category_id, 1), else_=0)
    order = [same_category.desc(), Article.published_at.desc(), Article.id.desc()]
    if shared is not None:
        order.insert(0, shared.desc())
    statement = (
        select(Article)
        .where(is_visible(), Article.id != article.id)
        .options(*with_pictures())
        .order_by(*order)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def author_by_slug(slug: str) -> Author | None:
    return db.session.scalar(select(Author).where(Author.slug == slug))


def tag_by_slug(slug: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def menu_categories() -> list[Category]:
    """All categories in menu order."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
