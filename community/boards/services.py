"""Boards: threads, nested replies, edits with history, mentions and reply notifications."""

import re
from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import and_, func, or_, select, update

from ..accounts import services as accounts
from ..accounts.models import User
from ..audit import services as audit
from ..core import fetch, policy, sanitize, scope, validation
from ..core.errors import Denied, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from ..notifications import services as notifications
from ..rules import services as rules
from .models import Attachment, Board, Post, PostRevision, Thread, ThreadRead

TITLE_MAX = 120
# Bodies are as long as the adopted rules allow (``max_length_post``): this only bounds what a row may hold.
STORED_MAX = 200_000
MENTION_RE = re.compile(r"@([^\s@<>\[\]()`*_~,，。:：;；!！?？\\/\"']{2,32})")
MEDIA_RE = re.compile(r"/media/([A-Za-z0-9_-]{16,64})")


# ---- reading --------------------------------------------------------------------------------------

def boards(actor) -> list[Board]:
    policy.require_member(actor)
    return list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))


def board(actor, slug: str) -> Board:
    policy.require_member(actor)
    found = db.session.scalar(select(Board).where(Board.slug == slug))
    if found is None:
        raise NotFound(_("No such board."))
    return found


def thread(actor, thread_id: int) -> Thread:
    return fetch.get(actor, Thread, thread_id, action="content.view", message=_("No such thread."))


def post(actor, post_id: int) -> Post:
    """One post the actor may see, in a thread they may see: for quoting it or editing it."""
    found = fetch.get(actor, Post, post_id, action="content.view", message=_("No such post."))
    thread(actor, found.thread_id)
    return found


def threads(actor, slug: str, *, before: str | None = None, limit: int = 30) -> tuple[list[dict], str | None]:
    """Pinned threads first, then the most recently active; ``before`` is the cursor from the last page."""
    found = board(actor, slug)
    order = (Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    query = select(Thread).where(Thread.board_id == found.id, scope.content(actor, Thread))
    if before:
        pinned, at, last_id = _thread_cursor(before)
        # The cursor carries the last row's position as it was on that page: the thread itself may have moved
        # to the top since, and reading its position again would skip or repeat a page.
        older = or_(Thread.last_post_at < at, and_(Thread.last_post_at == at, Thread.id < last_id))
        if pinned:
            query = query.where(or_(Thread.pinned.is_(False), and_(Thread.pinned.is_(True), older)))
        else:
            query = query.where(Thread.pinned.is_(False), older)
    rows = list(db.session.scalars(query.order_by(*order).limit(limit)))
    reads = {}
    if rows:
        reads = dict(db.session.execute(select(ThreadRead.thread_id, ThreadRead.last_post_id).where(
            ThreadRead.user_id == actor.id, ThreadRead.thread_id.in_([t.id for t in rows]))).all())
    cards = accounts.public_cards({t.author_id for t in rows})
    items = [serialize_thread_card(t, cards[t.author_id], reads.get(t.id)) for t in rows]
    last = rows[-1] if len(rows) == limit else None
    cursor = f"{int(last.pinned)}:{last.last_post_at.isoformat()}:{last.id}" if last else None
    return items, cursor


def _thread_cursor(value: str) -> tuple[bool, datetime, int]:
    try:
        pinned, at, last_id = value.split(":", 1)[0], *value.split(":", 1)[1].rsplit(":", 1)
        if pinned not in ("0", "1"):
            raise ValueError(pinned)
        if not is_id(int(last_id)):
            raise ValueError(last_id)
        return pinned == "1", datetime.fromisoformat(at), int(last_id)
    except (ValueError, IndexError, TypeError):
        raise Invalid(_("This cursor is not valid."), field="before") from None


def revisions(actor, post_id: int) -> list[dict]:
    policy.require(actor, "content.history")
    post = fetch.get(actor, Post, post_id, message=_("No such post."))
    rows = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id))
    return [{"id": r.id, "body": r.body, "body_html": r.body_html, "written_at": iso(r.written_at),
             "replaced_at": iso(r.replaced_at)} for r in rows]


# ---- writing --------------------------------------------------------------------------------------

def _judge(actor, where: str, text: str):
    return rules.check(actor, where, text)


STRENGTH = {"allow": 0, "mask": 1, "hold": 2}


def start_thread(actor, slug: str, title, body, attachment_ids=None) -> Thread:
    accounts.require_writer(actor)
    found = board(actor, slug)
    if not policy.can(actor, "board.post", found):
        raise Denied(_("You may not start threads on this board."))
    title = validation.text(title, "title", TITLE_MAX)
    body = validation.text(body, "body", STORED_MAX)
    title_decision = _judge(actor, "title", title)
    body_decision = _judge(actor, "post", body)
    status = "held" if "hold" in (title_decision.action, body_decision.action) else "visible"
    now = utcnow()
    new = Thread(board_id=found.id, author_id=actor.id, title=title_decision.text, status=status,
                 created_at=now, last_post_at=now)
    db.session.add(new)
    db.session.flush()
    post = _write_post(actor, new, None, body_decision.text, status, now, attachment_ids, opening=True)
    new.last_post_id = post.id
    if policy.is_staff(actor):
        audit.record(actor, "thread.created", f"thread:{new.id}", {"board": found.slug, "status": status})
    db.session.commit()
    return new


