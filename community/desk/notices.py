"""Notices from the property company: published to the estate or some buildings, announced in the
announcements room, read and acknowledged by their audience, and tracked unit by unit."""

from collections import defaultdict

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts import services as accounts
from ..accounts.models import User, UserUnit
from ..audit import services as audit
from ..chat import services as chat
from ..core import fetch, policy, reads, sanitize, validation
from ..core.errors import Conflict, Denied, Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Unit
from ..extensions import db
from ..notifications.services import notify
from .common import BODY_MAX, QUERY_MAX, TITLE_MAX, judge
from .models import Notice, NoticeBuilding, NoticeReceipt

CATEGORIES = ("general", "fire_safety", "outage", "fees")


def post_notice(actor, data: dict) -> Notice:
    """Publish a notice: stored, announced in the announcements room and sent to its audience's notifications."""
    policy.require(actor, "notice.post")
    accounts.require_writer(actor)
    title = validation.text(data.get("title"), "title", TITLE_MAX)
    body = validation.text(data.get("body"), "body", BODY_MAX)
    category = validation.choice(data.get("category"), "category", CATEGORIES)
    must_acknowledge = validation.flag(data.get("must_acknowledge"), "must_acknowledge")
    buildings = _audience(data.get("buildings"))
    # Staff are the reviewers, so a notice is not held for review; a blocked word still refuses it.
    title = judge(actor, title).text
    body = judge(actor, body).text
    now = utcnow()
    notice = Notice(author_id=actor.id, category=category, title=title, body=body, body_html=sanitize.render(body),
                    whole_estate=not buildings, must_acknowledge=must_acknowledge, created_at=now)
    db.session.add(notice)
    db.session.flush()
    for building in buildings:
        db.session.add(NoticeBuilding(notice_id=notice.id, building_id=building.id))
    message = chat.post_link(actor, "announcements", title, f"/desk/notices/{notice.id}", f"notice-{notice.id}", now)
    notice.message_id = message.id
    recipients = [uid for uid in _audience_users([b.id for b in buildings]) if uid != actor.id]
    notify(recipients, "notice", actor_id=actor.id, target=f"notice:{notice.id}", detail={"title": title}, now=now)
    audit.record(actor, "notice.posted", f"notice:{notice.id}", {
        "category": category, "buildings": [b.code for b in buildings], "must_acknowledge": must_acknowledge,
        "message": message.id, "recipients": len(recipients)})
    chat.broadcast(message)
    db.session.commit()
    return notice


def _audience(codes) -> list[Building]:
    """No buildings (or none given) is the whole estate; otherwise every code must name a building."""
    if codes is None or codes == []:
        return []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise Invalid(_("Give a list of building codes, or none for the whole estate."), field="buildings")
    found = list(db.session.scalars(select(Building).where(Building.code.in_(set(codes))).order_by(Building.code)))
    if len(found) != len(set(codes)):
        missing = sorted(set(codes) - {b.code for b in found})
        raise Invalid(_("No such building: %(codes)s.", codes=", ".join(missing)), field="buildings")
    return found


def _audience_users(building_ids: list[int]) -> list[int]:
    """Approved owners and residents with a unit in these buildings (every building when the list is empty)."""
    query = select(UserUnit.user_id).join(User, User.id == UserUnit.user_id).where(
        UserUnit.ended_at.is_(None), User.status == "approved", User.role.in_(policy.RESIDENTS))
    if building_ids:
        query = query.join(Unit, Unit.id == UserUnit.unit_id).where(Unit.building_id.in_(building_ids))
    return sorted(set(db.session.scalars(query)))


def _notice_filter(actor):
    if policy.roles_of(actor) & policy.OVERSEERS:
        return True
    if not policy.roles_of(actor) & policy.RESIDENTS or not actor.building_codes:
        return Notice.whole_estate.is_(True)
    mine = select(Building.id).where(Building.code.in_(actor.building_codes))
    return or_(Notice.whole_estate.is_(True), exists().where(
        NoticeBuilding.notice_id == Notice.id, NoticeBuilding.building_id.in_(mine)))


