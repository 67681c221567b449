"""Every notification is written here: one entry per event and person, in the writer's transaction."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from ..accounts import services as accounts
from ..core import policy
from ..core.errors import Invalid, is_id
from ..core.timeutil import iso, utcnow
from ..extensions import db
from .models import Notification


def notify(user_ids, kind: str, *, actor_id: int | None = None, thread_id: int | None = None,
           post_id: int | None = None, now=None) -> None:
    """Tell each of ``user_ids`` once (the caller commits)."""
    rows = [{"user_id": user_id, "kind": kind, "actor_id": actor_id, "thread_id": thread_id, "post_id": post_id,
             "created_at": now or utcnow()} for user_id in dict.fromkeys(user_ids)]
    if rows:
        db.session.execute(insert(Notification), rows)


def about_post(post, concerned: dict[int, str], now) -> None:
    """``concerned`` maps people to what the post is to them (reply, mention); anyone already told of this
    post is not told again."""
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.post_id == post.id, Notification.user_id.in_(list(concerned)))))
    db.session.add_all([Notification(user_id=user_id, kind=kind, actor_id=post.author_id, thread_id=post.thread_id,
                                     post_id=post.id, created_at=now)
                        for user_id, kind in concerned.items() if user_id not in told])


def notifications(actor, *, before: int | None = None, limit: int = 50) -> list[dict]:
    """Newest first; ``before`` pages back through older ones."""
    policy.require_member(actor)
    query = select(Notification).where(Notification.user_id == actor.id)
    if before:
        query = query.where(Notification.id < before)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))
    cards = accounts.public_cards({n.actor_id for n in rows if n.actor_id})
    titles = _thread_titles({n.thread_id for n in rows if n.thread_id})
    return [{"id": n.id, "kind": n.kind, "link": link(n), "actor": cards.get(n.actor_id), "thread_id": n.thread_id,
             "post_id": n.post_id, "title": titles.get(n.thread_id), "created_at": iso(n.created_at),
             "read": n.read_at is not None} for n in rows]


def unread_count(actor) -> int:
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


def _thread_titles(ids: set[int]) -> dict[int, str]:
    from ..boards.models import Thread
    if not ids:
        return {}
    return dict(db.session.execute(select(Thread.id, Thread.title).where(Thread.id.in_(ids))).all())


# Where a notification opens, by kind; a kind of a thread's post (reply, mention) opens the post.
LINKS = {
    "sanction": lambda n: url_for("moderation.standing"),
    "sanction_lifted": lambda n: url_for("moderation.standing"),
    "appeal_decided": lambda n: url_for("moderation.standing"),
    "notice": lambda n: url_for("desk.notices"),
    "repair": lambda n: url_for("desk.tickets", plural="repairs"),
    "complaint": lambda n: url_for("desk.tickets", plural="complaints"),
    "suggestion": lambda n: url_for("desk.tickets", plural="suggestions"),
    "vote": lambda n: url_for("votes.index"),
    "fees": lambda n: url_for("fees.hub"),
    "fire_hazard": lambda n: url_for("fire.hazard_list"),
    "fire_alert": lambda n: url_for("fire.hub"),
    "fund_answer": lambda n: url_for("fund.overview"),
    "fund_overdue": lambda n: url_for("fund.overview"),
    "fund_low": lambda n: url_for("fund.overview"),
    "petition": lambda n: url_for("assembly.petitions"),
}


def link(n) -> str:
    """The page a notification opens (a path on this site)."""
    if n.kind in LINKS:
        return LINKS[n.kind](n)
    if n.thread_id:
        return url_for("boards.thread", thread_id=n.thread_id, _anchor=f"post-{n.post_id}" if n.post_id else None)
    return url_for("accounts.home")
