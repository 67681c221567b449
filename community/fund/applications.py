"""Use applications (使用方案), following 住宅专项维修资金管理办法 arts. 22–24.

Ordinary path: the property company drafts (project, budget, the units that bear the cost, each unit's share
shown at once) → publishes it with a hearing thread on the notices board → the committee reviews → the owners
who bear the cost approve it by a vote of matter 5 (Civil Code art. 278) → the committee files it with the
housing authority → progress reports → the committee's acceptance → the property company settles against
invoices, which charges the ledger.

Emergency path (art. 24): no vote; the committee's site check must be on record before approval, and the use is
published after settlement.
"""

from datetime import date, timedelta

from sqlalchemy import select, update

from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from ..notifications import services as notifications
from . import ledger
from .models import FundApplication, FundApplicationEvent, FundApplicationUnit
from .split import split_by_area

EMERGENCIES = ("lift", "water", "fire", "roof", "basement")
STATUSES = ("draft", "site_checked", "published", "reviewed", "approved", "filed", "in_progress", "accepted",
            "settled")
VOTE_MATTER = 5  # using the maintenance fund
FINAL_VOTE = ("closed", "final")
HEARING_DAYS = 7
TEXT_MAX = 5000


def _notify(user_ids, kind: str, application: FundApplication) -> None:
    notifications.notify(set(user_ids), kind[:16], thread_id=application.thread_id)


def _text(value, field, max_len=TEXT_MAX, required=True) -> str:
    return ledger.memo_text(value, field, required=required, max_len=max_len)


def _find(actor, application_id) -> FundApplication:
    policy.require(actor, "fund.totals")
    found = db.session.get(FundApplication, application_id) if is_id(application_id) else None
    if found is None or not policy.can(actor, "fund.read_application", found):
        raise NotFound(_("No such application."))
    return found


def get(actor, application_id) -> FundApplication:
    return _find(actor, application_id)


def list_applications(actor, *, before=None, limit=50) -> list[FundApplication]:
    policy.require(actor, "fund.totals")
    query = select(FundApplication).order_by(FundApplication.id.desc()).limit(limit)
    if not policy.can(actor, "fund.ledger_all"):
        query = query.where(FundApplication.status != "draft")
    if before:
        query = query.where(FundApplication.id < before)
    return list(db.session.scalars(query))


def _step(found: FundApplication, allowed: tuple[str, ...]) -> None:
    if found.status not in allowed:
        raise Conflict(_("This application cannot take that step now."), status_now=found.status)