def notices(actor, *, category=None, q=None, before: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    """The archive, newest first, optionally of one category and containing ``q`` in title or text."""
    policy.require_member(actor)
    query = select(Notice).where(_notice_filter(actor)).options(selectinload(Notice.buildings))
    if category:
        query = query.where(Notice.category == validation.choice(category, "category", CATEGORIES))
    if q is not None:
        term = validation.text(q, "q", QUERY_MAX).lower()
        query = query.where(or_(func.lower(Notice.title).contains(term, autoescape=True),
                                func.lower(Notice.body).contains(term, autoescape=True)))
    if before:
        query = query.where(Notice.id < before)
    rows = list(db.session.scalars(query.order_by(Notice.id.desc()).limit(limit)))
    receipts = {}
    if rows:
        receipts = {r.notice_id: r for r in db.session.scalars(select(NoticeReceipt).where(
            NoticeReceipt.user_id == actor.id, NoticeReceipt.notice_id.in_([n.id for n in rows])))}
    cards = accounts.public_cards(n.author_id for n in rows)
    items = [serialize_notice(n, cards[n.author_id], receipts.get(n.id), actor) for n in rows]
    return items, (rows[-1].id if len(rows) == limit else None)


def notice(actor, notice_id: int) -> Notice:
    return fetch.get(actor, Notice, notice_id, action="notice.view", message=_("No such notice."))


def in_audience(actor, found: Notice) -> bool:
    """An owner or resident of the estate, or of one of the notice's buildings: whose reading counts."""
    if not policy.roles_of(actor) & policy.RESIDENTS or not actor.building_codes:
        return False
    return found.whole_estate or bool(found.building_codes & actor.building_codes)


def open_notice(actor, notice_id: int) -> dict:
    """A notice as its reader sees it; the first opening by someone it is aimed at is recorded as read, after
    the response (``core.reads``): reading a notice writes nothing on the request path. Acknowledging one that
    asks for it is an action of its own (``acknowledge``)."""
    found = notice(actor, notice_id)
    receipt = _receipt(actor, found)
    first = receipt is None and in_audience(actor, found)
    if first:
        reads.defer("notice", (actor.id, found.id), notice_id=found.id, user_id=actor.id, read_at=utcnow())
    author = accounts.public_cards([found.author_id])[found.author_id]
    data = serialize_notice(found, author, receipt, actor, full=True)
    if first:
        data["read"] = True
    return data


@reads.writer("notice")
def _record_seen(notice_id: int, user_id: int, read_at) -> None:
    reads.insert_once(NoticeReceipt, {"notice_id": notice_id, "user_id": user_id}, read_at=read_at)


def _receipt(actor, found: Notice) -> NoticeReceipt | None:
    return db.session.scalar(select(NoticeReceipt).where(NoticeReceipt.notice_id == found.id,
                                                         NoticeReceipt.user_id == actor.id))


def _record_receipt(actor, found: Notice, *, acknowledged: bool) -> NoticeReceipt:
    now = utcnow()
    receipt = _receipt(actor, found)
    if receipt is None:
        receipt = NoticeReceipt(notice_id=found.id, user_id=actor.id, read_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(receipt)
        except IntegrityError:  # the same reader on a second phone, at the same moment
            receipt = _receipt(actor, found)
    if acknowledged and receipt.acknowledged_at is None:
        receipt.acknowledged_at = now
    db.session.commit()
    return receipt


def acknowledge(actor, notice_id: int) -> NoticeReceipt:
    """Confirm having read a notice that asks for it; doing it again changes nothing."""
    found = notice(actor, notice_id)
    policy.require(actor, "notice.acknowledge")
    if not in_audience(actor, found):
        raise Denied(_("This notice is not addressed to you."))
    if not found.must_acknowledge:
        raise Conflict(_("This notice does not ask for acknowledgement."))
    return _record_receipt(actor, found, acknowledged=True)


def receipts(actor, notice_id: int) -> dict:
    """Who has been reached, per building: units read and acknowledged, readers, and the units not yet reached.

    A unit is reached when any of its residents acknowledged the notice (read it, when no acknowledgement is
    asked for). Units with nobody registered are never reached online: they need a printed notice."""
    found = notice(actor, notice_id)
    policy.require(actor, "notice.track")
    query = select(Unit.id, Unit.code, Building.code).join(Building).order_by(Building.code, Unit.code)
    if not found.whole_estate:
        query = query.where(Building.id.in_([b.id for b in found.buildings]))
    units = db.session.execute(query).all()
    links = db.session.execute(select(UserUnit.unit_id, UserUnit.user_id).join(User, User.id == UserUnit.user_id)
                               .where(UserUnit.ended_at.is_(None), User.status == "approved",
                                      UserUnit.unit_id.in_([u[0] for u in units]))).all() if units else []
    seen = {r.user_id: r for r in db.session.scalars(select(NoticeReceipt).where(NoticeReceipt.notice_id == found.id))}
    residents = defaultdict(set)
    for unit_id, user_id in links:
        residents[unit_id].add(user_id)
    per_building: dict[str, dict] = {}
    unreached = []
    for unit_id, unit_code, building_code in units:
        row = per_building.setdefault(building_code, {
            "building": building_code, "units": 0, "units_registered": 0, "units_read": 0,
            "units_acknowledged": 0, "residents": set(), "readers": set(), "acknowledged": set()})
        people = residents.get(unit_id, set())
        read = {u for u in people if u in seen}
        acked = {u for u in read if seen[u].acknowledged_at is not None}
        row["units"] += 1
        row["units_registered"] += bool(people)
        row["units_read"] += bool(read)
        row["units_acknowledged"] += bool(acked)
        row["residents"] |= people
        row["readers"] |= read
        row["acknowledged"] |= acked
        if not (acked if found.must_acknowledge else read):
            unreached.append({"unit": unit_code, "building": building_code, "registered": bool(people)})
    buildings = []
    for row in per_building.values():
        row.update({k: len(row[k]) for k in ("residents", "readers", "acknowledged")})
        row["units_reached"] = row["units_acknowledged"] if found.must_acknowledge else row["units_read"]
        buildings.append(row)
    totals = {k: sum(b[k] for b in buildings) for k in (
        "units", "units_registered", "units_read", "units_acknowledged", "units_reached", "residents", "readers",
        "acknowledged")}
    return {"notice_id": found.id, "must_acknowledge": found.must_acknowledge, "buildings": buildings,
            "totals": totals, "unreached": unreached}


def serialize_notice(n: Notice, author: dict, receipt: NoticeReceipt | None, viewer, *, full: bool = False) -> dict:
    data = {"id": n.id, "category": n.category, "title": n.title, "author": author,
            "whole_estate": n.whole_estate, "buildings": sorted(n.building_codes),
            "must_acknowledge": n.must_acknowledge, "created_at": iso(n.created_at),
            "read": receipt is not None, "acknowledged": bool(receipt and receipt.acknowledged_at),
            "acknowledged_at": iso(receipt.acknowledged_at) if receipt else None, "for_me": in_audience(viewer, n)}
    if full:
        data["body_html"] = n.body_html
        data["can_acknowledge"] = n.must_acknowledge and data["for_me"] and policy.can(viewer, "notice.acknowledge")
        data["can_track"] = policy.can(viewer, "notice.track")
    else:
        excerpt = sanitize.plain_text(n.body).replace("\n", " ")
        data["excerpt"] = excerpt if len(excerpt) <= 120 else excerpt[:120].rstrip() + "…"
    return data
