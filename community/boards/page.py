"""A thread as its reader sees it, in as few steps as a bare page would take.

One query fetches the thread, one the page's posts with their authors' card columns (rows, not ORM objects,
and never the Markdown source); permissions are decided once for the page. Reading it writes nothing on the
request path: how far the reader has read is recorded after the response (``core.reads``).

Hidden replies seen by a member who does not oversee leave a placeholder in their place (their text is never
sent), citing the clause they were hidden under; overseers read them, marked, as before.
"""

from functools import lru_cache
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, false, or_, select

from ..accounts import cards
from ..accounts.models import User
from ..accounts.services import closed_name
from ..core import policy, reads
from ..core.errors import NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso
from ..extensions import db
from . import pagecache
from .models import Board, Post, Thread, ThreadRead


@reads.writer("thread")
def _record_read(user_id: int, thread_id: int, last_post_id: int) -> None:
    reads.advance(ThreadRead, {"user_id": user_id, "thread_id": thread_id}, "last_post_id", last_post_id)


# The thread as the page shows it, with everything else the page needs, in one statement: its board's slug and
# reply group (for the policy), the "people" revision (``pagecache``) and how far the reader has read. A row,
# not an ORM object: the page reads a dozen columns and never changes them.
_THREAD = (select(Thread.id, Thread.author_id, Thread.title, Thread.status, Thread.pinned, Thread.locked,
                  Thread.created_at, Thread.last_post_id, Thread.revision, Board.slug, Board.reply_group,
                  pagecache.PEOPLE.label("people"),
                  select(ThreadRead.last_post_id).where(ThreadRead.user_id == bindparam("user_id"),
                                                        ThreadRead.thread_id == Thread.id)
                  .scalar_subquery().label("read"))
           .join(Board, Board.id == Thread.board_id)
           .where(Thread.id == bindparam("thread_id")))


def _rows(statement, **params):
    """A statement of columns run on the session's connection: in the session's transaction, without the ORM's
    result processing, which a page of rows does not need (it costs as much as the query)."""
    return db.session.connection().execute(statement, params)


def _thread(actor, thread_id: int):
    """The thread the reader may see, as ``services.thread`` answers it (the same 404 for missing and unseen),
    shaped for the policy (its ``board`` with the reply group)."""
    policy.require_member(actor)
    row = _rows(_THREAD, thread_id=thread_id, user_id=actor.id).first() if is_id(thread_id) else None
    found = row and SimpleNamespace(**row._asdict(), board=SimpleNamespace(slug=row.slug, reply_group=row.reply_group))
    if found is None or not policy.can(actor, "content.view", found):
        raise NotFound(_("No such thread."))
    return found


@lru_cache(maxsize=16)
def _posts_query(statuses: frozenset, own: frozenset, placeholders: bool):
    """The page's posts joined with their authors, for one shape of content scope (a handful exist), built and
    compiled once rather than on every page."""
    shown = set(statuses) | ({"hidden"} if placeholders else set())
    terms = [Post.status.in_(sorted(shown))] if shown else []
    if own:
        terms.append(Post.status.in_(sorted(own)) & (Post.author_id == bindparam("me")))
    query = (select(Post.id, Post.parent_id, Post.opening, Post.body_html, Post.status, Post.created_at,
                    Post.edited_at, *cards.columns())
             .join(User, User.id == Post.author_id)
             .where(Post.thread_id == bindparam("thread_id"))
             .order_by(Post.id))
    if shown < policy.ALL_STATUSES or not shown:
        query = query.where(or_(*terms)) if terms else query.where(false())
    return query


