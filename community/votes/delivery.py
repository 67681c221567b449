"""A vote's delivery ledger: for every unit of the frozen electorate, whether the announcement and its ballot
reached it. "Seen in the app" is read, never written: an owner of the unit opened a notification of this vote,
or the unit's ballot was cast online. "Paper handed over" is an entry a committee member records with who
received it, when, and a photo of the signature. Entries are never edited: a mistaken entry is corrected by a
new one that supersedes it (a corrected hand-over, or a withdrawal). Kept with the vote after its result."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..audit import services as audit
from ..core import identity, policy, validation
from ..core.errors import Conflict, Invalid, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Owner, Unit
from ..extensions import db
from ..notifications.models import Notification
from .common import NOTE_MAX, body_of, find, form_id, text
from .models import Vote, VoteDelivery, VoteVoter, VoteVoterUnit

RECEIVED_BY_MAX = 64
KINDS = ("paper", "withdrawn")
PAGE_SIZE = 100
STATES = ("seen", "paper", "undelivered")


@dataclass
class UnitLine:
    unit_id: int
    code: str
    building: str
    seen: bool
    entry: VoteDelivery | None = None  # the unit's current paper entry (not superseded, not withdrawn)

    @property
    def state(self) -> str:
        return "paper" if self.entry else "seen" if self.seen else "undelivered"


def _handed_at(value, vote: Vote) -> datetime:
    """When the paper was handed over: now when not given; not in the future, not before the announcement."""
    parsed = validation.moment(value, "handed_at") or utcnow()
    if parsed > utcnow() + timedelta(minutes=5) or (vote.announced_at and parsed < vote.announced_at):
        raise Invalid(_("The hand-over must fall between the announcement and now."), field="handed_at")
    return parsed


def _vote_for_ledger(actor, vote_id) -> Vote:
    policy.require(actor, "vote.delivery")
    vote = find(actor, vote_id)
    if vote.status == "draft":
        raise Conflict(_("The delivery ledger starts when the vote is announced."))
    return vote


def record(actor, vote_id, data, photo: tuple[bytes, str | None] = (b"", None)) -> VoteDelivery:
    """Append one entry: ``unit``, ``received_by``, ``handed_at`` and the signature ``photo`` (bytes, name); or,
    with ``supersedes`` (an entry id), a correction, which may be ``kind: withdrawn`` with a ``note``."""
    from ..assembly import files
    vote = _vote_for_ledger(actor, vote_id)
    if vote.status not in ("announced", "open"):
        raise Conflict(_("Deliveries are recorded while the vote is announced or open."))
    data = body_of(data)
    kind = data.get("kind", "paper")
    if kind not in KINDS:
        raise Invalid(_("The kind must be paper or withdrawn."), field="kind")
    supersedes = data.get("supersedes")
    previous = None
    if supersedes not in (None, ""):
        supersedes = form_id(supersedes)
        previous = db.session.get(VoteDelivery, supersedes) if is_id(supersedes) else None
        if previous is None or previous.vote_id != vote.id:
            raise Invalid(_("No such entry in this vote's ledger."), field="supersedes")
        if db.session.scalar(select(VoteDelivery.id).where(VoteDelivery.supersedes_id == previous.id)):
            raise Conflict(_("This entry has been corrected already; correct the newer entry."))
        held_code = previous.unit_code
    else:
        held_code = data.get("unit").strip() if isinstance(data.get("unit"), str) else None
        if kind == "withdrawn":
            raise Invalid(_("Only a correction withdraws an entry."), field="kind")
    held = db.session.execute(select(VoteVoterUnit.unit_id, VoteVoterUnit.unit_code).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoterUnit.unit_code == held_code)).first() if held_code else None
    if held is None:
        raise Invalid(_("This unit is not in the vote's electorate."), field="unit")
    note = text(data.get("note"), "note", NOTE_MAX) if previous is not None else None
    entry = VoteDelivery(vote_id=vote.id, unit_id=held.unit_id, unit_code=held.unit_code, kind=kind, note=note,
                         supersedes_id=previous.id if previous else None, recorded_by_id=actor.id,
                         created_at=utcnow())
    if kind == "paper":
        entry.received_by = text(data.get("received_by"), "received_by", RECEIVED_BY_MAX)
        entry.handed_at = _handed_at(data.get("handed_at"), vote)
        content, name = photo
        if not content:
            raise Invalid(_("Add a photo of the signature."), field="photo")
        if content.startswith(b"%PDF-"):
            raise Invalid(_("The signature photo must be a JPEG, PNG or WebP image."), field="photo")
        try:
            entry.photo_file_id = files.store(actor, content, name).id
        except Invalid as error:
            raise Invalid(error.message, field="photo") from None
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "vote.delivery_recorded", f"vote:{vote.id}",
                 {"entry": entry.id, "unit": entry.unit_code, "kind": kind, "supersedes": entry.supersedes_id,
                  "received_by": identity.mask_name(entry.received_by), "handed_at": iso(entry.handed_at),
                  "photo": entry.photo_file_id, "note": note})
    db.session.commit()
    return entry


def _seen_units(vote: Vote) -> set[int]:
    """Units whose ballot was cast online, or an owner of which opened one of this vote's notifications."""
    in_vote = select(VoteVoterUnit.unit_id).where(VoteVoterUnit.vote_id == vote.id)
    read = select(Owner.unit_id).join(User, User.id_hash == Owner.id_hash).join(
        Notification, Notification.user_id == User.id).where(
        Owner.unit_id.in_(in_vote), Owner.ended_at.is_(None), Notification.target == f"vote:{vote.id}",
        Notification.read_at.is_not(None))
    online = select(VoteVoterUnit.unit_id).join(VoteVoter, VoteVoter.id == VoteVoterUnit.voter_id).where(
        VoteVoterUnit.vote_id == vote.id, VoteVoter.voted.is_(True), VoteVoter.channel == "online")
    return set(db.session.scalars(read.union(online)))


