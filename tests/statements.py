"""Counting the SQL a piece of work sends: the one recorder the statement pins share."""

from contextlib import contextmanager

from flask import has_request_context
from sqlalchemy import event

from community.extensions import db


class SQL(str):
    """One statement's text, knowing whether it was sent while a request was being answered."""
    on_request_path: bool


@contextmanager
def recorded(request_path_only: bool = False):
    """Yields the list of statements sent inside the block, in order. With ``request_path_only``, what runs after
    the response (read markers, last-used stamps) is left out."""
    seen: list[SQL] = []

    def listener(_conn, _cursor, statement, *_rest):
        on_path = has_request_context()
        if on_path or not request_path_only:
            sql = SQL(statement)
            sql.on_request_path = on_path
            seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
