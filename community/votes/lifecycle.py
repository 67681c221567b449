"""A vote's life: draft → announced (the electorate frozen and published, owners notified, the notice period
running) → open → closed (a preliminary result; objections taken) → final.

With ``notice_days`` 0, opening a draft announces and opens it at once, as a single-motion vote always did."""

from datetime import timedelta

from sqlalchemy import func, select, update

from ..accounts.models import User
from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..core.web import local_full
from ..estate.models import Building, Owner, Unit
from ..extensions import db
from . import tally
from .common import COUNTED, dumps, find, loads, notify
from .models import PaperBallot, Vote, VoteCandidate, VoteCount, VoteItem, VoteItemCount, VoteVoter, VoteVoterUnit

CLOSING_SOON = timedelta(hours=24)


# ---- the electorate -------------------------------------------------------------------------------

def roster_holdings(scope: str | None = None) -> list[tuple[int, tally.Holding]]:
    """Every unit on the roster in ``scope`` (the estate when None), registered on the platform or not."""
    query = select(Unit.id, Unit.code, Unit.area_centi, Unit.developer_held)
    found = loads(scope) or {}
    if "buildings" in found:
        query = query.join(Building, Building.id == Unit.building_id).where(Building.code.in_(found["buildings"]))
    if "units" in found:
        query = query.where(Unit.id.in_(found["units"]))
    rows = db.session.execute(query).all()
    owners: dict[int, set[str]] = {}
    for unit_id, digest in db.session.execute(select(Owner.unit_id, Owner.id_hash).where(
            Owner.ended_at.is_(None), Owner.unit_id.in_([r[0] for r in rows]))):
        owners.setdefault(unit_id, set()).add(digest)
    return [(unit_id, tally.Holding(code, area, frozenset(owners.get(unit_id, ())), developer_held))
            for unit_id, code, area, developer_held in rows]


def _freeze(vote: Vote, actor, status: str) -> int:
    """Freeze the electorate and start the counts; answer the number of units. The caller commits."""
    holdings = roster_holdings(vote.scope)
    if not holdings:
        raise Conflict(_("The roster has no units yet."))
    unit_ids = {h.code: unit_id for unit_id, h in holdings}
    voters = tally.group_voters(h for _id, h in holdings)
    now = utcnow()
    values = {"status": status, "persons_total": len(voters), "area_total_centi": sum(v.area_centi for v in voters),
              "electorate_hash": tally.electorate_hash(voters), "persons_participating": 0,
              "area_participating_centi": 0, "announced_at": now,
              "opens_at": now + timedelta(days=vote.notice_days)}
    if status == "open":
        values |= {"opened_at": now, "opened_by_id": actor.id}
    started = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "draft").values(**values)
                                 .execution_options(synchronize_session=False))
    if started.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("Only a draft can be announced or opened."))
    db.session.execute(VoteVoter.__table__.insert(), [
        {"vote_id": vote.id, "position": n, "kind": v.kind, "area_centi": v.area_centi, "voted": False,
         "by_proxy": False} for n, v in enumerate(voters, 1)])
    ids = dict(db.session.execute(select(VoteVoter.position, VoteVoter.id).where(VoteVoter.vote_id == vote.id)).all())
    db.session.execute(VoteVoterUnit.__table__.insert(), [
        {"vote_id": vote.id, "voter_id": ids[n], "unit_id": unit_ids[code], "unit_code": code, "area_centi": area}
        for n, v in enumerate(voters, 1) for code, area in v.units])
    db.session.add(VoteCount(vote_id=vote.id))
    zero = {f"{c}_{k}": 0 for c in tally.CHOICES for k in ("persons", "area_centi")}
    rows = []
    for item in db.session.scalars(select(VoteItem).where(VoteItem.vote_id == vote.id).order_by(VoteItem.position)):
        rows.append({"vote_id": vote.id, "item_id": item.id, "candidate_id": None, **zero})
        rows += [{"vote_id": vote.id, "item_id": item.id, "candidate_id": cid, **zero} for cid in db.session.scalars(
            select(VoteCandidate.id).where(VoteCandidate.item_id == item.id).order_by(VoteCandidate.position))]
    db.session.execute(VoteItemCount.__table__.insert(), rows)
    db.session.refresh(vote)
    notify_scope(vote, "opened" if status == "open" else "announced")
    return len(holdings)


