"""Every notification is written here: one entry per event and person, in the writer's transaction. Each says
what happened in words (``texts.describe``) and opens the object it is about (``texts.link``); once the write
commits, each person's open pages hear ``notification {"count", "item"}`` on their own socket room."""

from sqlalchemy import func, insert, select, update

from ..accounts import services as accounts
from ..accounts.sessions import known_unread
from ..core import events, policy
from ..core.errors import Invalid, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import live, texts  # noqa: F401  (live registers the after-commit sender)
from .models import Notification
from .texts import link  # noqa: F401  (where a notification opens: part of this module's interface)


def notify(user_ids, kind: str, *, actor_id: int | None = None, thread_id: int | None = None,
           post_id: int | None = None, target: str | None = None, detail: dict | None = None, now=None) -> None:
    """Tell each of ``user_ids`` once (the caller commits). ``target`` names the object the notification opens
    ("ticket:13", "vote:5"); ``detail`` holds what the sentence needs (a status, a title, an end time)."""
    now = now or utcnow()
    ids = list(dict.fromkeys(user_ids))
    rows = [{"user_id": user_id, "kind": kind, "actor_id": actor_id, "thread_id": thread_id, "post_id": post_id,
             "target": target, "detail": detail, "created_at": now} for user_id in ids]
    if rows:
        db.session.execute(insert(Notification), rows)
        _push(ids, {"kind": kind, "actor_id": actor_id, "thread_id": thread_id, "post_id": post_id,
                    "target": target, "detail": detail, "created_at": iso(now)})


def about_post(post, concerned: dict[int, str], now) -> None:
    """``concerned`` maps people to what the post is to them (reply, mention); anyone already told of this
    post is not told again."""
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.post_id == post.id, Notification.user_id.in_(list(concerned)))))
    fresh = {user_id: kind for user_id, kind in concerned.items() if user_id not in told}
    db.session.add_all([Notification(user_id=user_id, kind=kind, actor_id=post.author_id, thread_id=post.thread_id,
                                     post_id=post.id, created_at=now) for user_id, kind in fresh.items()])
    for kind in dict.fromkeys(fresh.values()):
        _push([u for u, k in fresh.items() if k == kind], {
            "kind": kind, "actor_id": post.author_id, "thread_id": post.thread_id, "post_id": post.id,
            "target": None, "detail": None, "created_at": iso(now)})


def notifications(actor, *, before: int | None = None, limit: int = 50) -> list[dict]:
    """Newest first; ``before`` pages back through older ones (keyset on the (user, id) index). Three statements
    whatever the page size: the rows, their actors' cards, the titles of their threads."""
    policy.require_member(actor)
    query = select(Notification).where(Notification.user_id == actor.id)
    if before:
        query = query.where(Notification.id < before)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))
    cards = accounts.public_cards({n.actor_id for n in rows if n.actor_id})
    titles = texts.thread_titles({n.thread_id for n in rows if n.thread_id})
    out = []
    for n in rows:
        card = cards.get(n.actor_id)
        item = {"id": n.id, "kind": n.kind, "link": texts.link(n), "actor": card, "thread_id": n.thread_id,
                "post_id": n.post_id, "target": n.target, "title": titles.get(n.thread_id),
                "created_at": iso(n.created_at), "read": n.read_at is not None}
        item["text"] = texts.describe(n, card["display_name"] if card else None, item["title"])
        out.append(item)
    return out


def unread_count(actor) -> int:
    known = known_unread(actor.id)
    if known is not None:
        return known
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)))


def mark_read(actor, ids=None) -> int:
    policy.require_member(actor)
    query = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if ids is not None:
        if not isinstance(ids, list) or len(ids) > 1000 \
                or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise Invalid(_("Give a list of notification ids."), field="ids")
        query = query.where(Notification.id.in_([i for i in ids if is_id(i)]))
    count = db.session.execute(query.values(read_at=utcnow())).rowcount
    db.session.commit()
    return count


# ---- live: the badge and the newest item, after commit ----------------------------------------------

def _push(user_ids: list[int], fields: dict) -> None:
    """Sent by ``live.send`` once the write commits."""
    events.queue("notification", user_ids=user_ids, fields=fields)


