"""Fixtures: a migrated database per test (SQLite by default, PostgreSQL when
COMMUNITY_TEST_DATABASE_URL names one), an app, clients, and one account per role made through services."""

import contextvars
import os
import re
import shutil
import tempfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from community import create_app
from community.extensions import db

pytest_plugins = ["tests.fixtures.people", "tests.fixtures.fees", "tests.fixtures.votes"]

PG_URL = os.environ.get("COMMUNITY_TEST_DATABASE_URL")


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Migrate once; answer a function that gives each test a fresh copy of the migrated database."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        _migrate(PG_URL)
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.connect() as conn:
            seed = {t: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{t}"'))] for t in tables}

        def fresh(_name: str) -> str:
            from community.extensions import Base
            with engine.begin() as conn:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
                for table in Base.metadata.sorted_tables:
                    if seed.get(table.name):
                        conn.execute(table.insert(), seed[table.name])
            return PG_URL

        yield fresh
        engine.dispose()
        return

    folder = tmp_path_factory.mktemp("db")
    template = folder / "template.db"
    _migrate(f"sqlite:///{template}")

    def fresh(name: str) -> str:
        path = folder / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                os.remove(f"{path}{suffix}")
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    yield fresh


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, with its own app context, ``g`` and database session, as on a
    real server; the test's own app context (used to set up data through services) is left alone. The body is
    read and the response closed before the call returns, as a server does once it has sent it: what runs after
    the response (read markers, ``core.reads``) has run too."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "SECRET_KEY": "test-secret-key-for-id-hashing",
    "ID_HASH_KEY": "test-secret-key-for-id-hashing",
    "AUDIT_KEY": "test-audit-anchor-key",
    # Never the instance folder; ``make_app`` gives each test its own file.
    "AUDIT_ANCHOR_PATH": os.path.join(tempfile.mkdtemp(prefix="linli-anchors-"), "audit_anchors.log"),
    "SERVER_NAME": None,
    # Many tests move the clock by months or years; a token issued then must not expire for that reason.
    # tests/test_sessions.py sets the real limits where expiry is what it tests.
    "SESSION_IDLE_DAYS": 365 * 100,
    "SESSION_MAX_DAYS": 365 * 100,
}


@pytest.fixture
def make_app(database, request, tmp_path):
    created = []

    def make(**overrides):
        url = database(re.sub(r"[^\w.-]", "_", request.node.name)[:60]) \
            if not created else created[0].config["SQLALCHEMY_DATABASE_URI"]
        # Each test's audit anchors in its own file, beside its own fresh database.
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                          "AUDIT_ANCHOR_PATH": str(tmp_path / "audit_anchors.log"), **overrides})
        app.test_client_class = IsolatedClient
        created.append(app)
        return app

    yield make
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """JSON calls to /api/v1, optionally as a user (a bearer token is issued through the service)."""

    def __init__(self, client):
        self.client = client
        self._tokens = {}

    def token_for(self, user) -> str:
        from community.accounts import services
        if user.id not in self._tokens:
            self._tokens[user.id] = services.issue_token(user)
        return self._tokens[user.id]

    def call(self, method: str, path: str, *, user=None, token=None, json=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if user is not None:
            token = self.token_for(user)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if json is not None:
            kwargs["json"] = json
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def patch(self, path, **kw):
        return self.call("PATCH", path, **kw)


@pytest.fixture
def api(client):
    return Api(client)


def error_of(response) -> dict:
    body = response.get_json()
    assert body is not None and "error" in body, response.data[:300]
    return body["error"]
