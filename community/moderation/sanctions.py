"""Sanctions as facts about a person: which one is in force now, and what the person is told.
Expiry needs no job: a sanction is in force while ``ends_at`` is in the future and it is not lifted."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, exists, or_, select

from ..core.timeutil import iso, utcnow
from ..extensions import db
from .models import Sanction

DEFAULT_LADDER_HOURS = (24, 72, 168, 720)


# Built once: every chat message and post asks it. A sanction without an end (a blacklisting) outranks any
# with one, on both databases (their default places for NULL differ).
_IN_FORCE = select(Sanction).where(
    Sanction.user_id == bindparam("user_id"), Sanction.kind == bindparam("kind"), Sanction.lifted_at.is_(None),
    or_(Sanction.ends_at.is_(None), Sanction.ends_at > bindparam("now"))
).order_by(Sanction.ends_at.desc().nulls_first()).limit(1)


def suspended(user_id_column):
    """Whether a suspension of the user whose id is ``user_id_column`` is in force at ``:now``, as a column: a
    request's user is read with it in the same statement."""
    return exists().where(Sanction.user_id == user_id_column, Sanction.kind == "suspend",
                          Sanction.lifted_at.is_(None),
                          or_(Sanction.ends_at.is_(None), Sanction.ends_at > bindparam("now")))


def in_force(user_id: int, kind: str) -> Sanction | None:
    return db.session.scalar(_IN_FORCE, {"user_id": user_id, "kind": kind, "now": utcnow()})


def facts(sanction: Sanction) -> dict:
    """What the person (and the 403 error object) is told about a sanction."""
    return {"sanction_id": sanction.id, "kind": sanction.kind, "clause": sanction.clause,
            "reason": sanction.reason, "until": iso(sanction.ends_at), "reentry": sanction.reentry}


def ladder() -> tuple[int, ...]:
    return tuple(current_app.config.get("SANCTION_LADDER_HOURS") or DEFAULT_LADDER_HOURS)


def suggestion(user_id: int) -> dict:
    """The next step from the person's record over the past year: a warning first, then the ladder of
    mutes and suspensions, then the blacklist."""
    return suggestions([user_id])[user_id]


def suggestions(user_ids) -> dict[int, dict]:
    """``suggestion`` for many people from one query (a page of the review queue)."""
    ids = {i for i in user_ids if i}
    history: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        year_ago = utcnow() - timedelta(days=365)
        for user_id, kind in db.session.execute(select(Sanction.user_id, Sanction.kind).where(
                Sanction.user_id.in_(ids), Sanction.created_at >= year_ago)):
            history[user_id].append(kind)
    return {user_id: _next_step(kinds) for user_id, kinds in history.items()}


def _next_step(history: list[str]) -> dict:
    warnings = history.count("warn")
    steps = sum(1 for kind in history if kind in ("mute", "suspend"))
    if history.count("blacklist"):
        return {"action": "blacklist", "hours": None, "previous": len(history)}
    if not warnings and not steps:
        return {"action": "warn", "hours": None, "previous": 0}
    rungs = ladder()
    if steps >= len(rungs):
        return {"action": "blacklist", "hours": None, "previous": len(history)}
    return {"action": "mute" if steps < 2 else "suspend", "hours": rungs[steps], "previous": len(history)}
