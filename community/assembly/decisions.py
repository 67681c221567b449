"""The committee's register of its own decisions and minutes, which owners may see (SPC interpretation on
建筑物区分所有权, art. 13). An entry is never edited: a correction is a new entry that supersedes it, and both
stay in the register. Who was present and how each member stood are kept as they were on the day."""

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..core import policy, validation
from ..core.errors import Conflict, Invalid, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import files
from .common import newest, readable
from .models import AssemblyFile, CommitteeDecision

TITLE_MAX = 120
TEXT_MAX = 20000
STANDS = ("agreed", "disagreed", "abstained")


def _date(value) -> date:
    if not isinstance(value, str):
        raise Invalid(_("Give a date such as 2027-03-01."), field="decided_on")
    try:
        found = date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("Give a date such as 2027-03-01."), field="decided_on") from None
    if found > utcnow().date():
        raise Invalid(_("A decision cannot be dated in the future."), field="decided_on")
    return found


def _members(value, field: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(is_id(v) for v in value) or len(set(value)) != len(value):
        raise Invalid(_("Give a list of committee members' ids, each once."), field=field)
    return value


def _cards(ids: list[int]) -> list[dict]:
    if not ids:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [{"id": i, "name": users[i].real_name} for i in ids]


def record(actor, data, *, minutes: AssemblyFile | None = None) -> CommitteeDecision:
    """Add an entry (``supersedes`` names the entry it corrects); ``minutes`` an uploaded file, or
    ``minutes_file_id`` one uploaded before by the same member."""
    policy.require(actor, "decision.record")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    decided_on = _date(data.get("decided_on"))
    title = validation.text(data.get("title"), "title", TITLE_MAX)
    text = validation.text(data.get("text"), "text", TEXT_MAX)
    present = _members(data.get("present"), "present")
    if not present:
        raise Invalid(_("Name the members present."), field="present")
    committee = set(db.session.scalars(select(User.id).where(User.id.in_(present), User.committee.is_(True),
                                                              User.status == "approved")))
    if committee != set(present):
        raise Invalid(_("Everyone present must be a member of the committee."), field="present")
    stands = {name: _members(data.get(name), name) for name in STANDS}
    seen: set[int] = set()
    for name in STANDS:
        if not set(stands[name]) <= set(present):
            raise Invalid(_("Only members present can agree, disagree or abstain."), field=name)
        if seen & set(stands[name]):
            raise Invalid(_("Each member stands one way only."), field=name)
        seen |= set(stands[name])
    supersedes = data.get("supersedes")
    if supersedes is not None:
        old = db.session.get(CommitteeDecision, supersedes) if is_id(supersedes) else None
        if old is None:
            raise Invalid(_("No such decision to correct."), field="supersedes")
        if db.session.scalar(select(CommitteeDecision.id).where(CommitteeDecision.supersedes_id == old.id)):
            raise Conflict(_("This decision has been corrected already: correct the newest entry."))
    if minutes is None and data.get("minutes_file_id") is not None:
        file_id = data["minutes_file_id"]
        minutes = db.session.get(AssemblyFile, file_id) if is_id(file_id) else None
        if minutes is None or minutes.uploader_id != actor.id or minutes.vote_id is not None:
            raise Invalid(_("No such uploaded file."), field="minutes_file_id")
    entry = CommitteeDecision(decided_on=decided_on, title=title, text=text, present=json.dumps(_cards(present)),
                              **{name: json.dumps(_cards(stands[name])) for name in STANDS},
                              minutes_file_id=minutes.id if minutes else None, supersedes_id=supersedes,
                              recorded_by_id=actor.id, created_at=utcnow())
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:  # two corrections of one entry at once
        db.session.rollback()
        raise Conflict(_("This decision has been corrected already: correct the newest entry.")) from None
    audit.record(actor, "committee.decision_recorded", f"decision:{entry.id}",
                 {"decided_on": decided_on.isoformat(), "title": title, "present": present,
                  **{name: stands[name] for name in STANDS}, "supersedes": supersedes,
                  "minutes": minutes.id if minutes else None})
    db.session.commit()
    return entry


def listed(actor, *, before: int | None = None, limit: int = 50) -> list[CommitteeDecision]:
    query = select(CommitteeDecision).order_by(CommitteeDecision.decided_on.desc(), CommitteeDecision.id.desc())
    return newest(actor, "decision.read", query, CommitteeDecision.id, before=before, limit=limit)


def find(actor, decision_id) -> CommitteeDecision:
    return readable(actor, "decision.read", CommitteeDecision, decision_id, _("No such decision."))


def serialize(entry: CommitteeDecision) -> dict:
    superseded_by = db.session.scalar(select(CommitteeDecision.id).where(CommitteeDecision.supersedes_id == entry.id))
    minutes = db.session.get(AssemblyFile, entry.minutes_file_id) if entry.minutes_file_id else None
    return {"id": entry.id, "decided_on": entry.decided_on.isoformat(), "title": entry.title, "text": entry.text,
            "present": json.loads(entry.present), **{name: json.loads(getattr(entry, name)) for name in STANDS},
            "minutes": files.serialize(minutes), "supersedes": entry.supersedes_id, "superseded_by": superseded_by,
            "current": superseded_by is None, "recorded_by": entry.recorded_by_id,
            "created_at": iso(entry.created_at)}


def committee_members() -> list[dict]:
    """The members who can be named present, for the form."""
    return [{"id": u.id, "name": u.real_name} for u in db.session.scalars(
        select(User).where(User.committee.is_(True), User.status == "approved").order_by(User.id))]
