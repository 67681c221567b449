"""Owners' petitions for an extraordinary assembly (物业管理条例 art. 13: the committee must convene one when
20% or more of the owners ask).

A petition freezes the roster when it starts, grouped as a vote's electorate is (units with the same owners
are one voter, the developer's units together one, a unit with nobody on the roster its own), and takes one
signature per voter. Who may sign for a voter follows the ballot's rule on sales: an approved owner of every
unit of the voter now, or one who owned them all at the freeze and still owns one. When signatures reach a
fifth of the voters (persons; 以上 includes the fifth itself) the petition is *reached* and the committee is
told; the committee then convenes (a draft vote made from it) or answers in writing."""

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..core import policy, validation
from ..core.errors import Conflict, Denied, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Owner
from ..extensions import db
from ..votes import tally
from ..votes.lifecycle import roster_holdings
from .common import newest, readable
from .models import Petition, PetitionSignature, PetitionVoter, PetitionVoterUnit

TITLE_MAX = 120
BODY_MAX = 5000
RESPONSE_MAX = 5000
SHARE = (1, 5)  # a fifth of the owners


def threshold_met(signed: int, total: int) -> bool:
    """At least a fifth of the voters, in integers: signed / total >= 1/5."""
    return total > 0 and signed * SHARE[1] >= total * SHARE[0]