def owner_users(unit_ids) -> list[int]:
    """Approved accounts of the current owners of these units."""
    hashes = select(Owner.id_hash).where(Owner.unit_id.in_(unit_ids), Owner.ended_at.is_(None))
    return list(db.session.scalars(select(User.id).where(User.id_hash.in_(hashes), User.status == "approved")))


def notify_scope(vote: Vote, event: str) -> int:
    """Tell the owners of every unit in the vote's electorate of ``event``; the caller commits."""
    units = select(VoteVoterUnit.unit_id).where(VoteVoterUnit.vote_id == vote.id)
    return notify(owner_users(units), vote, event)


def _frozen_detail(vote: Vote, units: int) -> dict:
    return {"persons_total": vote.persons_total, "area_total": tally.format_area(vote.area_total_centi),
            "electorate_hash": vote.electorate_hash, "units": units}


def announce(actor, vote_id: int) -> Vote:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status != "draft":
        raise Conflict(_("Only a draft can be announced."))
    if vote.closes_at <= utcnow() + timedelta(days=vote.notice_days):
        raise Invalid(_("The closing time must fall after the notice period."), field="closes_at")
    units = _freeze(vote, actor, "announced")
    audit.record(actor, "vote.announced", f"vote:{vote.id}",
                 _frozen_detail(vote, units) | {"opens_at": iso(vote.opens_at)})
    db.session.commit()
    return vote


def open_vote(actor, vote_id: int) -> Vote:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status == "draft" and vote.notice_days == 0:
        if vote.closes_at <= utcnow():
            raise Invalid(_("The closing time must be in the future."), field="closes_at")
        units = _freeze(vote, actor, "open")
        audit.record(actor, "vote.opened", f"vote:{vote.id}", _frozen_detail(vote, units))
        db.session.commit()
        return vote
    if vote.status == "draft":
        raise Conflict(_("Announce the vote first: owners get %(days)s days' notice.", days=vote.notice_days))
    if vote.status != "announced":
        raise Conflict(_("Only an announced vote can be opened."))
    if vote.opens_at > utcnow():
        raise Conflict(_("The notice period runs until %(at)s.", at=local_full(vote.opens_at)))
    if not start(vote, actor):
        raise Conflict(_("Only an announced vote can be opened."))
    db.session.commit()
    return vote


def start(vote: Vote, actor, now=None) -> bool:
    """Open an announced vote whose notice has run; False if someone else did first. The caller commits."""
    now = now or utcnow()
    done = db.session.execute(update(Vote).where(
        Vote.id == vote.id, Vote.status == "announced", Vote.opens_at <= now).values(
        status="open", opened_at=now, opened_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False))
    db.session.refresh(vote)
    if done.rowcount != 1:
        return False
    audit.record(actor, "vote.opened", f"vote:{vote.id}", {"by": "committee" if actor else "schedule"})
    notify_scope(vote, "opened")
    return True


# ---- closing and counting -------------------------------------------------------------------------

def close(actor, vote_id: int, reason=None) -> Vote:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status != "open":
        raise Conflict(_("Only an open vote can be closed."))
    if utcnow() < vote.closes_at:
        if not isinstance(reason, str) or not reason.strip():
            raise Invalid(_("Closing before the deadline needs a reason."), field="reason")
        if len(reason.strip()) > 2000:
            raise Invalid(_("This field is too long."), field="reason")
        reason = reason.strip()
    else:
        reason = None
    if not finish(vote, actor, reason):
        raise Conflict(_("Only an open vote can be closed."))
    db.session.commit()
    return vote


