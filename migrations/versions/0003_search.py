"""Search indexes: FTS5 tables kept by triggers on SQLite, pg_trgm GIN indexes on PostgreSQL.

See community/boards/search.py for the design. On SQLite the triggers call ``linli_spaced``, which the
application registers on every connection (``community._sqlite_pragmas``), so this runs inside the app as
``flask db upgrade`` does.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# Punctuation and symbols are tokens too, so a term never matches across them.
CHARS = "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co P* S*'\""
# The thread's title indexed with a post: only opening posts carry it.
TITLE = "CASE WHEN {row}.opening THEN (SELECT title FROM threads WHERE id = {row}.thread_id) END"


def _post(row: str, command: str = "") -> str:
    """Add a post to both posts indexes or, with command 'delete', take it out (contentless tables need the
    values it was indexed with)."""
    title = TITLE.format(row=row)
    head = "posts_{index}, rowid, title, body) VALUES ('delete', " if command else "rowid, title, body) VALUES ("
    return (f"INSERT INTO posts_trigram ({head.format(index='trigram')}{row}.id, {title}, {row}.body);\n"
            f"INSERT INTO posts_chars ({head.format(index='chars')}{row}.id, linli_spaced({title}), "
            f"linli_spaced({row}.body));")


def _thread(row: str, command: str = "") -> str:
    head = "threads_{index}, rowid, title) VALUES ('delete', " if command else "rowid, title) VALUES ("
    return (f"INSERT INTO threads_trigram ({head.format(index='trigram')}{row}.id, {row}.title);\n"
            f"INSERT INTO threads_chars ({head.format(index='chars')}{row}.id, linli_spaced({row}.title));")


SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE posts_trigram USING fts5(title, body, content='', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE posts_chars USING fts5(title, body, content='', {CHARS})",
    "CREATE VIRTUAL TABLE threads_trigram USING fts5(title, content='', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE threads_chars USING fts5(title, content='', {CHARS})",
    f"CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN {_post('new')} END",
    f"CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN {_post('old', 'delete')} END",
    f"""CREATE TRIGGER posts_search_update AFTER UPDATE OF body, opening, thread_id ON posts BEGIN
        {_post('old', 'delete')} {_post('new')} END""",
    f"CREATE TRIGGER threads_search_insert AFTER INSERT ON threads BEGIN {_thread('new')} END",
    f"CREATE TRIGGER threads_search_delete AFTER DELETE ON threads BEGIN {_thread('old', 'delete')} END",
    f"""CREATE TRIGGER threads_search_title AFTER UPDATE OF title ON threads BEGIN
        {_thread('old', 'delete')} {_thread('new')}
        INSERT INTO posts_trigram (posts_trigram, rowid, title, body)
            SELECT 'delete', id, old.title, body FROM posts WHERE thread_id = old.id AND opening;
        INSERT INTO posts_chars (posts_chars, rowid, title, body)
            SELECT 'delete', id, linli_spaced(old.title), linli_spaced(body) FROM posts
            WHERE thread_id = old.id AND opening;
        INSERT INTO posts_trigram (rowid, title, body)
            SELECT id, new.title, body FROM posts WHERE thread_id = new.id AND opening;
        INSERT INTO posts_chars (rowid, title, body)
            SELECT id, linli_spaced(new.title), linli_spaced(body) FROM posts WHERE thread_id = new.id AND opening;
    END""",
    "INSERT INTO threads_trigram (rowid, title) SELECT id, title FROM threads",
    "INSERT INTO threads_chars (rowid, title) SELECT id, linli_spaced(title) FROM threads",
    """INSERT INTO posts_trigram (rowid, title, body)
        SELECT p.id, CASE WHEN p.opening THEN t.title END, p.body FROM posts p JOIN threads t ON t.id = p.thread_id""",
    """INSERT INTO posts_chars (rowid, title, body)
        SELECT p.id, linli_spaced(CASE WHEN p.opening THEN t.title END), linli_spaced(p.body)
        FROM posts p JOIN threads t ON t.id = p.thread_id""",
]

SQLITE_DOWNGRADE = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in (
        "threads_search_title", "threads_search_delete", "threads_search_insert",
        "posts_search_update", "posts_search_delete", "posts_search_insert")),
    *(f"DROP TABLE IF EXISTS {name}" for name in ("threads_chars", "threads_trigram", "posts_chars", "posts_trigram")),
]

# The database must have a UTF-8 locale (C.UTF-8), or pg_trgm makes no trigrams of Chinese text. The trigrams
# are case-folded, so these serve LIKE and ILIKE alike; no lower() index is needed.
POSTGRES_UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_posts_body_trgm ON posts USING gin (body gin_trgm_ops)",
    "CREATE INDEX ix_threads_title_trgm ON threads USING gin (title gin_trgm_ops)",
]

POSTGRES_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_threads_title_trgm",
    "DROP INDEX IF EXISTS ix_posts_body_trgm",
]


def _run(statements: dict) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade():
    _run({"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRES_UPGRADE})


def downgrade():
    _run({"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRES_DOWNGRADE})
