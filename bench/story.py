"""Facts the bench needs from its seeded database, and the story it publishes for the burst.

    python -m bench.story busiest     # the slug of the article with the most comments
    python -m bench.story publish     # publish a new story now; prints its slug

Run with the bench's environment (``HUBLET_INSTANCE_PATH``, ``DATABASE_URL``): it works on the
bench's throwaway copy of the seed, never on the seed itself.
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import select

from hublet import create_app
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article
from hublet.timeutil import utcnow


def busiest() -> str:
    """The slug of the published article with the most comments."""
    return db.session.scalar(
        select(Article.slug)
        .where(Article.status == "published")
        .order_by(Article.comment_count.desc(), Article.id)
        .limit(1)
    )


def publish() -> str:
    """Publish a story as the newsroom does (an ORM write, so the content version moves and
    every cached page retires), modelled on the newest story; returns its slug."""
    model = db.session.scalars(
        select(Article).where(Article.status == "published").order_by(Article.id.desc()).limit(1)
    ).one()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    now = utcnow().replace(microsecond=0)
    story = Article(
        title=f"Breaking: the bench story of {stamp}",
        slug=f"bench-breaking-{stamp}",
        excerpt="A story that has just been published, for the burst test.",
        body_html=model.body_html,
        word_count=model.word_count,
        hero_image=model.hero_image,
        hero_alt=model.hero_alt,
        category_id=model.category_id,
        author_id=model.author_id,
        status="published",
        published_at=now,
        updated_at=now,
        created_at=now,
    )
    with writing():
        db.session.add(story)
        db.session.commit()
    return story.slug


def main(argv: list[str]) -> int:
    commands = {"busiest": busiest, "publish": publish}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: python -m bench.story {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    app = create_app()
    with app.app_context():
        print(commands[argv[0]]())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
