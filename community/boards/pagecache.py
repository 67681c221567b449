"""A thread's posts kept between requests until they change, and what each kind of reader sees of them.

Most readers of a thread see the same page: members see the visible posts and a placeholder for each hidden one,
overseers see everything; only a member with a reply of their own waiting for review sees one more, and only the
links under each post (reply, edit, report) depend on who reads. So a worker keeps the thread's posts (every
status, with their authors' card columns) under the thread's ``revision``, the "people" revision
(``models.Revision``) and the language, and, beside them, what it has made of them for each kind of reader: the
posts shown, the author lines, each reply's markup up to its links, the API's posts. Both revisions move in the
same transaction as the write that changes what the page shows, by the session hooks below, so every worker
sees a change in the next request after the commit:

- a post inserted, edited, moderated or removed moves its thread's revision;
- a report or a moderation action on a post or a thread moves the thread's revision (a placeholder cites the
  clause a post was hidden under);
- a change to anyone's name, role, committee seat or closure, to a registration's unit, to who holds which unit,
  or to a unit or building moves "people" (author lines show a building);
- a bulk UPDATE or DELETE of any of those tables moves "people", which every kept page depends on.

Who may see the thread at all, and what they may do, is decided for each request as before (``policy``).
``THREAD_PAGE_CACHE`` is how many threads a worker keeps (0: none, every page read from the database).
"""

import threading
from itertools import chain

from cachetools import LRUCache
from flask import current_app
from sqlalchemy import event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.util import identity_key

from ..accounts.models import Registration, User, UserUnit
from ..core.i18n import language
from ..estate.models import Building, Unit
from ..extensions import db
from ..moderation.models import ModerationAction, Report
from .models import Post, Revision, Thread

CARD_FIELDS = ("display_name", "role", "committee", "closed_at")
PEOPLE_TABLES = frozenset(m.__tablename__ for m in (User, UserUnit, Registration, Unit, Building, Post))
_KEY = "linli.pagecache"
_LOCK = threading.Lock()
# The "people" revision, for a page to read in the statement it runs anyway.
PEOPLE = func.coalesce(select(Revision.value).where(Revision.name == "people").scalar_subquery(), 0)


def init_app(app) -> None:
    size = app.config.get("THREAD_PAGE_CACHE", 256)
    app.extensions[_KEY] = LRUCache(maxsize=size) if size else None


class Kept:
    """A thread's posts as kept (every status, with their authors' card columns), and what has been made of them
    for each kind of reader (``variant``)."""
    __slots__ = ("_by_author", "_variants", "rows", "statuses")

    def __init__(self, rows):
        self.rows = rows
        self.statuses = frozenset(row.status for row in rows)  # the statuses the thread's posts have now
        self._variants: dict = {}
        self._by_author: dict | None = None

    def of_author(self, author_id: int) -> list:
        """The kept rows one person wrote (indexed once per kept page)."""
        if self._by_author is None:
            index: dict = {}
            for row in self.rows:
                index.setdefault(row.u_id, []).append(row)
            self._by_author = index
        return self._by_author.get(author_id, [])

    def variant(self, key, build):
        made = self._variants.get(key)
        if made is None:
            made = self._variants[key] = build()
        return made


def kept(thread: Thread, people: int, load) -> Kept | None:
    """The thread's kept posts, loaded with ``load()`` when this revision of them is not kept yet; None when
    this app keeps nothing. ``thread`` was read in this request (its ``revision`` with it) and ``people`` after
    it, both before ``load`` runs: a write committed in between leaves newer rows under an older key, which no
    reader asks for again, never older rows under a newer one."""
    pages = current_app.extensions.get(_KEY)
    if pages is None:
        return None
    key = (thread.id, thread.revision, people, _language())
    with _LOCK:
        entry = pages.get(key)
    if entry is None:
        entry = Kept(load())
        with _LOCK:
            pages[key] = entry
    return entry


def _language() -> str:
    return language()


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(db.session, "after_flush")
def _moved(session, _context) -> None:
    threads: set[int] = set()
    posts: set[int] = set()
    people = False
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Post):
            if obj in session.new or obj in session.deleted or session.is_modified(obj):
                threads.add(obj.thread_id)
        elif isinstance(obj, User):
            people = people or (obj not in session.new and _changed(obj, CARD_FIELDS))
        elif isinstance(obj, Registration):
            people = people or (obj not in session.new and _changed(obj, ("unit_id",)))
        elif isinstance(obj, UserUnit | Unit | Building):
            people = True
        elif isinstance(obj, ModerationAction | Report) and obj in session.new:
            kind, _, target = (obj.target or "").partition(":")
            if target.isdigit():
                (threads if kind == "thread" else posts if kind == "post" else set()).add(int(target))
    if not (threads or posts or people):
        return
    connection = session.connection()
    table = Thread.__table__
    if posts:  # a hidden post's placeholder cites the clause of its hiding, or the one most reports cite
        threads.update(connection.scalars(select(Post.thread_id).where(Post.id.in_(sorted(posts)))))
    if threads:
        connection.execute(table.update().where(table.c.id.in_(sorted(threads)))
                           .values(revision=table.c.revision + 1))
        for thread_id in threads:  # a thread this session holds reads its new revision when next asked
            held = session.identity_map.get(identity_key(Thread, thread_id))
            if held is not None:
                session.expire(held, ["revision"])
    if people:
        bump(connection, "people")


@event.listens_for(db.session, "do_orm_execute")
def _bulk(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.local_table.name in PEOPLE_TABLES:
        bump(state.session.connection(), "people")


def bump(connection, name: str) -> None:
    """Move the named revision on by one, in the caller's transaction (made when it does not exist yet)."""
    table = Revision.__table__
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(table).values(name=name, value=1).on_conflict_do_update(
        index_elements=[table.c.name], set_={"value": table.c.value + 1}))
