"""Owners' votes: drafting, opening (freezing the electorate), ballots online and on paper, closing and the
published result. Every committee step is audited; ballots are counted, never logged with their choice.

Who casts a voter's ballot: any approved owner whose identity hash is on the *current* roster of one of the
voter's units (so after a sale mid-vote the buyer may cast it, unless it has been cast already); for the
developer's units, only those still held by the developer. Someone who owns units in several voters (say one
alone and one with a spouse) names the ``unit`` they vote for; with one voter there is nothing to name.

The first ballot of a voter counts, online or on paper. A later online ballot is refused (409); a later paper
ballot is kept as a conflict for the committee to review, and not counted: in a secret vote nobody can know
which choice the first ballot carried, so it cannot be swapped for the second.
"""

import csv
import hashlib
import hmac
import io
import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..audit import services as audit
from ..core import policy, sanitize
from ..core.errors import Conflict, Denied, Invalid, NotFound
from ..core.timeutil import iso, utcnow
from ..estate.models import Owner, Unit
from ..extensions import db
from . import tally
from .models import PaperBallot, Vote, VoteCount, VoteReceipt, VoteVoter, VoteVoterUnit

TITLE_MAX = 120
BODY_MAX = 20000
EVIDENCE_MAX = 500
NOTE_MAX = 500
LONGEST_WINDOW = timedelta(days=366)
EDITABLE = ("title", "body", "matter", "secret", "closes_at")

# Crockford's base32: no I, L, O or U, so a receipt read aloud or copied by hand survives.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 20  # 100 bits
_RECEIPT_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})


# ---- reading --------------------------------------------------------------------------------------

def _find(actor, vote_id) -> Vote:
    """A vote the actor may see (drafts: the committee only), closed first if its deadline has passed."""
    policy.require(actor, "vote.read")
    vote = db.session.get(Vote, vote_id) if isinstance(vote_id, int) and not isinstance(vote_id, bool) else None
    if vote is None or (vote.status == "draft" and not policy.can(actor, "vote.manage")):
        raise NotFound(_("No such vote."))
    _settle(vote)
    return vote


def get(actor, vote_id: int) -> Vote:
    return _find(actor, vote_id)


def list_votes(actor, *, before: int | None = None, limit: int = 50) -> list[Vote]:
    """Newest first; drafts only for the committee."""
    policy.require(actor, "vote.read")
    for vote in db.session.scalars(select(Vote).where(Vote.status == "open", Vote.closes_at <= utcnow())):
        _settle(vote)
    query = select(Vote).order_by(Vote.id.desc()).limit(limit)
    if not policy.can(actor, "vote.manage"):
        query = query.where(Vote.status != "draft")
    if before:
        query = query.where(Vote.id < before)
    return list(db.session.scalars(query))


def _settle(vote: Vote) -> None:
    """No scheduler: a vote past its deadline closes when someone next looks at it."""
    if vote.status == "open" and vote.closes_at <= utcnow() and _close(vote, None):
        db.session.commit()


# ---- drafting -------------------------------------------------------------------------------------