def reply(actor, thread_id: int, body, parent_id=None, attachment_ids=None) -> Post:
    accounts.require_writer(actor)
    found = thread(actor, thread_id)
    if found.locked and not policy.is_staff(actor):
        raise Denied(_("This thread is locked."), code="forbidden")
    if not policy.can(actor, "thread.reply", found):
        raise Denied(_("You may not reply on this board."))
    parent = None
    if parent_id is not None:
        if not isinstance(parent_id, int) or isinstance(parent_id, bool):
            raise Invalid(_("Reply to a post of this thread."), field="parent_id")
        parent = db.session.get(Post, parent_id) if is_id(parent_id) else None
        if parent is None or parent.thread_id != found.id or not policy.can(actor, "content.view", parent):
            raise Invalid(_("Reply to a post of this thread."), field="parent_id")
    body = validation.text(body, "body", STORED_MAX)
    decision = _judge(actor, "post", body)
    status = "held" if decision.action == "hold" else "visible"
    now = utcnow()
    post = _write_post(actor, found, parent, decision.text, status, now, attachment_ids)
    if status == "visible":
        _count_reply(found, post, now)
    if policy.is_staff(actor):
        audit.record(actor, "post.created", f"post:{post.id}", {"thread": found.id, "status": status})
    db.session.commit()
    return post


def _count_reply(found: Thread, post: Post, now) -> None:
    """A reply that readers can now see: it counts, the thread is active again, the answered author is told."""
    found.reply_count += 1
    found.last_post_at, found.last_post_id = now, max(post.id, found.last_post_id or 0)
    announce(post, now)


def announce(post: Post, now=None) -> None:
    """Content that readers can now see tells the people it concerns, whichever path made it visible (posting,
    approval of held content, an edit that adds a mention): the author it answers and those it mentions, one
    entry per person and post, never the writer, never twice."""
    if post.status != "visible":
        return
    now = now or utcnow()
    concerned: dict[int, str] = {}
    if not post.opening:
        parent_author = db.session.scalar(select(Post.author_id).where(Post.id == post.parent_id)) \
            if post.parent_id else None
        answered = parent_author or db.session.scalar(select(Thread.author_id).where(Thread.id == post.thread_id))
        concerned[answered] = "reply"
    for user_id in _mentioned_users(post.body).values():
        concerned.setdefault(user_id, "mention")
    concerned.pop(post.author_id, None)
    if not concerned:
        return
    notifications.about_post(post, concerned, now)


def reply_status_changed(post: Post, was: str) -> None:
    """Moderation changed a reply's status (the caller commits): keep the thread's reply count to what readers
    see. A held reply approved is news to the person it answers, as it would have been when written."""
    found = db.session.get(Thread, post.thread_id)
    if was == "held" and post.status == "visible":
        _count_reply(found, post, utcnow())
    elif was == "hidden" and post.status == "visible":
        found.reply_count += 1
    elif was == "visible" and post.status != "visible":
        found.reply_count = max(found.reply_count - 1, 0)


def edit(actor, post_id: int, body) -> Post:
    accounts.require_writer(actor)
    post = fetch.get(actor, Post, post_id, action="content.view", message=_("No such post."))
    if not policy.can(actor, "post.edit", post):
        raise Denied(_("Only the author can edit a post."))
    if thread(actor, post.thread_id).locked:  # a post in a thread the writer may no longer see is not there
        raise Denied(_("This thread is locked."))
    body = validation.text(body, "body", STORED_MAX)
    decision = _judge(actor, "edit", body)
    if decision.text == post.body:
        return post
    now = utcnow()
    db.session.add(PostRevision(post_id=post.id, body=post.body, body_html=post.body_html,
                                written_at=post.edited_at or post.created_at, replaced_at=now))
    post.body = decision.text
    post.body_html = _render(decision.text)[0]
    post.edited_at = now
    if decision.action == "hold" and post.status == "visible":
        post.status = "held"
        if post.opening:
            db.session.get(Thread, post.thread_id).status = "held"
    announce(post, now)  # a mention the edit added
    if policy.is_staff(actor):
        audit.record(actor, "post.edited", f"post:{post.id}", {})
    db.session.commit()
    return post


