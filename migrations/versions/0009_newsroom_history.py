"""newsroom history: versions against lost updates, revisions, trash, old slugs, page markdown

``article.version`` / ``page.version`` count saves (a save that started from an older one is
refused); ``article.trashed_at`` marks a story in the trash (restorable for 30 days),
``article.review_note`` is an editor's note sending a story back;
``article_revision`` keeps a story's text at each save of a published story and each submit;
``article_old_slug`` keeps the slugs a published story had, so old addresses 301;
``page.body_markdown`` is what the newsroom's page editor typed. New columns (with defaults)
and tables only: no row is rewritten.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("trashed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("page") as batch:
        batch.add_column(sa.Column("body_markdown", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "article_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("account_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_revision_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["moderator.id"],
            name=op.f("fk_article_revision_account_id_moderator"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revision")),
    )
    op.create_index(
        "ix_article_revision_article", "article_revision", ["article_id", "created_at", "id"]
    )
    op.create_table(
        "article_old_slug",
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_old_slug_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_article_old_slug")),
    )
    op.create_index(
        op.f("ix_article_old_slug_article_id"), "article_old_slug", ["article_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_article_old_slug_article_id"), table_name="article_old_slug")
    op.drop_table("article_old_slug")
    op.drop_index("ix_article_revision_article", table_name="article_revision")
    op.drop_table("article_revision")
    with op.batch_alter_table("page") as batch:
        batch.drop_column("version")
        batch.drop_column("body_markdown")
    with op.batch_alter_table("article") as batch:
        batch.drop_column("review_note")
        batch.drop_column("trashed_at")
        batch.drop_column("version")