def ledger(actor, vote_id, *, building: str | None = None) -> tuple[Vote, list[UnitLine], list[VoteDelivery]]:
    """Every unit of the vote (of one building when given) with its state, and every entry (newest first).
    A fixed number of statements whatever the size of the estate."""
    vote = _vote_for_ledger(actor, vote_id)
    query = (select(VoteVoterUnit.unit_id, VoteVoterUnit.unit_code, Building.code)
             .join(Unit, Unit.id == VoteVoterUnit.unit_id).join(Building, Building.id == Unit.building_id)
             .where(VoteVoterUnit.vote_id == vote.id).order_by(Building.code, VoteVoterUnit.unit_code))
    if building:
        query = query.where(Building.code == building)
    seen = _seen_units(vote)
    lines = {unit_id: UnitLine(unit_id, code, b, unit_id in seen) for unit_id, code, b in db.session.execute(query)}
    entries = list(db.session.scalars(select(VoteDelivery).where(VoteDelivery.vote_id == vote.id)
                                      .order_by(VoteDelivery.id.desc())))
    superseded = {e.supersedes_id for e in entries if e.supersedes_id}
    for entry in entries:
        line = lines.get(entry.unit_id)
        if line is not None and entry.id not in superseded and entry.kind == "paper" and line.entry is None:
            line.entry = entry
    return vote, list(lines.values()), [e for e in entries if e.unit_id in lines]


def buildings(vote: Vote) -> list[str]:
    return list(db.session.scalars(
        select(Building.code).join(Unit, Unit.building_id == Building.id)
        .join(VoteVoterUnit, VoteVoterUnit.unit_id == Unit.id).where(VoteVoterUnit.vote_id == vote.id)
        .group_by(Building.code).order_by(Building.code)))


def counts(lines: list[UnitLine]) -> dict:
    found = {state: 0 for state in STATES}
    for line in lines:
        found[line.state] += 1
    return found | {"units": len(lines), "delivered": found["seen"] + found["paper"]}


def serialize_entry(entry: VoteDelivery, superseded: set[int] = frozenset()) -> dict:
    return {"id": entry.id, "unit": entry.unit_code, "kind": entry.kind,
            "received_by": identity.mask_name(entry.received_by), "handed_at": iso(entry.handed_at),
            "photo": f"/assembly/files/{entry.photo_file_id}" if entry.photo_file_id else None,
            "note": entry.note, "supersedes": entry.supersedes_id, "superseded": entry.id in superseded,
            "recorded_by": entry.recorded_by_id, "recorded_at": iso(entry.created_at)}


def serialize_line(line: UnitLine) -> dict:
    return {"unit": line.code, "building": line.building, "state": line.state, "seen_in_app": line.seen,
            "entry": line.entry.id if line.entry else None}


def undelivered_csv(actor, vote_id, *, building: str | None = None) -> tuple[str, str]:
    """Units neither seen in the app nor handed a paper, for door-to-door visits (with a BOM for spreadsheets)."""
    vote, lines, _entries = ledger(actor, vote_id, building=building)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["building", "unit"])
    for line in lines:
        if line.state == "undelivered":
            writer.writerow([line.building, line.code])
    return f"vote-{vote.id}-undelivered.csv", "\ufeff" + out.getvalue()


def photo_visible(actor, file_id: int) -> bool | None:
    """For a signature photo: whether the actor may see it (the committee); None when the file is not one."""
    if not db.session.scalar(select(VoteDelivery.id).where(VoteDelivery.photo_file_id == file_id).limit(1)):
        return None
    return policy.can(actor, "vote.delivery")

