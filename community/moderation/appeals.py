"""Appeals from the appellant's side: lodged from the sanction itself, by the person it names, and followed
until decided. A suspended or blacklisted person cannot sign in, so after proving who they are at the login
page they hold, for a short while, an appellant's pass in the session: it reads their own sanctions and
lodges an appeal, nothing else, and ends with any change of their credentials."""

from datetime import timedelta

from flask import session
from sqlalchemy import select

from ..accounts.models import User
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from ..rules import services as rules
from . import sanctions
from .models import Appeal, Sanction

PASS_KEY = "appellant"
PASS_MINUTES = 60


def lodge(user: User, sanction_id, text) -> Appeal:
    """One appeal per sanction, by the person it names."""
    if isinstance(sanction_id, bool) or not isinstance(sanction_id, int):
        raise Invalid(_("Expected a whole number."), field="sanction_id")
    sanction = db.session.get(Sanction, sanction_id) if is_id(sanction_id) else None
    if sanction is None or sanction.user_id != user.id:
        raise NotFound(_("No such sanction."))
    if not isinstance(text, str) or not text.strip() or len(text) > 4000:
        raise Invalid(_("Explain your appeal in at most 4000 characters."), field="text")
    if db.session.scalar(select(Appeal.id).where(Appeal.sanction_id == sanction.id)) is not None:
        raise Conflict(_("This sanction has already been appealed."))
    new = Appeal(sanction_id=sanction.id, user_id=user.id, text=text.strip())
    db.session.add(new)
    db.session.commit()
    return new


def sanction_of(user: User, sanction_id: int) -> dict:
    """A sanction of ``user`` as they are told it, with its appeal if there is one; missing and someone
    else's look the same."""
    sanction = db.session.get(Sanction, sanction_id) if is_id(sanction_id) else None
    if sanction is None or sanction.user_id != user.id:
        raise NotFound(_("No such sanction."))
    found = db.session.scalar(select(Appeal).where(Appeal.sanction_id == sanction.id))
    current = rules.current()
    clauses = {c["id"]: c["text"] for c in (current.clauses if current else [])}
    return sanctions.facts(sanction) | {"clause_text": clauses.get(sanction.clause),
                                        "created_at": iso(sanction.created_at), "lifted_at": iso(sanction.lifted_at),
                                        "appeal": serialize(found) if found else None}


def mine(user: User) -> list[dict]:
    """The person's appeals, newest first, with the sanction each is about."""
    rows = db.session.execute(select(Appeal, Sanction).join(Sanction, Sanction.id == Appeal.sanction_id)
                              .where(Appeal.user_id == user.id).order_by(Appeal.id.desc())).all()
    return [serialize(a) | {"sanction": sanctions.facts(s)} for a, s in rows]


def serialize(a: Appeal) -> dict:
    """What the appellant sees: received, decided, outcome and reason (not who decided)."""
    return {"id": a.id, "sanction_id": a.sanction_id, "text": a.text, "status": a.status,
            "received_at": iso(a.created_at), "decided_at": iso(a.decided_at), "reason": a.reason}


# ---- the appellant's pass, for people who may not sign in ------------------------------------------

def grant_pass(user: User) -> None:
    session[PASS_KEY] = {"id": user.id, "v": user.session_version,
                         "until": iso(utcnow() + timedelta(minutes=PASS_MINUTES))}


def pass_holder() -> User | None:
    held = session.get(PASS_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("id"), int):
        return None
    user = db.session.get(User, held["id"])
    if user is None or user.session_version != held.get("v") or not isinstance(held.get("until"), str) \
            or held["until"] < iso(utcnow()):
        session.pop(PASS_KEY, None)
        return None
    return user


def end_pass() -> None:
    session.pop(PASS_KEY, None)