def thread_page(actor, thread_id: int, *, placeholders: bool = False) -> dict:
    """The thread with every reply the reader may see (and, with ``placeholders``, a stand-in for each hidden
    one they may not); records after the response that they have read it."""
    found = _thread(actor, thread_id)
    scope = policy.content_scope(actor)
    blank = placeholders and "hidden" not in scope.statuses
    shown = scope.statuses | ({"hidden"} if blank else set())
    read = found.read
    kept = pagecache.kept(found, found.people, lambda: _rows(
        _posts_query(policy.ALL_STATUSES, frozenset(), False), thread_id=found.id, me=0).all())
    if kept is None:
        rows = _rows(_posts_query(scope.statuses, scope.own, blank), thread_id=found.id, me=actor.id).all()
        body = _body(found, rows, blank)
    else:
        # Every post of the thread is kept; a reader sees those of the statuses their scope shows, and their own
        # of the statuses it shows them only (their replies waiting for review), which few readers have.
        mine = frozenset(r.id for r in kept.of_author(actor.id) if r.status not in shown and r.status in scope.own)
        # Readers whose scopes differ only by statuses no post of the thread has (staff and members of a thread
        # with nothing hidden or held; the phone page and the API without placeholders to make) see the same.
        shown &= kept.statuses
        blank = blank and "hidden" in kept.statuses
        body = kept.variant((shown, blank, mine), lambda: _body(
            found, [r for r in kept.rows if r.status in shown or r.id in mine], blank) | {"kept": {}})
    if found.last_post_id and (read or 0) < found.last_post_id:
        reads.defer("thread", (actor.id, found.id), user_id=actor.id, thread_id=found.id,
                    last_post_id=found.last_post_id)
    return {
        "id": found.id, "board": found.slug, "title": found.title, "author": body["author"],
        "body_html": body["body_html"], "opening_post_id": body["opening_post_id"],
        "status": found.status, "locked": found.locked, "pinned": found.pinned, "created_at": found.created_at,
        "edited": body["edited"], "can_reply": policy.can(actor, "thread.reply", found),
        "posts": body["posts"], "kept": body.get("kept"),
    }


def _body(found, rows, blank: bool) -> dict:
    """The opening post, its author and the replies, from the page's rows. The posts are shared by every reader
    of a kept page: nothing downstream changes them."""
    closed = closed_name()
    authors: dict[int, dict] = {}
    opening = opening_author = None
    posts = []
    hidden = []
    for row in rows:
        author = authors.get(row.u_id)
        if author is None:
            author = authors[row.u_id] = cards.from_row(row, closed)
        if row.opening:
            opening, opening_author = row, author
            continue
        post = {"id": row.id, "parent_id": row.parent_id, "author": author, "body_html": row.body_html,
                "status": row.status, "created_at": row.created_at, "edited": row.edited_at is not None}
        if blank and row.status == "hidden":
            post["body_html"] = ""
            hidden.append(post)
        posts.append(post)
    if opening is None:
        opening_author = authors.get(found.author_id) or _card(found.author_id, closed)
    if hidden:
        from ..moderation.placeholders import hidden_clauses
        clauses = hidden_clauses("post", [p["id"] for p in hidden])
        for post in hidden:
            post["hidden_clause"] = clauses.get(post["id"])
    return {"author": opening_author, "body_html": opening.body_html if opening else "",
            "opening_post_id": opening.id if opening else None, "edited": bool(opening and opening.edited_at),
            "posts": posts}


def _card(user_id: int, closed: str) -> dict:
    row = db.session.execute(select(*cards.columns()).where(User.id == user_id)).one()
    return cards.from_row(row, closed)


# What of the page comes from the kept posts, the same for every reader of one kind; the rest is read per request.
_KEPT_FIELDS = frozenset(("author", "body_html", "opening_post_id", "edited", "posts", "kept"))


def as_json(page: dict) -> dict:
    """The page as the API serves it: times as ISO strings in UTC."""
    page = dict(page)
    page.pop("kept", None)
    posts = [p | {"created_at": iso(p["created_at"])} for p in page["posts"]]
    return page | {"created_at": iso(page["created_at"]), "posts": posts}


def json_body(page: dict) -> bytes:
    """``as_json`` encoded as the API sends it. For a kept page, encoded once for as long as what is read per
    request (the thread's title, status, lock and pin, whether this reader may reply) stays the same: encoding a
    hundred replies costs more than the rest of the request."""
    kept = page.get("kept")
    if kept is None:
        return current_app.json.body(as_json(page))
    facts = tuple((k, v) for k, v in page.items() if k not in _KEPT_FIELDS)
    found = kept.get("json")
    if found is None or found[0] != facts:
        found = kept["json"] = (facts, current_app.json.body(as_json(page)))  # the latest facts only
    return found[1]


def hidden_thread(actor, thread_id: int) -> dict | None:
    """A thread hidden from this reader by moderation, as its placeholder: its id, title withheld, and the clause;
    None when there is no such thread or the reader may simply not see it for another reason."""
    row = db.session.execute(select(Thread.id, Thread.status).where(Thread.id == thread_id)).first() \
        if policy.in_good_standing(actor) else None
    if row is None or row.status != "hidden" or "hidden" in policy.content_scope(actor).statuses:
        return None
    from ..moderation.placeholders import hidden_clauses
    return {"id": row.id, "hidden_clause": hidden_clauses("thread", [row.id]).get(row.id)}
