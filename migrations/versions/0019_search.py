"""Search: a partial index of opening posts newest first, so that a search over a thread's title and opening
text together walks only opening posts (see community/boards/search.py).

Revision ID: 0019_search
Revises: 0016_fund
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_search"
down_revision = "0017_assembly_more"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_posts_opening_id", "posts", ["id"], postgresql_where=sa.text("opening"),
                    sqlite_where=sa.text("opening"))


def downgrade():
    op.drop_index("ix_posts_opening_id", table_name="posts")
