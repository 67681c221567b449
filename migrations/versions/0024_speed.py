"""Two-character search terms on PostgreSQL: a GIN index of each post's and title's two-character pieces, so that
a rare two-character word (风铃) can drive a search as pg_trgm's index lets a longer one (pg_trgm has no trigram
inside a two-character term). Nothing on SQLite, whose FTS5 ``*_chars`` tables already serve such terms.

Revision ID: 0024_speed
Revises: 0023_writing
Create Date: 2026-12-02
"""
from alembic import op

revision = "0024_speed"
down_revision = "0023_writing"
branch_labels = None
depends_on = None

# Lower-cased, as ILIKE folds case; IMMUTABLE, so that an index may be built on it.
UPGRADE = [
    """CREATE FUNCTION linli_bigrams(value text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, 2)), '{}')
         FROM generate_series(1, length(value) - 1) AS i $$""",
    "CREATE INDEX ix_posts_body_bigrams ON posts USING gin (linli_bigrams(body))",
    "CREATE INDEX ix_threads_title_bigrams ON threads USING gin (linli_bigrams(title))",
]
DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_threads_title_bigrams",
    "DROP INDEX IF EXISTS ix_posts_body_bigrams",
    "DROP FUNCTION IF EXISTS linli_bigrams(text)",
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