def _text(value, field: str, max_len: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(_("This field is required."), field=field)
    if len(value.strip()) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return value.strip()


def _matter(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in tally.MATTERS:
        raise Invalid(_("The matter is a number from 1 to 9 (Civil Code art. 278)."), field="matter")
    return value


def _secret(value) -> bool:
    if not isinstance(value, bool):
        raise Invalid(_("Expected true or false."), field="secret")
    return value


def _closes_at(value) -> datetime:
    """An ISO 8601 time (UTC if it names no zone), in the future and within a year; stored as naive UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise Invalid(_("Give the closing time as an ISO 8601 date and time."), field="closes_at")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    now = utcnow()
    if value <= now:
        raise Invalid(_("The closing time must be in the future."), field="closes_at")
    if value > now + LONGEST_WINDOW:
        raise Invalid(_("The closing time must be within a year."), field="closes_at")
    return value


def _fields(data, *, partial: bool) -> dict:
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    parsers = {"title": lambda v: _text(v, "title", TITLE_MAX), "body": lambda v: _text(v, "body", BODY_MAX),
               "matter": _matter, "secret": _secret, "closes_at": _closes_at}
    if not partial and "secret" not in data:
        data = {**data, "secret": False}
    values = {}
    for name in EDITABLE:
        if name in data:
            values[name] = parsers[name](data[name])
        elif not partial:
            parsers[name](None)  # raises "required" with the field
    return values


def create(actor, data) -> Vote:
    policy.require(actor, "vote.create")
    values = _fields(data, partial=False)
    now = utcnow()
    vote = Vote(**values, body_html=sanitize.render(values["body"]), status="draft", created_by_id=actor.id,
                created_at=now, updated_at=now)
    db.session.add(vote)
    db.session.flush()
    audit.record(actor, "vote.created", f"vote:{vote.id}",
                 {"title": vote.title, "matter": vote.matter, "secret": vote.secret, "closes_at": iso(vote.closes_at)})
    db.session.commit()
    return vote


def edit(actor, vote_id: int, data) -> Vote:
    policy.require(actor, "vote.manage")
    vote = _find(actor, vote_id)
    if vote.status != "draft":
        raise Conflict(_("Only a draft can be edited."))
    values = _fields(data, partial=True)
    changed = sorted(name for name, value in values.items() if getattr(vote, name) != value)
    if not changed:
        return vote
    for name in changed:
        setattr(vote, name, values[name])
    vote.body_html = sanitize.render(vote.body)
    vote.updated_at = utcnow()
    audit.record(actor, "vote.edited", f"vote:{vote.id}",
                 {"fields": changed, **{n: iso(values[n]) if n == "closes_at" else values[n]
                                        for n in changed if n != "body"}})
    db.session.commit()
    return vote


# ---- opening: the electorate is frozen --------------------------------------------------------------

def roster_holdings() -> list[tuple[int, tally.Holding]]:
    """Every unit on the roster, registered on the platform or not, with its current owners."""
    owners: dict[int, set[str]] = {}
    for unit_id, digest in db.session.execute(select(Owner.unit_id, Owner.id_hash).where(Owner.ended_at.is_(None))):
        owners.setdefault(unit_id, set()).add(digest)
    return [(unit_id, tally.Holding(code, area, frozenset(owners.get(unit_id, ())), developer_held))
            for unit_id, code, area, developer_held in db.session.execute(
                select(Unit.id, Unit.code, Unit.area_centi, Unit.developer_held))]


def open_vote(actor, vote_id: int) -> Vote:
    policy.require(actor, "vote.manage")
    vote = _find(actor, vote_id)
    if vote.status != "draft":
        raise Conflict(_("Only a draft can be opened."))
    if vote.closes_at <= utcnow():
        raise Invalid(_("The closing time must be in the future."), field="closes_at")
    holdings = roster_holdings()
    if not holdings:
        raise Conflict(_("The roster has no units yet."))
    unit_ids = {h.code: unit_id for unit_id, h in holdings}
    voters = tally.group_voters(h for _id, h in holdings)
    now = utcnow()
    started = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "draft").values(
        status="open", opened_at=now, opened_by_id=actor.id, persons_total=len(voters),
        area_total_centi=sum(v.area_centi for v in voters), electorate_hash=tally.electorate_hash(voters),
        persons_participating=0, area_participating_centi=0).execution_options(synchronize_session=False))
    if started.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("Only a draft can be opened."))
    db.session.execute(VoteVoter.__table__.insert(), [
        {"vote_id": vote.id, "position": n, "kind": v.kind, "area_centi": v.area_centi, "voted": False}
        for n, v in enumerate(voters, 1)])
    ids = dict(db.session.execute(select(VoteVoter.position, VoteVoter.id).where(VoteVoter.vote_id == vote.id)).all())
    db.session.execute(VoteVoterUnit.__table__.insert(), [
        {"vote_id": vote.id, "voter_id": ids[n], "unit_id": unit_ids[code], "unit_code": code, "area_centi": area}
        for n, v in enumerate(voters, 1) for code, area in v.units])
    db.session.add(VoteCount(vote_id=vote.id))
    db.session.refresh(vote)
    audit.record(actor, "vote.opened", f"vote:{vote.id}", {
        "persons_total": vote.persons_total, "area_total": tally.format_area(vote.area_total_centi),
        "electorate_hash": vote.electorate_hash, "units": len(holdings)})
    db.session.commit()
    return vote


def electorate(actor, vote_id: int) -> dict:
    """The frozen listing, without names, from which anyone can recompute the electorate hash."""
    vote = _find(actor, vote_id)
    if vote.status == "draft":
        raise Conflict(_("The electorate is frozen when the vote opens."))
    committee = policy.can(actor, "vote.manage")
    voters = {v.id: v for v in db.session.scalars(select(VoteVoter).where(VoteVoter.vote_id == vote.id))}
    units: dict[int, list[tuple[str, int]]] = {}
    for voter_id, code, area in db.session.execute(select(
            VoteVoterUnit.voter_id, VoteVoterUnit.unit_code, VoteVoterUnit.area_centi).where(
            VoteVoterUnit.vote_id == vote.id)):
        units.setdefault(voter_id, []).append((code, area))
    items = []
    for voter in sorted(voters.values(), key=lambda v: v.position):
        frozen = tally.Voter(voter.kind, tuple(sorted(units.get(voter.id, ()))))
        item = {"position": voter.position, "kind": voter.kind, "area": tally.format_area(voter.area_centi),
                "units": [{"code": c, "area": tally.format_area(a)} for c, a in frozen.units], "line": frozen.line}
        if committee:
            item |= {"voted": voter.voted, "channel": voter.channel}
        items.append(item)
    return {"electorate_hash": vote.electorate_hash, "header": tally.HASH_HEADER, "items": items}


# ---- ballots --------------------------------------------------------------------------------------

def _choice(value) -> str:
    if value not in tally.CHOICES:
        raise Invalid(_("Choose yes, no or abstain."), field="choice")
    return value


def _require_open(vote: Vote) -> None:
    if vote.status != "open":
        raise Conflict(_("This vote is not open for ballots."))


def my_voters(actor, vote: Vote) -> list[dict]:
    """The voters whose ballot ``actor`` may cast: each with its units, area and whether it has voted."""
    if vote.status == "draft" or not policy.can(actor, "vote.cast") or not actor.id_hash:
        return []
    rows = db.session.execute(
        select(VoteVoterUnit.voter_id, VoteVoter.kind, Unit.developer_held)
        .join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id)
        .join(Unit, Unit.id == VoteVoterUnit.unit_id)
        .join(Owner, Owner.unit_id == VoteVoterUnit.unit_id)
        .where(VoteVoterUnit.vote_id == vote.id, Owner.ended_at.is_(None), Owner.id_hash == actor.id_hash)).all()
    # A unit sold by the developer mid-vote does not hand its buyer the developer's whole ballot.
    ids = {voter_id for voter_id, kind, developer_held in rows if kind != "developer" or developer_held}
    if not ids:
        return []
    voters: dict[int, dict] = {}
    for voter, code in db.session.execute(
            select(VoteVoter, VoteVoterUnit.unit_code).join(VoteVoterUnit, VoteVoterUnit.voter_id == VoteVoter.id)
            .where(VoteVoter.id.in_(ids)).order_by(VoteVoter.position, VoteVoterUnit.unit_code)):
        found = voters.setdefault(voter.id, {
            "voter_id": voter.id, "units": [], "area": tally.format_area(voter.area_centi), "kind": voter.kind,
            "voted": voter.voted, "channel": voter.channel, "voted_at": iso(voter.voted_at),
            "area_centi": voter.area_centi})
        found["units"].append(code)
    return list(voters.values())


def _pick(mine: list[dict], unit) -> dict:
    if unit is None or unit == "":
        if len(mine) > 1:
            raise Invalid(_("You own units in more than one voting group: say which unit you vote for."),
                          field="unit")
        return mine[0]
    if not isinstance(unit, str):
        raise Invalid(_("Name a unit such as 3-2-1201."), field="unit")
    for voter in mine:
        if unit.strip() in voter["units"]:
            return voter
    raise Denied(_("You may not vote for this unit."))


def cast(actor, vote_id: int, choice, unit=None) -> tuple[str, dict]:
    """An owner's online ballot: answer the receipt and the voter it was cast for."""
    vote = _find(actor, vote_id)
    policy.require(actor, "vote.cast")
    _require_open(vote)
    choice = _choice(choice)
    mine = my_voters(actor, vote)
    if not mine:
        raise Denied(_("Only owners on this vote's roster may vote."))
    voter = _pick(mine, unit)
    receipt = _count(vote, voter["voter_id"], voter["area_centi"], choice, channel="online", by=actor)
    if receipt is None:
        raise Conflict(_("The ballot for these units has already been cast."))
    db.session.commit()
    return receipt, voter


def _count(vote: Vote, voter_id: int, area: int, choice: str, *, channel: str, by) -> str | None:
    """Count one ballot and answer its receipt, or None (with nothing written) if the voter has voted.
    The caller commits. Every running total is written by every ballot, so no row's history tells a choice."""
    marked = db.session.execute(
        update(VoteVoter).where(VoteVoter.id == voter_id, VoteVoter.vote_id == vote.id, VoteVoter.voted.is_(False))
        .values(voted=True, voted_at=utcnow(), channel=channel, cast_by_id=by.id,
                choice=None if vote.secret else choice)
        .execution_options(synchronize_session=False))
    if marked.rowcount != 1:
        return None
    # Taking the vote's row here serialises ballots with closing: none slips in after the count.
    running = db.session.execute(
        update(Vote).where(Vote.id == vote.id, Vote.status == "open")
        .values(persons_participating=Vote.persons_participating + 1,
                area_participating_centi=Vote.area_participating_centi + area)
        .execution_options(synchronize_session=False))
    if running.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This vote is not open for ballots."))
    db.session.execute(update(VoteCount).where(VoteCount.vote_id == vote.id).values(**{
        f"{c}_persons": getattr(VoteCount, f"{c}_persons") + (1 if c == choice else 0) for c in tally.CHOICES} | {
        f"{c}_area_centi": getattr(VoteCount, f"{c}_area_centi") + (area if c == choice else 0)
        for c in tally.CHOICES}).execution_options(synchronize_session=False))
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    db.session.add(VoteReceipt(receipt_id=_receipt_id(vote.id, code), vote_id=vote.id,
                               seal=_seal(vote.id, code, choice)))
    return format_receipt(code)


def _receipt_id(vote_id: int, code: str) -> str:
    return hashlib.sha256(f"{vote_id}:{code}".encode()).hexdigest()


def _seal(vote_id: int, code: str, choice: str) -> str:
    return hmac.new(code.encode(), f"{vote_id}:{choice}".encode(), hashlib.sha256).hexdigest()


def format_receipt(code: str) -> str:
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def normalize_receipt(raw) -> str | None:
    if not isinstance(raw, str):
        return None
    code = raw.upper().replace("-", "").replace(" ", "").translate(_RECEIPT_FIXES)
    if len(code) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in code):
        return None
    return code


def verify_receipt(actor, vote_id: int, raw) -> str:
    """The choice a receipt was counted with: only its holder can learn it, since it is sealed by the code."""
    vote = _find(actor, vote_id)
    code = normalize_receipt(raw)
    row = db.session.get(VoteReceipt, _receipt_id(vote.id, code)) if code else None
    if row is None or row.vote_id != vote.id:
        raise NotFound(_("No ballot was counted with this receipt."))
    for choice in tally.CHOICES:
        if hmac.compare_digest(_seal(vote.id, code, choice), row.seal):
            return choice
    raise NotFound(_("No ballot was counted with this receipt."))


# ---- paper ballots --------------------------------------------------------------------------------

def record_paper(actor, vote_id: int, data) -> tuple[PaperBallot, str | None]:
    """Enter a paper ballot for the voter owning ``unit``; answer it and its receipt (None for a conflict)."""
    policy.require(actor, "vote.manage")
    vote = _find(actor, vote_id)
    _require_open(vote)
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    code = data.get("unit")
    held = db.session.scalar(select(VoteVoterUnit).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoterUnit.unit_code == code.strip())) \
        if isinstance(code, str) and code.strip() else None
    if held is None:
        raise Invalid(_("This unit is not in the vote's electorate."), field="unit")
    choice = _choice(data.get("choice"))
    evidence = _text(data.get("evidence"), "evidence", EVIDENCE_MAX)
    area = db.session.scalar(select(VoteVoter.area_centi).where(VoteVoter.id == held.voter_id))
    receipt = _count(vote, held.voter_id, area, choice, channel="paper", by=actor)
    paper = PaperBallot(vote_id=vote.id, voter_id=held.voter_id, unit_code=held.unit_code, evidence=evidence,
                        status="counted" if receipt else "conflict", choice=None if vote.secret else choice,
                        recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(paper)
    db.session.flush()
    audit.record(actor, "vote.paper_ballot" if receipt else "vote.paper_conflict", f"vote:{vote.id}",
                 {"paper_ballot": paper.id, "unit": paper.unit_code, "status": paper.status, "evidence": evidence})
    db.session.commit()
    return paper, receipt


def paper_ballots(actor, vote_id: int) -> list[PaperBallot]:
    policy.require(actor, "vote.manage")
    vote = _find(actor, vote_id)
    return list(db.session.scalars(select(PaperBallot).where(PaperBallot.vote_id == vote.id).order_by(PaperBallot.id)))


def review_conflict(actor, vote_id: int, paper_id: int, note) -> PaperBallot:
    """The committee has looked into a conflicting paper ballot; the first ballot stays counted."""
    policy.require(actor, "vote.manage")
    vote = _find(actor, vote_id)
    paper = db.session.get(PaperBallot, paper_id)
    if paper is None or paper.vote_id != vote.id:
        raise NotFound(_("No such paper ballot."))
    if paper.status != "conflict" or paper.reviewed_at is not None:
        raise Conflict(_("Only an unreviewed conflict can be reviewed."))
    paper.review_note = _text(note, "note", NOTE_MAX)
    paper.reviewed_at, paper.reviewed_by_id = utcnow(), actor.id
    audit.record(actor, "vote.conflict_reviewed", f"vote:{vote.id}",
                 {"paper_ballot": paper.id, "unit": paper.unit_code, "note": paper.review_note})
    db.session.commit()
    return paper


# ---- closing --------------------------------------------------------------------------------------

def close(actor, vote_id: int) -> Vote:
    policy.require(actor, "vote.manage")
    vote = _find(actor, vote_id)
    if vote.status != "open" or not _close(vote, actor):
        raise Conflict(_("Only an open vote can be closed."))
    db.session.commit()
    return vote


def _close(vote: Vote, actor) -> bool:
    """Close and count; False if someone else closed it first. The caller commits."""
    now = utcnow()
    done = db.session.execute(update(Vote).where(Vote.id == vote.id, Vote.status == "open").values(
        status="closed", closed_at=now, closed_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False))
    db.session.refresh(vote)
    if done.rowcount != 1:
        return False
    row = db.session.get(VoteCount, vote.id, populate_existing=True)
    counts = tally.Counts(row.yes_persons, row.yes_area_centi, row.no_persons, row.no_area_centi,
                          row.abstain_persons, row.abstain_area_centi)
    _check_totals(vote, counts)
    result = tally.decide(vote.matter, vote.persons_total, vote.area_total_centi, counts)
    vote.yes_persons, vote.yes_area_centi = counts.yes_persons, counts.yes_area
    vote.no_persons, vote.no_area_centi = counts.no_persons, counts.no_area
    vote.abstain_persons, vote.abstain_area_centi = counts.abstain_persons, counts.abstain_area
    vote.participation_met, vote.approval_met, vote.passed = (
        result.participation_met, result.approval_met, result.passed)
    audit.record(actor, "vote.closed", f"vote:{vote.id}",
                 {"by": "committee" if actor else "deadline", **serialize_result(vote)})
    return True


def _check_totals(vote: Vote, counts: tally.Counts) -> None:
    """The running totals must agree with the ballots marked cast (and, in an open vote, with their choices)."""
    marked = db.session.execute(select(func.count(), func.coalesce(func.sum(VoteVoter.area_centi), 0)).where(
        VoteVoter.vote_id == vote.id, VoteVoter.voted.is_(True))).one()
    expected = {(counts.persons, counts.area), (vote.persons_participating, vote.area_participating_centi)}
    marked = (int(marked[0]), int(marked[1]))
    if expected != {marked}:
        raise RuntimeError(f"vote {vote.id}: running totals {expected} disagree with ballots cast {marked}")
    if not vote.secret:
        recount = tally.count(db.session.execute(select(VoteVoter.choice, VoteVoter.area_centi).where(
            VoteVoter.vote_id == vote.id, VoteVoter.voted.is_(True))).all())
        if recount != counts:
            raise RuntimeError(f"vote {vote.id}: running totals disagree with the ballots' choices")


def published_ballots(actor, vote_id: int) -> list[dict]:
    """After an open (not secret) vote closes: each unit that voted, its area and its voter's choice; no names."""
    vote = _find(actor, vote_id)
    if vote.secret:
        raise Denied(_("The ballots of a secret vote are never published."))
    if vote.status != "closed":
        raise Conflict(_("Ballots are published when the vote closes."))
    rows = db.session.execute(
        select(VoteVoterUnit.unit_code, VoteVoterUnit.area_centi, VoteVoter.choice, VoteVoter.channel)
        .join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id)
        .where(VoteVoterUnit.vote_id == vote.id, VoteVoter.voted.is_(True)).order_by(VoteVoterUnit.unit_code))
    return [{"unit": code, "area": tally.format_area(area), "choice": choice, "channel": channel}
            for code, area, choice, channel in rows]


