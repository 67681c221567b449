"""Migrations are the only way the schema changes: one head, and `db upgrade` from empty on both databases."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from community.extensions import db

ROOT = Path(__file__).resolve().parent.parent


def test_single_migration_head():
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_migrations(app):
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from community.boards.search import not_search_index

    with db.engine.connect() as conn:  # the search indexes are not models (as for `flask db migrate`)
        context = MigrationContext.configure(conn, opts={"include_name": not_search_index})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


ANCHORS = os.path.join(tempfile.mkdtemp(prefix="linli-schema-"), "audit_anchors.log")


def _flask(*args, url: str) -> subprocess.CompletedProcess:
    # Every key and the anchor log given, so that nothing is written into instance/.
    env = dict(os.environ, COMMUNITY_DATABASE_URL=url, COMMUNITY_SECRET_KEY="x" * 32,
               COMMUNITY_ID_HASH_KEY="y" * 32, COMMUNITY_AUDIT_KEY="z" * 32, COMMUNITY_AUDIT_ANCHOR_PATH=ANCHORS)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_db_upgrade_from_empty_twice(tmp_path):
    url = os.environ.get("COMMUNITY_TEST_DATABASE_URL")
    if url:
        # The suite's own database is in use by this run: make a sibling on the same server.
        from sqlalchemy import text
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        name = "linli_upgrade_check"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"))
        admin.dispose()
        url = url.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    for _ in range(2):
        result = _flask("db", "upgrade", url=url)
        assert result.returncode == 0, result.stderr
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"users", "units", "owners", "registrations", "audit_entries", "rules_versions"} <= tables
    result = _flask("demo", "seed", "--if-empty", url=url)
    assert result.returncode == 0 and "13800000001" in result.stdout
    result = _flask("audit", "verify", url=url)
    assert result.returncode == 0 and "intact" in result.stdout
    result = _flask("users", "create-admin", "--phone", "13700000000", "--name", "新管理", "--password",
                    "admin-pass-77", url=url)
    assert result.returncode == 0, result.output if hasattr(result, "output") else result.stderr
    result = _flask("users", "create-admin", "--phone", "13700000000", "--name", "新管理", "--password",
                    "admin-pass-77", url=url)
    assert result.returncode != 0 and "phone" in result.stderr
