"""WordPress ids on articles, pages and comments

Imports from WordPress remember each post's and comment's WordPress id, so that running an
import again updates instead of duplicating, and old ``/?p=ID`` links can be redirected.
Plain ADD COLUMN and CREATE UNIQUE INDEX: no table is rebuilt, no row is touched.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("article", "wp_post_id"),
    ("page", "wp_post_id"),
    ("comment", "wp_comment_id"),
)


def upgrade():
    for table, column in _COLUMNS:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_index(f"ix_{table}_{column}", table, [column], unique=True)


def downgrade():
    for table, column in reversed(_COLUMNS):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the
        # article table, and with foreign keys on that deletes its comments.
        op.drop_column(table, column)
