"""Disclosures the law requires (Civil Code art. 943; measures art. 30) and owners' requests.

Each item has a due date; publishing it moves the due date on by the item's period. The job marks an item
overdue once its due date passes unpublished, and an owner's request once its answer is late.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Unit
from ..extensions import db
from ..notifications import services as notifications
from . import ledger
from .models import Disclosure, DisclosureItem, OwnerRequest

TOPICS = {"services": _l("Services and responsible staff"), "fees": _l("Fees and their standards"),
          "fund_use": _l("Use of the maintenance fund"), "income": _l("Common income")}
REQUEST_KINDS = ("information", "recheck")


def add_months(at: datetime, months: int) -> datetime:
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    day = min(at.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31,
                       31, 30, 31, 30, 31][month - 1])
    return at.replace(year=year, month=month, day=day)


def ensure_items() -> list[DisclosureItem]:
    """The four items, made on first use, due one period from then."""
    have = {i.topic: i for i in db.session.scalars(select(DisclosureItem))}
    months = ledger.settings().disclosure_months
    for topic in TOPICS:
        if topic not in have:
            try:
                with db.session.begin_nested():  # topics are unique: a concurrent first reader may make it too
                    db.session.add(DisclosureItem(topic=topic, every_months=months,
                                                  due_at=add_months(utcnow(), months)))
            except IntegrityError:
                pass
    have = {i.topic: i for i in db.session.scalars(select(DisclosureItem))}
    return [have[t] for t in TOPICS]


def items(actor) -> list[dict]:
    policy.require(actor, "disclosure.read")
    found = ensure_items()
    db.session.commit()
    latest = {}
    for d in db.session.scalars(select(Disclosure).order_by(Disclosure.id)):
        latest[d.item_id] = d
    now = utcnow()
    return [{"topic": i.topic, "label": str(TOPICS[i.topic]), "every_months": i.every_months, "due_at": iso(i.due_at),
             "overdue": i.due_at <= now, "overdue_since": iso(i.overdue_since),
             "last": ({"summary": latest[i.id].summary, "published_at": iso(latest[i.id].published_at)}
                      if i.id in latest else None)} for i in found]


def publish(actor, topic, summary) -> Disclosure:
    policy.require(actor, "disclosure.publish")
    if topic not in TOPICS:
        raise Invalid(_("No such disclosure item."), field="topic")
    item = next(i for i in ensure_items() if i.topic == topic)
    found = Disclosure(item_id=item.id, summary=ledger.memo_text(summary, "summary", max_len=5000),
                       for_due_at=item.due_at, published_by_id=actor.id, published_at=utcnow())
    db.session.add(found)
    item.due_at = add_months(max(item.due_at, utcnow()), item.every_months)
    item.overdue_since = None
    db.session.flush()
    audit.record(actor, "disclosure.published", f"disclosure:{found.id}",
                 {"topic": topic, "next_due": iso(item.due_at)})
    db.session.commit()
    return found


def file_request(actor, kind, question, unit=None) -> OwnerRequest:
    policy.require(actor, "fund.request")
    if kind not in REQUEST_KINDS:
        raise Invalid(_("The kind is information or recheck."), field="kind")
    unit_id = None
    if kind == "recheck" or unit is not None:
        found_unit = db.session.scalar(select(Unit).where(Unit.code == unit)) if isinstance(unit, str) else None
        if found_unit is None or found_unit.id not in {u.id for u in ledger.my_units(actor)}:
            raise Invalid(_("Name one of your own units."), field="unit")
        unit_id = found_unit.id
    now = utcnow()
    found = OwnerRequest(kind=kind, user_id=actor.id, unit_id=unit_id,
                         question=ledger.memo_text(question, "question", max_len=2000), created_at=now,
                         due_at=now + timedelta(days=ledger.settings().request_days))
    db.session.add(found)
    db.session.commit()
    return found


def answer(actor, request_id, text) -> OwnerRequest:
    policy.require(actor, "fund.answer")
    found = db.session.get(OwnerRequest, request_id) if is_id(request_id) else None
    if found is None:
        raise NotFound(_("No such request."))
    text = ledger.memo_text(text, "answer", max_len=5000)
    done = db.session.execute(update(OwnerRequest).where(OwnerRequest.id == found.id,
                                                         OwnerRequest.answered_at.is_(None))
                              .values(answer=text, answered_by_id=actor.id, answered_at=utcnow())
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This request has been answered already."))
    audit.record(actor, "fund.request_answered", f"fund_request:{found.id}", {"kind": found.kind})
    _notify([found.user_id], "fund_answer")
    db.session.commit()
    db.session.refresh(found)
    return found


def _notify(user_ids, kind: str) -> None:
    notifications.notify(set(user_ids), kind[:16])


def requests(actor) -> list[dict]:
    if policy.can(actor, "fund.requests_all"):
        query = select(OwnerRequest)
    else:
        policy.require(actor, "fund.request")
        query = select(OwnerRequest).where(OwnerRequest.user_id == actor.id)
    now = utcnow()
    codes = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    return [{"id": r.id, "kind": r.kind, "unit": codes.get(r.unit_id), "question": r.question,
             "due_at": iso(r.due_at), "overdue": r.answered_at is None and r.due_at <= now,
             "answer": r.answer, "answered_at": iso(r.answered_at), "created_at": iso(r.created_at),
             "can_answer": policy.can(actor, "fund.answer") and r.answered_at is None}
            for r in db.session.scalars(query.order_by(OwnerRequest.id.desc()).limit(200))]


def mark_overdue(now: datetime) -> dict:
    """The job's work: conditional updates, so two runners mark each thing once and notify once."""
    items_done = db.session.execute(update(DisclosureItem).where(
        DisclosureItem.due_at <= now, DisclosureItem.overdue_since.is_(None)).values(overdue_since=now)
        .returning(DisclosureItem.id)).scalars().all()
    requests_done = db.session.execute(update(OwnerRequest).where(
        OwnerRequest.due_at <= now, OwnerRequest.answered_at.is_(None), OwnerRequest.overdue_since.is_(None))
        .values(overdue_since=now).returning(OwnerRequest.id)).scalars().all()
    if items_done or requests_done:
        committee = db.session.scalars(select(User.id).where(User.committee.is_(True),
                                                             User.status == "approved")).all()
        _notify(committee, "fund_overdue")
        audit.record(None, "fund.overdue", "fund", {"disclosures": list(items_done),
                                                    "requests": list(requests_done)})
    db.session.commit()
    return {"disclosures_overdue": len(items_done), "requests_overdue": len(requests_done)}