def finish(vote: Vote, actor, reason: str | None = None, now=None) -> bool:
    """Close and count; False if someone else closed it first. The caller commits."""
    now = now or utcnow()
    done = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "open").values(
        status="closed", closed_at=now, closed_by_id=actor.id if actor else None, close_reason=reason,
        objection_until=now + timedelta(days=vote.objection_days))
        .execution_options(synchronize_session=False))
    db.session.refresh(vote)
    if done.rowcount != 1:
        return False
    row = db.session.get(VoteCount, vote.id, populate_existing=True)
    counts = tally.Counts(row.yes_persons, row.yes_area_centi, row.no_persons, row.no_area_centi,
                          row.abstain_persons, row.abstain_area_centi)
    _check_totals(vote, counts)
    if vote.multi:
        turnout = tally.Counts(abstain_persons=vote.persons_participating, abstain_area=vote.area_participating_centi)
        vote.participation_met = tally.participation_met(vote.persons_total, vote.area_total_centi, turnout)
    else:
        result = tally.decide(vote.matter, vote.persons_total, vote.area_total_centi, counts)
        vote.yes_persons, vote.yes_area_centi = counts.yes_persons, counts.yes_area
        vote.no_persons, vote.no_area_centi = counts.no_persons, counts.no_area
        vote.abstain_persons, vote.abstain_area_centi = counts.abstain_persons, counts.abstain_area
        vote.participation_met, vote.approval_met, vote.passed = (
            result.participation_met, result.approval_met, result.passed)
    items = _count_items(vote, None if vote.multi else counts)
    if vote.secret:  # what a pending (never confirmed) or replaceable paper said is forgotten with the close
        db.session.execute(update(PaperBallot).where(PaperBallot.vote_id == vote.id).values(choices=None)
                           .execution_options(synchronize_session=False))
    from .publish import serialize_result
    detail = {"by": "committee" if actor else "deadline", **(serialize_result(vote) or {})}
    if vote.multi:
        detail["items"] = items
    if reason:
        detail["reason"] = reason
    audit.record(actor, "vote.closed", f"vote:{vote.id}", detail)
    notify_scope(vote, "result")
    return True


def _count_items(vote: Vote, single: tally.Counts | None) -> list[dict]:
    """Each item counted alone with its own matter's threshold; answer the results written."""
    rows: dict[int, list[VoteItemCount]] = {}
    for row in db.session.scalars(select(VoteItemCount).where(VoteItemCount.vote_id == vote.id)):
        rows.setdefault(row.item_id, []).append(row)
    turnout = tally.Counts(abstain_persons=vote.persons_participating, abstain_area=vote.area_participating_centi)
    participation = tally.participation_met(vote.persons_total, vote.area_total_centi, turnout)
    results = []
    for item in db.session.scalars(select(VoteItem).where(VoteItem.vote_id == vote.id).order_by(VoteItem.position)):
        if item.kind == "motion":
            row = next(r for r in rows[item.id] if r.candidate_id is None)
            counts = tally.Counts(row.yes_persons, row.yes_area_centi, row.no_persons, row.no_area_centi,
                                  row.abstain_persons, row.abstain_area_centi)
            if (counts.persons, counts.area) != (vote.persons_participating, vote.area_participating_centi) or \
                    (single is not None and counts != single):
                raise RuntimeError(f"vote {vote.id}: item {item.id} disagrees with the ballots cast")
            decided = tally.decide(item.matter, vote.persons_total, vote.area_total_centi, counts)
            result = {f"{c}_{k}": (getattr(counts, f"{c}_{k}") if k == "persons"
                                   else tally.format_area(getattr(counts, f"{c}_{k}")))
                      for c in tally.CHOICES for k in ("persons", "area")}
            result |= {"participation_met": decided.participation_met, "approval_met": decided.approval_met,
                       "passed": decided.passed}
        else:
            marks = {r.candidate_id: r for r in rows[item.id] if r.candidate_id is not None}
            elected, tie = tally.elect(item.seats, vote.persons_participating, vote.area_participating_centi,
                                       [tally.Marks(cid, r.yes_persons, r.yes_area_centi) for cid, r in marks.items()],
                                       participation)
            candidates = list(db.session.scalars(select(VoteCandidate).where(VoteCandidate.item_id == item.id)
                                                 .order_by(VoteCandidate.position)))
            for candidate in candidates:
                candidate.elected = candidate.id in elected
            blank = next(r for r in rows[item.id] if r.candidate_id is None)
            result = {"candidates": [{"id": c.id, "name": c.name, "yes_persons": marks[c.id].yes_persons,
                                      "yes_area": tally.format_area(marks[c.id].yes_area_centi),
                                      "elected": c.elected} for c in candidates],
                      "tie": tie, "participation_met": participation, "abstain_persons": blank.abstain_persons,
                      "abstain_area": tally.format_area(blank.abstain_area_centi),
                      "seats_filled": len(elected)}
        item.result = dumps(result)
        results.append({"item": item.id, **result})
    return results


