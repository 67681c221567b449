"""Read markers, written after the response: reading a page never writes on the request path.

A page that records that someone has read something (a thread read up to a post, a room read up to a message, a
notice seen) calls ``defer(kind, key, **fields)``. During an HTTP request the marker is kept on the request,
coalesced by ``(kind, key)`` (the last value wins), and written once the response has been sent (Werkzeug calls
a response's close hooks after the server has written the body) by the writer registered for the kind, in a
fresh application context with a database session of its own, in one short transaction. Writers are upserts
that only move a marker forwards, so two phones reading at once, or a late flush, never move one back.

Outside an HTTP request (a socket event, a CLI command, a script) there is no response to wait for: the marker
is written at once, in the caller's session, and committed, as any other write of theirs.
"""

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context

log = logging.getLogger(__name__)
WRITERS: dict[str, Callable[..., None]] = {}
_OPEN = "_linli_reads_open"
_KEY = "_linli_reads"


def writer(kind: str):
    """Register the function that writes markers of ``kind``; it takes the marker's fields as keywords."""
    def register(fn):
        WRITERS[kind] = fn
        return fn
    return register


def defer(kind: str, key, **fields) -> None:
    if has_request_context() and g.get(_OPEN):
        g.setdefault(_KEY, {})[(kind, key)] = fields
        return
    from ..extensions import db
    WRITERS[kind](**fields)
    db.session.commit()


def pending() -> list[tuple[str, dict]]:
    """The markers this request will write after its response (tests look at this)."""
    return [(kind, fields) for (kind, _key), fields in g.get(_KEY, {}).items()]


def init_app(app: Flask) -> None:
    # First of the request hooks, so that a marker deferred by any later hook is kept too. Socket events run no
    # request hooks: their markers are written at once.
    app.before_request_funcs.setdefault(None, []).insert(0, _open)
    app.after_request(_schedule)


def _open() -> None:
    g.setdefault(_OPEN, True)


def _schedule(response):
    batch = g.pop(_KEY, None)
    if batch:
        app = current_app._get_current_object()
        items = [(kind, fields) for (kind, _key), fields in batch.items()]
        response.call_on_close(lambda: _write(items, app))
    return response


def _write(items: list[tuple[str, dict]], app: Flask) -> None:
    from ..extensions import db

    with app.app_context():
        try:
            for kind, fields in items:
                WRITERS[kind](**fields)
            db.session.commit()
        except Exception:  # the page has been served; a marker that fails is logged, never an error
            db.session.rollback()
            log.exception("read markers %s failed", [kind for kind, _ in items])


def advance(model, keys: dict, column: str, value: int) -> None:
    """Insert the marker of ``keys``, or move its ``column`` forwards to ``value`` (never backwards): one
    statement, safe when two writers race. ``keys`` are the columns of the model's unique constraint."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from ..extensions import db

    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = model.__table__
    statement = insert(table).values(**keys, **{column: value})
    db.session.execute(statement.on_conflict_do_update(
        index_elements=list(keys), set_={column: statement.excluded[column]},
        where=table.c[column] < statement.excluded[column]))


def insert_once(model, keys: dict, **fields) -> None:
    """Insert the row of ``keys`` unless it is there already."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from ..extensions import db

    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(model.__table__).values(**keys, **fields).on_conflict_do_nothing(
        index_elements=list(keys)))