def needed(total: int) -> int:
    """The fewest signatures that meet the threshold."""
    return -(-total * SHARE[0] // SHARE[1])


def start(actor, data) -> Petition:
    policy.require(actor, "petition.start")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    title = validation.text(data.get("title"), "title", TITLE_MAX)
    body = validation.text(data.get("body"), "body", BODY_MAX)
    holdings = roster_holdings(None)
    if not holdings:
        raise Conflict(_("The roster has no units yet."))
    voters = tally.group_voters(h for _id, h in holdings)
    petition = Petition(title=title, body=body, status="open", created_by_id=actor.id, created_at=utcnow(),
                        persons_total=len(voters), area_total_centi=sum(v.area_centi for v in voters),
                        electorate_hash=tally.electorate_hash(voters))
    db.session.add(petition)
    db.session.flush()
    unit_ids = {h.code: unit_id for unit_id, h in holdings}
    db.session.execute(PetitionVoter.__table__.insert(), [
        {"petition_id": petition.id, "position": n, "kind": v.kind, "area_centi": v.area_centi}
        for n, v in enumerate(voters, 1)])
    ids = dict(db.session.execute(select(PetitionVoter.position, PetitionVoter.id).where(
        PetitionVoter.petition_id == petition.id)).all())
    db.session.execute(PetitionVoterUnit.__table__.insert(), [
        {"petition_id": petition.id, "voter_id": ids[n], "unit_id": unit_ids[code], "unit_code": code}
        for n, v in enumerate(voters, 1) for code, _area in v.units])
    audit.record(actor, "petition.started", f"petition:{petition.id}",
                 {"title": title, "persons_total": petition.persons_total,
                  "area_total": tally.format_area(petition.area_total_centi),
                  "electorate_hash": petition.electorate_hash})
    db.session.commit()
    return petition


def find(actor, petition_id) -> Petition:
    return readable(actor, "petition.read", Petition, petition_id, _("No such petition."))


def listed(actor, *, before: int | None = None, limit: int = 50) -> list[Petition]:
    return newest(actor, "petition.read", select(Petition).order_by(Petition.id.desc()), Petition.id,
                  before=before, limit=limit)


def signable(actor, petition: Petition) -> dict[int, list[str]]:
    """Voter id → its unit codes, for the voters whose signature ``actor`` may give."""
    if not policy.can(actor, "petition.sign") or not actor.id_hash:
        return {}
    rows = db.session.execute(
        select(PetitionVoterUnit.voter_id, PetitionVoterUnit.unit_id, PetitionVoterUnit.unit_code,
               PetitionVoter.kind, Owner.started_at, Owner.ended_at)
        .join(PetitionVoter, PetitionVoter.id == PetitionVoterUnit.voter_id)
        .join(Owner, Owner.unit_id == PetitionVoterUnit.unit_id)
        .where(PetitionVoterUnit.petition_id == petition.id, Owner.id_hash == actor.id_hash)).all()
    if not rows:
        return {}
    now_units: dict[int, set[int]] = {}
    then_units: dict[int, set[int]] = {}
    for voter_id, unit_id, _code, kind, started, ended in rows:
        if kind != "owners":
            continue
        if ended is None:
            now_units.setdefault(voter_id, set()).add(unit_id)
        if started <= petition.created_at and (ended is None or ended > petition.created_at):
            then_units.setdefault(voter_id, set()).add(unit_id)
    codes: dict[int, list[str]] = {}
    for voter_id, code in db.session.execute(select(PetitionVoterUnit.voter_id, PetitionVoterUnit.unit_code).where(
            PetitionVoterUnit.voter_id.in_(set(now_units) | set(then_units))).order_by(PetitionVoterUnit.unit_code)):
        codes.setdefault(voter_id, []).append(code)
    found = {}
    for voter_id, units in codes.items():
        now, then = len(now_units.get(voter_id, ())), len(then_units.get(voter_id, ()))
        if now == len(units) or (then == len(units) and now >= 1):
            found[voter_id] = units
    return found


def counts(petition: Petition) -> tuple[int, int]:
    """Signatures standing: persons and area."""
    persons, area = db.session.execute(select(func.count(PetitionSignature.id),
                                              func.coalesce(func.sum(PetitionSignature.area_centi), 0)).where(
        PetitionSignature.petition_id == petition.id, PetitionSignature.withdrawn_at.is_(None))).one()
    return int(persons), int(area)


def _signed_voters(petition: Petition, voter_ids) -> set[int]:
    return set(db.session.scalars(select(PetitionSignature.voter_id).where(
        PetitionSignature.petition_id == petition.id, PetitionSignature.voter_id.in_(voter_ids),
        PetitionSignature.withdrawn_at.is_(None))))


def sign(actor, petition_id, unit=None) -> list[str]:
    """Sign for every voter ``actor`` may sign for that has not signed (or only the one owning ``unit``);
    answer the units signed for."""
    petition = find(actor, petition_id)
    policy.require(actor, "petition.sign")
    if petition.status != "open":
        raise Conflict(_("This petition is no longer taking signatures."))
    mine = signable(actor, petition)
    if not mine:
        raise Denied(_("Only owners on the roster may sign."))
    if unit not in (None, ""):
        if not isinstance(unit, str):
            raise Invalid(_("Name a unit such as 3-2-1201."), field="unit")
        mine = {v: codes for v, codes in mine.items() if unit.strip() in codes}
        if not mine:
            raise Denied(_("You may not sign for this unit."))
    todo = [v for v in mine if v not in _signed_voters(petition, mine)]
    if not todo:
        raise Conflict(_("These units have signed already."))
    areas = dict(db.session.execute(select(PetitionVoter.id, PetitionVoter.area_centi).where(
        PetitionVoter.id.in_(todo))).all())
    now = utcnow()
    for voter_id in todo:
        again = db.session.execute(update(PetitionSignature).where(
            PetitionSignature.petition_id == petition.id, PetitionSignature.voter_id == voter_id,
            PetitionSignature.withdrawn_at.is_not(None)).values(
            withdrawn_at=None, user_id=actor.id, signed_at=now).execution_options(synchronize_session=False))
        if again.rowcount == 0:
            db.session.add(PetitionSignature(petition_id=petition.id, voter_id=voter_id, user_id=actor.id,
                                             area_centi=areas[voter_id], signed_at=now))
    try:
        db.session.flush()
    except IntegrityError:  # a co-owner signed for the same voter at the same moment
        db.session.rollback()
        raise Conflict(_("These units have signed already.")) from None
    _check_reached(petition, now)
    db.session.commit()
    return [code for v in todo for code in mine[v]]


def _check_reached(petition: Petition, now) -> None:
    persons, area = counts(petition)
    if not threshold_met(persons, petition.persons_total):
        return
    done = db.session.execute(update(Petition).where(Petition.id == petition.id, Petition.status == "open")
                              .values(status="reached", reached_at=now).execution_options(synchronize_session=False))
    db.session.refresh(petition)
    if done.rowcount != 1:
        return
    from ..notifications.services import notify
    committee = list(db.session.scalars(select(User.id).where(User.committee.is_(True), User.status == "approved")))
    notify(committee, "petition", target=f"petition:{petition.id}", detail={"title": petition.title})
    audit.record(None, "petition.reached", f"petition:{petition.id}",
                 {"persons": persons, "area": tally.format_area(area), "persons_total": petition.persons_total,
                  "notified": len(committee)})


def withdraw(actor, petition_id) -> int:
    """Take back the signatures ``actor`` gave, while the petition is open; answer how many."""
    petition = find(actor, petition_id)
    if petition.status != "open":
        raise Conflict(_("A signature can be withdrawn only while the petition is open."))
    done = db.session.execute(update(PetitionSignature).where(
        PetitionSignature.petition_id == petition.id, PetitionSignature.user_id == actor.id,
        PetitionSignature.withdrawn_at.is_(None)).values(withdrawn_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount == 0:
        raise NotFound(_("You have not signed this petition."))
    db.session.commit()
    return done.rowcount


def respond(actor, petition_id, data) -> Petition:
    """The committee's answer to a reached petition: ``convene`` makes a draft vote from it (``vote`` holds the
    fields of ``POST /votes``, title and body defaulting to the petition's), ``answer`` replies in writing."""
    policy.require(actor, "petition.respond")
    petition = find(actor, petition_id)
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    action = validation.choice(data.get("action"), "action", ("convene", "answer"))
    text = validation.text(data.get("response"), "response", RESPONSE_MAX, required=action == "answer")
    if petition.status != "reached":
        raise Conflict(_("The committee responds once a petition has reached a fifth of the owners."))
    vote = None
    if action == "convene":
        fields = data.get("vote")
        if not isinstance(fields, dict):
            raise Invalid(_("Give the vote to convene: its closing time and what it decides."), field="vote")
        from ..votes import services as votes
        vote = votes.create_vote(actor, {"title": petition.title, "body": petition.body} | fields, commit=False)
    done = db.session.execute(update(Petition).where(Petition.id == petition.id, Petition.status == "reached").values(
        status="convened" if vote else "answered", response=text, responded_at=utcnow(),
        responded_by_id=actor.id, vote_id=vote.id if vote else None).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This petition has been answered already."))
    db.session.refresh(petition)
    audit.record(actor, "petition.responded", f"petition:{petition.id}",
                 {"action": action, "response": text, "vote": vote.id if vote else None})
    db.session.commit()
    return petition


def serialize(petition: Petition, viewer) -> dict:
    persons, area = counts(petition)
    mine = signable(viewer, petition)
    signed = _signed_voters(petition, mine) if mine else set()
    return {
        "id": petition.id, "title": petition.title, "body": petition.body, "status": petition.status,
        "created_at": iso(petition.created_at), "created_by": petition.created_by_id,
        "persons_total": petition.persons_total, "area_total": tally.format_area(petition.area_total_centi),
        "electorate_hash": petition.electorate_hash,
        "persons_signed": persons, "area_signed": tally.format_area(area),
        "persons_needed": needed(petition.persons_total), "threshold": "1/5",
        "reached": petition.status != "open", "reached_at": iso(petition.reached_at),
        "response": petition.response, "responded_at": iso(petition.responded_at), "vote_id": petition.vote_id,
        "my_units": [{"units": codes, "signed": v in signed} for v, codes in mine.items()],
        "can_sign": petition.status == "open" and any(v not in signed for v in mine),
        "can_withdraw": petition.status == "open" and bool(signed),
        "can_respond": petition.status == "reached" and policy.can(viewer, "petition.respond"),
    }