def result_csv(actor, vote_id: int) -> tuple[str, str]:
    """The result as CSV (with a BOM, so that spreadsheet programs read the Chinese): file name and text."""
    vote = _find(actor, vote_id)
    if vote.status != "closed":
        raise Conflict(_("The result is published when the vote closes."))
    result = serialize_result(vote)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["item", "persons", "area", "value"])
    writer.writerow(["vote", "", "", vote.id])
    writer.writerow(["title", "", "", vote.title])
    writer.writerow(["matter", "", "", vote.matter])
    writer.writerow(["secret", "", "", str(vote.secret).lower()])
    writer.writerow(["closed_at", "", "", iso(vote.closed_at)])
    writer.writerow(["electorate_hash", "", "", vote.electorate_hash])
    writer.writerow(["electorate", vote.persons_total, tally.format_area(vote.area_total_centi), ""])
    writer.writerow(["participating", vote.persons_participating,
                     tally.format_area(vote.area_participating_centi), ""])
    for choice in tally.CHOICES:
        writer.writerow([choice, result[f"{choice}_persons"], result[f"{choice}_area"], ""])
    for name in ("participation_met", "approval_met", "passed"):
        writer.writerow([name, "", "", str(result[name]).lower()])
    if not vote.secret:
        writer.writerow([])
        writer.writerow(["unit", "area", "choice", "channel"])
        for row in published_ballots(actor, vote.id):
            writer.writerow([row["unit"], row["area"], row["choice"], row["channel"]])
    return f"vote-{vote.id}-result.csv", "\ufeff" + out.getvalue()


