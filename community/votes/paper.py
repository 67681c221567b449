"""Paper ballots, entered by two. One committee member enters a paper ballot (its unit, answers, evidence and
the serial printed on it); it stays *pending*, counting for nothing, until a second, different member confirms
it against the paper. Only then is it counted, or kept as a conflict when the voter has voted already. A serial
is entered once only, so one printed paper cannot be counted twice."""

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Denied, Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import ballots
from .common import EVIDENCE_MAX, NOTE_MAX, body_of, dumps, find, loads, text
from .models import PaperBallot, Vote, VoteVoter, VoteVoterUnit

SERIAL_LENGTH = 8


def serial_for(vote: Vote, unit_code: str) -> str:
    """The serial printed on a unit's ballot paper: keyed, so it cannot be guessed from the unit."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"paper:{vote.id}:{unit_code}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _i in range(SERIAL_LENGTH):
        number, rest = divmod(number, len(ballots.RECEIPT_ALPHABET))
        chars.append(ballots.RECEIPT_ALPHABET[rest])
    return f"{vote.id}-{''.join(chars)}"


def record_paper(actor, vote_id: int, data) -> tuple[PaperBallot, None]:
    """Enter a paper ballot for the voter owning ``unit``; it waits for a second member."""
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status != "open":
        raise Conflict(_("This vote is not open for ballots."))
    data = body_of(data)
    code = data.get("unit")
    held = db.session.scalar(select(VoteVoterUnit).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoterUnit.unit_code == code.strip())) \
        if isinstance(code, str) and code.strip() else None
    if held is None:
        raise Invalid(_("This unit is not in the vote's electorate."), field="unit")
    found = ballots.answers(vote, data.get("choice"), data.get("choices"))
    evidence = text(data.get("evidence"), "evidence", EVIDENCE_MAX)
    serial = data.get("serial")
    if serial not in (None, ""):
        if not isinstance(serial, str) or serial.strip().upper() != serial_for(vote, held.unit_code):
            raise Invalid(_("This serial is not the one printed for this unit."), field="serial")
        serial = serial.strip().upper()
        if db.session.scalar(select(PaperBallot.id).where(PaperBallot.vote_id == vote.id,
                                                          PaperBallot.serial == serial)):
            raise Conflict(_("This paper has been entered already."))
    else:
        serial = None
    paper = PaperBallot(vote_id=vote.id, voter_id=held.voter_id, unit_code=held.unit_code, evidence=evidence,
                        status="pending", choice=None, choices=dumps({str(k): v for k, v in found.items()}),
                        serial=serial, recorded_by_id=actor.id, recorded_at=utcnow())
    db.session.add(paper)
    db.session.flush()
    audit.record(actor, "vote.paper_entered", f"vote:{vote.id}",
                 {"paper_ballot": paper.id, "unit": paper.unit_code, "serial": serial, "evidence": evidence})
    db.session.commit()
    return paper, None


def confirm_paper(actor, vote_id: int, paper_id: int, data=None) -> tuple[PaperBallot, str | None]:
    """A second member confirms a pending paper ballot: answer it and its receipt (None for a conflict)."""
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    paper = db.session.get(PaperBallot, paper_id) if isinstance(paper_id, int) else None
    if paper is None or paper.vote_id != vote.id:
        raise NotFound(_("No such paper ballot."))
    if paper.recorded_by_id == actor.id:
        raise Denied(_("A paper ballot is confirmed by a second committee member, not the one who entered it."))
    if paper.status != "pending":
        raise Conflict(_("This paper ballot has been confirmed already."))
    if vote.status != "open":
        raise Conflict(_("This vote is not open for ballots."))
    serial = (data or {}).get("serial") if isinstance(data, dict) else None
    if paper.serial and serial not in (None, "") and str(serial).strip().upper() != paper.serial:
        raise Invalid(_("This serial is not the one on the entered paper."), field="serial")
    found = {int(k): v for k, v in loads(paper.choices).items()}
    area = db.session.scalar(select(VoteVoter.area_centi).where(VoteVoter.id == paper.voter_id))
    receipt = ballots.record(vote, paper.voter_id, area, found, channel="paper", by=actor)
    paper.status = "counted" if receipt else "conflict"
    if not vote.secret and not vote.multi:
        paper.choice = found[next(iter(found))]
    keep = not vote.secret or (receipt and vote.paper_precedence == "online")
    paper.choices = paper.choices if keep else None
    paper.confirmed_by_id, paper.confirmed_at = actor.id, utcnow()
    audit.record(actor, "vote.paper_ballot" if receipt else "vote.paper_conflict", f"vote:{vote.id}",
                 {"paper_ballot": paper.id, "unit": paper.unit_code, "status": paper.status,
                  "evidence": paper.evidence, "entered_by": paper.recorded_by_id})
    db.session.commit()
    return paper, receipt


def paper_ballots(actor, vote_id: int) -> list[PaperBallot]:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    return list(db.session.scalars(select(PaperBallot).where(PaperBallot.vote_id == vote.id).order_by(PaperBallot.id)))


def review_conflict(actor, vote_id: int, paper_id: int, note) -> PaperBallot:
    """The committee has looked into a conflicting paper ballot; the first ballot stays counted."""
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    paper = db.session.get(PaperBallot, paper_id)
    if paper is None or paper.vote_id != vote.id:
        raise NotFound(_("No such paper ballot."))
    if paper.status != "conflict" or paper.reviewed_at is not None:
        raise Conflict(_("Only an unreviewed conflict can be reviewed."))
    paper.review_note = text(note, "note", NOTE_MAX)
    paper.reviewed_at, paper.reviewed_by_id = utcnow(), actor.id
    audit.record(actor, "vote.conflict_reviewed", f"vote:{vote.id}",
                 {"paper_ballot": paper.id, "unit": paper.unit_code, "note": paper.review_note})
    db.session.commit()
    return paper


def serialize_paper(paper: PaperBallot) -> dict:
    return {"id": paper.id, "unit": paper.unit_code, "status": paper.status, "choice": paper.choice,
            "serial": paper.serial, "evidence": paper.evidence, "recorded_at": iso(paper.recorded_at),
            "recorded_by": paper.recorded_by_id, "confirmed_at": iso(paper.confirmed_at),
            "reviewed": paper.reviewed_at is not None, "review_note": paper.review_note}
