"""After the count: owners in the electorate object to the preliminary result within the objection window; the
committee answers each objection; the vote becomes final only when the window has run and all are answered."""

from sqlalchemy import func, select

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Denied, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import ballots
from .common import BODY_MAX, find, text
from .models import Vote, VoteObjection


def unanswered(vote: Vote) -> int:
    return db.session.scalar(select(func.count(VoteObjection.id)).where(
        VoteObjection.vote_id == vote.id, VoteObjection.answered_at.is_(None)))


def object_to(actor, vote_id: int, body) -> VoteObjection:
    vote = find(actor, vote_id)
    policy.require(actor, "vote.object")
    if not ballots.own_voter_ids(actor, vote):
        raise Denied(_("Only owners in this vote's electorate may object."))
    if vote.status != "closed" or utcnow() > vote.objection_until:
        raise Conflict(_("Objections are taken only while the objection window runs."))
    objection = VoteObjection(vote_id=vote.id, author_id=actor.id, text=text(body, "text", BODY_MAX),
                              created_at=utcnow())
    db.session.add(objection)
    db.session.flush()
    audit.record(actor, "vote.objection", f"vote:{vote.id}", {"objection": objection.id})
    db.session.commit()
    return objection


def answer(actor, vote_id: int, objection_id: int, body) -> VoteObjection:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    objection = db.session.get(VoteObjection, objection_id) if isinstance(objection_id, int) else None
    if objection is None or objection.vote_id != vote.id:
        raise NotFound(_("No such objection."))
    if objection.answered_at is not None:
        raise Conflict(_("This objection has been answered already."))
    objection.answer = text(body, "answer", BODY_MAX)
    objection.answered_at, objection.answered_by_id = utcnow(), actor.id
    audit.record(actor, "vote.objection_answered", f"vote:{vote.id}", {"objection": objection.id})
    db.session.commit()
    return objection


def listed(actor, vote_id: int) -> list[VoteObjection]:
    vote = find(actor, vote_id)
    return list(db.session.scalars(select(VoteObjection).where(VoteObjection.vote_id == vote.id)
                                   .order_by(VoteObjection.id)))


def serialize_objection(objection: VoteObjection, viewer) -> dict:
    data = {"id": objection.id, "text": objection.text, "created_at": iso(objection.created_at),
            "answer": objection.answer, "answered_at": iso(objection.answered_at),
            "mine": viewer is not None and objection.author_id == viewer.id}
    return data
