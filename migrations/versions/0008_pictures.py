"""pictures: the media library's pictures and their stored widths; an article's hero picture

``picture`` is one upload (checked, oriented, stripped of metadata), ``picture_variant`` each
file kept of it (a width in a format, named after the hash of its bytes).
``article.hero_picture_id`` lets a story use a library picture as its hero; it is empty for every
existing story, which keeps showing its ``hero_image`` address. New tables and a column only.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "picture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=False),
        sa.Column("caption", sa.String(length=500), nullable=False),
        sa.Column("credit", sa.String(length=200), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["moderator.id"],
            name=op.f("fk_picture_uploader_id_moderator"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_picture")),
        sa.UniqueConstraint("source_sha256", name=op.f("uq_picture_source_sha256")),
    )
    op.create_table(
        "picture_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("picture_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["picture_id"],
            ["picture.id"],
            name=op.f("fk_picture_variant_picture_id_picture"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_picture_variant")),
        sa.UniqueConstraint("picture_id", "format", "width", name="uq_picture_variant_size"),
    )
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("hero_picture_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_article_hero_picture_id_picture"),
            "picture",
            ["hero_picture_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("article") as batch:
        batch.drop_constraint(op.f("fk_article_hero_picture_id_picture"), type_="foreignkey")
        batch.drop_column("hero_picture_id")
    op.drop_table("picture_variant")
    op.drop_table("picture")