# ---- what callers see -----------------------------------------------------------------------------

def serialize_result(vote: Vote) -> dict | None:
    if vote.status != "closed":
        return None
    return {
        "yes_persons": vote.yes_persons, "yes_area": tally.format_area(vote.yes_area_centi),
        "no_persons": vote.no_persons, "no_area": tally.format_area(vote.no_area_centi),
        "abstain_persons": vote.abstain_persons, "abstain_area": tally.format_area(vote.abstain_area_centi),
        "participation_met": vote.participation_met, "approval_met": vote.approval_met, "passed": vote.passed,
    }


def _area(centi: int | None) -> str | None:
    return None if centi is None else tally.format_area(centi)


def serialize_summary(vote: Vote) -> dict:
    return {
        "id": vote.id, "title": vote.title, "matter": vote.matter, "secret": vote.secret, "status": vote.status,
        "closes_at": iso(vote.closes_at), "persons_total": vote.persons_total,
        "area_total": _area(vote.area_total_centi),
        "persons_participating": vote.persons_participating,
        "area_participating": tally.format_area(vote.area_participating_centi or 0),
        "passed": vote.passed,
    }


def serialize(vote: Vote, viewer) -> dict:
    data = serialize_summary(vote) | {
        "body": vote.body, "body_html": vote.body_html,
        "approval_rule": "three_quarters" if vote.matter in tally.SPECIAL_MATTERS else "more_than_half",
        "created_at": iso(vote.created_at), "opened_at": iso(vote.opened_at), "closed_at": iso(vote.closed_at),
        "closed_by": None if vote.status != "closed" else ("committee" if vote.closed_by_id else "deadline"),
        "electorate_hash": vote.electorate_hash, "result": serialize_result(vote),
        "my_voters": [{k: v for k, v in m.items() if k != "area_centi"} for m in my_voters(viewer, vote)],
    }
    if policy.can(viewer, "vote.manage"):
        data["conflicts"] = [serialize_paper(p) for p in db.session.scalars(select(PaperBallot).where(
            PaperBallot.vote_id == vote.id, PaperBallot.status == "conflict").order_by(PaperBallot.id))]
    return data


def serialize_paper(paper: PaperBallot) -> dict:
    return {"id": paper.id, "unit": paper.unit_code, "status": paper.status, "choice": paper.choice,
            "evidence": paper.evidence, "recorded_at": iso(paper.recorded_at),
            "reviewed": paper.reviewed_at is not None, "review_note": paper.review_note}
