"""account roles: everyone who logs in is an account with a role; stories can be in review

The ``moderator`` table becomes the account table: a ``role`` column (author, editor,
moderator, admin) whose default makes every account from before a moderator, as it was, and
the byline (``author_id``) an author's or editor's stories carry. ``article.submitted_at`` marks
a draft its author sent for review. Columns only: no row is lost, every login keeps working.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("moderator") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="moderator")
        )
        batch.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_moderator_author_id_author"),
            "author",
            ["author_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("article") as batch:
        batch.drop_column("submitted_at")
    with op.batch_alter_table("moderator") as batch:
        batch.drop_constraint(op.f("fk_moderator_author_id_author"), type_="foreignkey")
        batch.drop_column("author_id")
        batch.drop_column("role")