def _check_totals(vote: Vote, counts: tally.Counts) -> None:
    """The running totals must agree with the ballots marked cast (and, in an open vote, with their choices)."""
    marked = db.session.execute(select(func.count(), func.coalesce(func.sum(VoteVoter.area_centi), 0)).where(
        VoteVoter.vote_id == vote.id, VoteVoter.voted.is_(True))).one()
    expected = {(vote.persons_participating, vote.area_participating_centi)}
    if not vote.multi:
        expected.add((counts.persons, counts.area))
    marked = (int(marked[0]), int(marked[1]))
    if expected != {marked}:
        raise RuntimeError(f"vote {vote.id}: running totals {expected} disagree with ballots cast {marked}")
    if not vote.secret and not vote.multi:
        recount = tally.count(db.session.execute(select(VoteVoter.choice, VoteVoter.area_centi).where(
            VoteVoter.vote_id == vote.id, VoteVoter.voted.is_(True))).all())
        if recount != counts:
            raise RuntimeError(f"vote {vote.id}: running totals disagree with the ballots' choices")


def extend(actor, vote_id: int, closes_at) -> Vote:
    """Move the deadline of an open vote later, once and before it is reached (a short turnout), and tell the
    owners who have not voted."""
    from .drafting import parse_closes_at
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status != "open":
        raise Conflict(_("Only an open vote can be extended."))
    if vote.extended_at is not None:
        raise Conflict(_("A vote is extended once only."))
    new = parse_closes_at(closes_at)
    if new <= vote.closes_at:
        raise Invalid(_("The new closing time must be later than the current one."), field="closes_at")
    before = vote.closes_at
    done = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "open",
                                                 Vote.extended_at.is_(None), Vote.closes_at > utcnow())
                              .values(closes_at=new, extended_at=utcnow(), reminded_at=None)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("A vote is extended once only."))
    db.session.refresh(vote)
    units = select(VoteVoterUnit.unit_id).join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoter.voted.is_(False))
    told = notify(owner_users(units), vote, "extended")
    audit.record(actor, "vote.extended", f"vote:{vote.id}",
                 {"closes_at_before": iso(before), "closes_at": iso(vote.closes_at), "notified": told})
    db.session.commit()
    return vote


def finalize(actor, vote_id: int) -> Vote:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    from .objections import unanswered
    if vote.status != "closed":
        raise Conflict(_("Only a closed vote can be made final."))
    if utcnow() < vote.objection_until:
        raise Conflict(_("Objections may be made until %(at)s.", at=local_full(vote.objection_until)))
    if unanswered(vote):
        raise Conflict(_("Every objection must be answered first."))
    done = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "closed").values(
        status="final", finalized_at=utcnow(), finalized_by_id=actor.id).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("Only a closed vote can be made final."))
    db.session.refresh(vote)
    audit.record(actor, "vote.finalized", f"vote:{vote.id}", {"electorate_hash": vote.electorate_hash})
    notify_scope(vote, "final")
    db.session.commit()
    return vote


def remind(vote: Vote, now) -> int:
    """Tell the owners who have not voted that the vote closes soon, once; answer how many were told."""
    done = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "open",
                                                 Vote.reminded_at.is_(None)).values(reminded_at=now)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return 0
    units = select(VoteVoterUnit.unit_id).join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoter.voted.is_(False))
    return notify(owner_users(units), vote, "closing")


def has_result(vote: Vote) -> bool:
    return vote.status in COUNTED