def _move(found: FundApplication, allowed: tuple[str, ...], new: str) -> None:
    """Take the step by a conditional update, so that two people pressing the same button (two settlements,
    say) cannot both pass: the second finds the status moved on and is refused."""
    done = db.session.execute(update(FundApplication).where(
        FundApplication.id == found.id, FundApplication.status.in_(allowed)).values(status=new)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This application cannot take that step now."))
    found.status = new


def _event(actor, found, kind: str, note: str = "", photos=None, detail=None) -> None:
    db.session.add(FundApplicationEvent(application_id=found.id, kind=kind, note=note, photos=photos or [],
                                        actor_id=actor.id if actor else None, at=utcnow()))
    audit.record(actor, f"fund.application.{kind}", f"fund_application:{found.id}",
                 {"status": found.status, **(detail or {})})


def draft(actor, data) -> FundApplication:
    policy.require(actor, "fund.apply")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    emergency = data.get("emergency", False)
    if not isinstance(emergency, bool):
        raise Invalid(_("Expected true or false."), field="emergency")
    kind = data.get("emergency_kind")
    if emergency and kind not in EMERGENCIES:
        raise Invalid(_("Name the emergency: lift, water, fire, roof or basement."), field="emergency_kind")
    found = FundApplication(
        title=_text(data.get("title"), "title", 120), facility=_text(data.get("facility"), "facility", 120),
        project=_text(data.get("project"), "project"), quotes=_text(data.get("quotes"), "quotes", required=False),
        budget_fen=ledger.parse_money(data.get("budget"), "budget"), emergency=emergency,
        emergency_kind=kind if emergency else None, status="draft", created_by_id=actor.id, created_at=utcnow())
    units = ledger.bearing_units(codes=data.get("units"), building=data.get("building")) \
        if data.get("units") is not None or data.get("building") is not None else None
    if units is None:
        raise Invalid(_("Name the units that bear the cost, or their building."), field="units")
    db.session.add(found)
    db.session.flush()
    db.session.execute(FundApplicationUnit.__table__.insert(), [
        {"application_id": found.id, "unit_id": u.id, "unit_code": u.code, "area_centi": u.area_centi}
        for u in units])
    _event(actor, found, "drafted", detail={"budget": ledger.format_money(found.budget_fen), "units": len(units),
                                            "emergency": emergency})
    db.session.commit()
    return found


def bearing(found: FundApplication) -> list[FundApplicationUnit]:
    return list(db.session.scalars(select(FundApplicationUnit).where(
        FundApplicationUnit.application_id == found.id).order_by(FundApplicationUnit.unit_code)))


def shares(found: FundApplication, amount_fen: int | None = None) -> list[dict]:
    """Each bearing unit's share of the budget (or of the settled amount), by the rule in ``split``."""
    units = bearing(found)
    fen = found.budget_fen if amount_fen is None else amount_fen
    split = split_by_area(fen, [(u.unit_code, u.area_centi) for u in units])
    return [{"unit": u.unit_code, "area": f"{u.area_centi // 100}.{u.area_centi % 100:02d}",
             "share": ledger.format_money(split[u.unit_code])} for u in units]


def _hearing_thread(actor, found: FundApplication, *, afterwards: bool) -> None:
    """A thread on the notices board for owners to discuss the plan (or, in an emergency, to see the use)."""
    from ..boards import services as boards
    lines = [f"{_('Facility')}: {found.facility}", f"{_('Budget')}: {ledger.format_money(found.budget_fen)}",
             "", found.project]
    if afterwards:
        lines += ["", _("Emergency use, published after the work (measures art. 24)."),
                  f"{_('Settled')}: {ledger.format_money(found.settled_fen or 0)}"]
    title = (_("Maintenance fund use: %(t)s", t=found.title))[:120]
    thread = boards.start_thread(actor, "notices", title, "\n".join(lines))  # commits the application with it
    found.thread_id = thread.id


def publish(actor, application_id, hearing_days=HEARING_DAYS) -> FundApplication:
    policy.require(actor, "fund.apply")
    found = _find(actor, application_id)
    _step(found, ("draft",))
    if found.emergency:
        raise Conflict(_("An emergency use is published after the work."))
    if isinstance(hearing_days, bool) or not isinstance(hearing_days, int) or not 1 <= hearing_days <= 60:
        raise Invalid(_("The number is out of range."), field="hearing_days")
    now = utcnow()
    _move(found, ("draft",), "published")
    found.published_at = now
    found.hearing_until = now + timedelta(days=hearing_days)
    _event(actor, found, "published", detail={"hearing_until": iso(found.hearing_until)})
    _hearing_thread(actor, found, afterwards=False)
    db.session.commit()
    return found


def review(actor, application_id, note) -> FundApplication:
    policy.require(actor, "fund.review")
    found = _find(actor, application_id)
    _step(found, ("published",))
    found.review_note = _text(note, "note")
    _move(found, ("published",), "reviewed")
    found.reviewed_by_id, found.reviewed_at = actor.id, utcnow()
    _event(actor, found, "reviewed", found.review_note)
    db.session.commit()
    return found


def site_check(actor, application_id, note) -> FundApplication:
    policy.require(actor, "fund.review")
    found = _find(actor, application_id)
    _step(found, ("draft",))
    if not found.emergency:
        raise Conflict(_("Only an emergency use takes a site check instead of a vote."))
    found.site_check = _text(note, "note")
    _move(found, ("draft",), "site_checked")
    found.site_check_by_id, found.site_check_at = actor.id, utcnow()
    _event(actor, found, "site_checked", found.site_check)
    db.session.commit()
    return found


def _check_vote(found: FundApplication, vote_id) -> None:
    """The vote must be final and passed, about fund use, held after publication, with exactly the bearing
    units as its electorate."""
    from ..votes.models import Vote, VoteVoterUnit
    vote = db.session.get(Vote, vote_id) if is_id(vote_id) else None
    if vote is None:
        raise Invalid(_("No such vote."), field="vote_id")
    if vote.matter != VOTE_MATTER:
        raise Invalid(_("The vote must be on using the maintenance fund (matter 5)."), field="vote_id")
    if vote.status not in FINAL_VOTE or vote.passed is None:
        raise Conflict(_("The vote has not closed yet."))
    if not vote.passed:
        raise Conflict(_("The vote did not pass."))
    if vote.opened_at is None or vote.opened_at < found.published_at:
        raise Invalid(_("The vote must be held after the plan was published."), field="vote_id")
    electorate = set(db.session.scalars(select(VoteVoterUnit.unit_id).where(VoteVoterUnit.vote_id == vote.id)))
    if electorate != {u.unit_id for u in bearing(found)}:
        raise Invalid(_("The vote's electorate must be exactly the units that bear the cost."), field="vote_id")
    if db.session.scalar(select(FundApplication.id).where(FundApplication.vote_id == vote.id,
                                                          FundApplication.id != found.id)):
        raise Conflict(_("That vote approved another application."))


def approve(actor, application_id, vote_id=None) -> FundApplication:
    """The committee records the approval: the passed vote, or (emergency) its site check."""
    policy.require(actor, "fund.review")
    found = _find(actor, application_id)
    if found.emergency:
        if found.status != "site_checked" or not found.site_check:
            raise Conflict(_("An emergency use needs the committee's site check on record first."))
    else:
        _step(found, ("reviewed",))
        _check_vote(found, vote_id)
        found.vote_id = vote_id
    _move(found, ("site_checked",) if found.emergency else ("reviewed",), "approved")
    found.approved_at = utcnow()
    _event(actor, found, "approved", detail={"vote_id": found.vote_id})
    db.session.commit()
    return found


def file(actor, application_id, reference, filed_on) -> FundApplication:
    policy.require(actor, "fund.review")
    found = _find(actor, application_id)
    _step(found, ("approved",))
    found.filing_ref = _text(reference, "reference", 64)
    try:
        found.filing_date = date.fromisoformat(filed_on) if isinstance(filed_on, str) else None
    except ValueError:
        found.filing_date = None
    if found.filing_date is None or found.filing_date > utcnow().date() + timedelta(days=1):
        raise Invalid(_("Give the filing date as YYYY-MM-DD, not in the future."), field="date")
    _move(found, ("approved",), "filed")
    _event(actor, found, "filed", found.filing_ref, detail={"reference": found.filing_ref,
                                                            "date": found.filing_date.isoformat()})
    db.session.commit()
    return found


def _photos(value) -> list[int]:
    from ..boards.models import Attachment
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 9 or not all(is_id(v) for v in value):
        raise Invalid(_("Photos are up to nine attachment ids."), field="photos")
    if len(set(db.session.scalars(select(Attachment.id).where(Attachment.id.in_(value))))) != len(set(value)):
        raise Invalid(_("No such attachment."), field="photos")
    return value


def progress(actor, application_id, note, photos=None) -> FundApplication:
    policy.require(actor, "fund.apply")
    found = _find(actor, application_id)
    _step(found, ("filed", "in_progress"))
    _move(found, ("filed", "in_progress"), "in_progress")
    _event(actor, found, "progress", _text(note, "note"), _photos(photos))
    db.session.commit()
    return found


def accept(actor, application_id, note) -> FundApplication:
    policy.require(actor, "fund.review")
    found = _find(actor, application_id)
    _step(found, ("filed", "in_progress"))
    found.acceptance_note = _text(note, "note")
    _move(found, ("filed", "in_progress"), "accepted")
    found.accepted_at = utcnow()
    _event(actor, found, "accepted", found.acceptance_note)
    db.session.commit()
    return found


def settle(actor, application_id, amount, invoices) -> FundApplication:
    """Charge the settled amount to the bearing units; more than the approved budget needs a new approval."""
    policy.require(actor, "fund.apply")
    found = _find(actor, application_id)
    _step(found, ("accepted",))
    fen = ledger.parse_money(amount, "amount")
    if fen > found.budget_fen:
        raise Invalid(_("The settlement exceeds the approved budget."), field="amount")
    found.invoices = _text(invoices, "invoices")
    _move(found, ("accepted",), "settled")
    units = [(u.unit_id, u.unit_code, u.area_centi) for u in bearing(found)]
    batch = ledger.charge_units(actor, fen, units, (_("Fund use: %(t)s", t=found.title))[:200],
                                detail={"application": found.id})
    found.settled_fen, found.settled_at, found.batch_id = fen, utcnow(), batch.id
    _event(actor, found, "settled", found.invoices, detail={"amount": ledger.format_money(fen), "batch": batch.id})
    if found.emergency:
        found.published_at = utcnow()
        _hearing_thread(actor, found, afterwards=True)
    db.session.commit()
    return found


def events(found: FundApplication) -> list[FundApplicationEvent]:
    return list(db.session.scalars(select(FundApplicationEvent).where(
        FundApplicationEvent.application_id == found.id).order_by(FundApplicationEvent.id)))


def serialize(found: FundApplication, actor, *, full: bool = True) -> dict:
    body = {"id": found.id, "title": found.title, "facility": found.facility, "status": found.status,
            "emergency": found.emergency, "emergency_kind": found.emergency_kind,
            "budget": ledger.format_money(found.budget_fen), "vote_id": found.vote_id, "thread_id": found.thread_id,
            "published_at": iso(found.published_at), "hearing_until": iso(found.hearing_until),
            "filing_ref": found.filing_ref, "filing_date": found.filing_date.isoformat() if found.filing_date else None,
            "settled": ledger.format_money(found.settled_fen) if found.settled_fen is not None else None,
            "batch_id": found.batch_id}
    if not full:
        return body
    mine = {u.code for u in ledger.my_units(actor)}
    per_unit = shares(found, found.settled_fen)
    body.update(project=found.project, quotes=found.quotes, review_note=found.review_note,
                site_check=found.site_check, acceptance_note=found.acceptance_note, invoices=found.invoices,
                units_count=len(per_unit), shares=per_unit, my_shares=[s for s in per_unit if s["unit"] in mine],
                events=[{"kind": e.kind, "note": e.note, "photos": e.photos, "at": iso(e.at)} for e in events(found)],
                **_flags(found, actor))
    return body


def _flags(found: FundApplication, actor) -> dict:
    apply_, review_ = policy.can(actor, "fund.apply"), policy.can(actor, "fund.review")
    s = found.status
    return {"can_publish": apply_ and s == "draft" and not found.emergency,
            "can_review": review_ and s == "published",
            "can_site_check": review_ and s == "draft" and found.emergency,
            "can_approve": review_ and (s == "reviewed" or (found.emergency and s == "site_checked")),
            "can_file": review_ and s == "approved",
            "can_progress": apply_ and s in ("filed", "in_progress"),
            "can_accept": review_ and s in ("filed", "in_progress"),
            "can_settle": apply_ and s == "accepted"}
