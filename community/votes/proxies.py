"""Proxies (指导规则 art. 26): an owner names another approved member to cast one voter's ballot in one vote,
with a written authorisation as evidence; the committee can record one handed in on paper. A holder carries at
most the vote's ``proxy_max`` voters; the principal revokes it until the ballot is cast, and casting in person
overrides an unused proxy. Nobody's consent is ever deemed."""

from sqlalchemy import func, select, update

from ..accounts.models import User
from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Denied, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import ballots
from .common import EVIDENCE_MAX, body_of, find, text
from .models import Vote, VoteProxy, VoteVoter, VoteVoterUnit

LIVE = ("announced", "open")


def _voter_of(vote: Vote, unit) -> VoteVoterUnit:
    held = db.session.scalar(select(VoteVoterUnit).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoterUnit.unit_code == unit.strip())) \
        if isinstance(unit, str) and unit.strip() else None
    if held is None:
        raise Invalid(_("This unit is not in the vote's electorate."), field="unit")
    return held


def appoint(actor, vote_id: int, data) -> VoteProxy:
    vote = find(actor, vote_id)
    data = body_of(data)
    committee = policy.can(actor, "vote.manage")
    if not committee:
        policy.require(actor, "vote.proxy")
    if vote.status not in LIVE:
        raise Conflict(_("Proxies are appointed while the vote is announced or open."))
    held = _voter_of(vote, data.get("unit"))
    if not committee and held.voter_id not in ballots.own_voter_ids(actor, vote):
        raise Denied(_("Only an owner of this unit may appoint its proxy."))
    holder_id, phone = data.get("proxy_user_id"), data.get("proxy_phone")
    if isinstance(phone, str) and phone.strip() and holder_id is None:
        holder = db.session.scalar(select(User).where(User.phone == phone.strip()))
    else:
        holder = db.session.get(User, holder_id) if isinstance(holder_id, int) and not isinstance(holder_id, bool) \
            else None
    if holder is None or not policy.can(holder, "vote.proxy_hold"):
        raise Invalid(_("The proxy must be an approved member."), field="proxy_user_id")
    if holder.id == actor.id and not committee:
        raise Invalid(_("You cannot be your own proxy."), field="proxy_user_id")
    evidence = text(data.get("evidence"), "evidence", EVIDENCE_MAX)
    voter = db.session.get(VoteVoter, held.voter_id)
    if voter.voted:
        raise Conflict(_("The ballot for these units has already been cast."))
    if db.session.scalar(select(VoteProxy.id).where(VoteProxy.voter_id == voter.id, VoteProxy.revoked_at.is_(None))):
        raise Conflict(_("These units already have a proxy: revoke it first."))
    carried = db.session.scalar(select(func.count(VoteProxy.id)).where(
        VoteProxy.vote_id == vote.id, VoteProxy.proxy_user_id == holder.id, VoteProxy.revoked_at.is_(None)))
    if carried >= vote.proxy_max:
        raise Conflict(_("A proxy may carry at most %(n)s voters in this vote.", n=vote.proxy_max))
    proxy = VoteProxy(vote_id=vote.id, voter_id=voter.id, unit_code=held.unit_code, proxy_user_id=holder.id,
                      evidence=evidence, recorded_by_id=actor.id, created_at=utcnow())
    db.session.add(proxy)
    db.session.flush()
    audit.record(actor, "vote.proxy_appointed", f"vote:{vote.id}",
                 {"proxy": proxy.id, "unit": proxy.unit_code, "holder": holder.id, "evidence": evidence,
                  "by": "committee" if committee else "owner"})
    db.session.commit()
    return proxy


def revoke(actor, vote_id: int, proxy_id: int) -> VoteProxy:
    vote = find(actor, vote_id)
    proxy = db.session.get(VoteProxy, proxy_id) if isinstance(proxy_id, int) else None
    committee = policy.can(actor, "vote.manage")
    if proxy is None or proxy.vote_id != vote.id or not (
            committee or proxy.voter_id in ballots.own_voter_ids(actor, vote) or proxy.proxy_user_id == actor.id):
        raise NotFound(_("No such proxy."))
    if proxy.revoked_at is not None:
        raise Conflict(_("This proxy has been revoked already."))
    # Revoked only while its voter has not voted: the conditional update keeps a ballot in flight out.
    voted = db.session.scalar(select(VoteVoter.voted).where(VoteVoter.id == proxy.voter_id))
    if voted:
        raise Conflict(_("The ballot for these units has already been cast."))
    done = db.session.execute(update(VoteProxy).where(VoteProxy.id == proxy.id, VoteProxy.revoked_at.is_(None))
                              .values(revoked_at=utcnow(), revoked_by_id=actor.id)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This proxy has been revoked already."))
    db.session.refresh(proxy)
    audit.record(actor, "vote.proxy_revoked", f"vote:{vote.id}", {"proxy": proxy.id, "unit": proxy.unit_code})
    db.session.commit()
    return proxy


def listed(actor, vote_id: int) -> list[VoteProxy]:
    """The committee sees every proxy; an owner those of their voters; a holder those they hold."""
    vote = find(actor, vote_id)
    query = select(VoteProxy).where(VoteProxy.vote_id == vote.id).order_by(VoteProxy.id)
    rows = list(db.session.scalars(query))
    if policy.can(actor, "vote.manage"):
        return rows
    own = ballots.own_voter_ids(actor, vote)
    return [p for p in rows if p.voter_id in own or p.proxy_user_id == actor.id]


def serialize_proxy(proxy: VoteProxy) -> dict:
    voter = db.session.get(VoteVoter, proxy.voter_id)
    used = bool(voter.voted and voter.by_proxy and proxy.revoked_at is None)
    return {"id": proxy.id, "unit": proxy.unit_code, "proxy_user_id": proxy.proxy_user_id,
            "evidence": proxy.evidence, "created_at": iso(proxy.created_at), "revoked": proxy.revoked_at is not None,
            "revoked_at": iso(proxy.revoked_at), "used": used,
            "overridden": bool(voter.voted and not voter.by_proxy and proxy.revoked_at is None)}
