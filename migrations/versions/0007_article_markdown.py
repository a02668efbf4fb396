"""article.body_markdown: the Markdown a story was written in, in the newsroom

``body_html`` stays what readers get (rendered and sanitized on save); the newsroom's editor
needs the text the writer typed to edit it again. Empty for stories imported or seeded as HTML.
A column only: no row is touched.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("body_markdown", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("article") as batch:
        batch.drop_column("body_markdown")
