"""article_category: an article's other categories, besides its primary one

A WordPress post filed under several categories keeps its primary one in
``article.category_id`` and is listed in the others' archives through this table. A new table
and its index only: no existing table is rebuilt, no row is touched.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_category",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_category_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_article_category_category_id_category"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "category_id", name=op.f("pk_article_category")),
    )
    # The archive asks "which articles are also in this category": category first.
    op.create_index(
        "ix_article_category_category_id_article_id",
        "article_category",
        ["category_id", "article_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_article_category_category_id_article_id", table_name="article_category")
    op.drop_table("article_category")