def preview(actor, body, kind: str = "post") -> str:
    """The HTML that publishing ``body`` would store, from the same renderer and sanitiser; nothing is stored.
    A post links its @mentions; a notice (``kind="notice"``) is rendered as the desk renders it, without."""
    policy.require_member(actor)
    if not isinstance(body, str) or len(body) > STORED_MAX:
        raise Invalid(_("Give the text to preview (at most %(n)d characters).", n=STORED_MAX), field="body")
    if kind not in ("post", "notice"):
        raise Invalid(_("Preview a post or a notice."), field="kind")
    return _render(body)[0] if kind == "post" else sanitize.render(body)


def _render(body: str) -> tuple[str, dict[str, int]]:
    mentioned = _mentioned_users(body)
    return sanitize.render(body, mentions=mentioned), mentioned


def _mentioned_users(body: str) -> dict[str, int]:
    """Display names @mentioned in ``body``: the longest registered name at each @."""
    candidates = {}
    for token in MENTION_RE.findall(body):
        for end in range(len(token), 1, -1):
            candidates.setdefault(token[:end].lower(), None)
    if not candidates:
        return {}
    rows = db.session.execute(select(User.display_name, User.id).where(
        func.lower(User.display_name).in_(list(candidates)[:500]), User.status == "approved")).all()
    return {name: user_id for name, user_id in rows}


def _write_post(actor, found: Thread, parent: Post | None, body: str, status: str, now, attachment_ids,
                opening: bool = False) -> Post:
    body = _attach(actor, body, attachment_ids)
    html, _mentioned = _render(body)
    post = Post(thread_id=found.id, parent_id=parent.id if parent else None, author_id=actor.id, opening=opening,
                body=body, body_html=html, status=status, created_at=now)
    db.session.add(post)
    db.session.flush()
    keys = MEDIA_RE.findall(body)
    if keys:
        db.session.execute(update(Attachment).where(Attachment.key.in_(keys), Attachment.uploader_id == actor.id,
                                                    Attachment.post_id.is_(None)).values(post_id=post.id))
    if opening:
        announce(post, now)  # a reply is announced when it is counted
    return post


def _attach(actor, body: str, attachment_ids) -> str:
    """Images uploaded beforehand are appended to the Markdown unless the body already shows them."""
    if attachment_ids is None:
        return body
    if not isinstance(attachment_ids, list) or not all(is_id(i) for i in attachment_ids) \
            or len(attachment_ids) > 9:
        raise Invalid(_("Give up to nine attachment ids."), field="attachments")
    found = {a.id: a for a in db.session.scalars(select(Attachment).where(
        Attachment.id.in_(attachment_ids), Attachment.uploader_id == actor.id, Attachment.post_id.is_(None)))}
    if set(attachment_ids) - set(found):
        raise Invalid(_("An attachment is missing or already used."), field="attachments")
    shown = set(MEDIA_RE.findall(body))
    extra = [f"![](/media/{found[i].key})" for i in attachment_ids if found[i].key not in shown]
    return body + ("\n\n" + "\n".join(extra) if extra else "")


# ---- a neighbour's page -------------------------------------------------------------------------

def writings(actor, author_id: int, *, limit: int = 20) -> list[dict]:
    """What ``author_id`` wrote that ``actor`` may read (the post and its thread), newest first."""
    policy.require_member(actor)
    rows = db.session.execute(
        select(Post.id, Post.thread_id, Post.opening, Post.body, Post.created_at, Thread.title)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == author_id, scope.content(actor, Post), scope.content(actor, Thread))
        .order_by(Post.id.desc()).limit(limit)).all()
    return [{"id": r.id, "thread_id": r.thread_id, "opening": r.opening, "title": r.title,
             "excerpt": sanitize.plain_text(r.body)[:120], "created_at": iso(r.created_at)}
            for r in rows]


# ---- what the API returns -------------------------------------------------------------------------

def localized(board_: Board) -> tuple[str, str]:
    if str(get_locale() or "zh") == "en":
        return board_.name_en, board_.description_en
    return board_.name, board_.description


def serialize_board(board_: Board, actor) -> dict:
    name, description = localized(board_)
    return {"slug": board_.slug, "name": name, "description": description,
            "can_post": policy.can(actor, "board.post", board_)}


def serialize_thread_card(t: Thread, author: dict, read_upto: int | None) -> dict:
    return {"id": t.id, "title": t.title, "author": author, "status": t.status, "pinned": t.pinned,
            "locked": t.locked, "replies": t.reply_count, "created_at": iso(t.created_at),
            "last_post_at": iso(t.last_post_at), "unread": read_upto is None or read_upto < t.last_post_id}


def serialize_post(p: Post, author: dict) -> dict:
    return {"id": p.id, "parent_id": p.parent_id, "author": author, "body_html": p.body_html, "status": p.status,
            "created_at": iso(p.created_at), "edited": p.edited_at is not None}
