"""Service figures for the committee and the company: satisfaction and timeliness against their targets, by
department, category and month, the requests overdue now, and the same as CSV."""

import csv
import io
from bisect import bisect_right
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from ..core import policy, validation
from ..core.errors import Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..core.web import local_stamp
from ..estate.models import Building, Unit
from ..extensions import db
from .common import estate_zone, percent
from .models import Ticket
from .tickets import DEPARTMENTS, KINDS, REPAIR_CATEGORIES, overdue_filter

# The property company's own targets, from its front-desk work plans (percent).
SATISFACTION_TARGET = 90
TIMELINESS_TARGET = 85
SATISFIED_FROM = 4  # a rating of 4 or 5 counts as satisfied


def _rate(hits: int, count: int, target: int) -> dict:
    """A rate against its target, compared in integers (87.5% against 85% never rounds the wrong way)."""
    return {"count": count, "hits": hits, "rate": percent(hits, count), "target": target,
            "met": hits * 100 >= target * count if count else None}


class _Tally:
    def __init__(self):
        self.filed = self.done = self.on_time = self.rated = self.satisfied = 0

    def as_dict(self) -> dict:
        return {"filed": self.filed, "done": self.done,
                "timeliness": _rate(self.on_time, self.done, TIMELINESS_TARGET),
                "satisfaction": _rate(self.satisfied, self.rated, SATISFACTION_TARGET)}


class _Months:
    """The last ``count`` months in the estate's time zone, oldest first, with the UTC moment each began, so
    that placing a time in its month is a bisection rather than a time-zone conversion."""

    def __init__(self, now: datetime, count: int):
        zone, utc = estate_zone(), ZoneInfo("UTC")
        local = now.replace(tzinfo=utc).astimezone(zone)
        year, month = local.year, local.month
        firsts = []
        for _i in range(count):
            firsts.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        firsts.reverse()
        self.keys = [f"{y:04d}-{m:02d}" for y, m in firsts]
        self.starts = [datetime(y, m, 1, tzinfo=zone).astimezone(utc).replace(tzinfo=None) for y, m in firsts]
        self.start = self.starts[0]

    def of(self, at: datetime) -> str:
        return self.keys[bisect_right(self.starts, at) - 1]


def figures(actor, *, months: int = 12, kind: str | None = None) -> dict:
    """Satisfaction (ratings of 4 or 5 over all ratings given) and timeliness (done by the completion target
    over all done), overall, by department, by category and per month, each against its target; counts of
    requests filed by department and category; and the requests overdue right now.

    Requests count in the month they were filed, done or rated, each for its own figure; months are the
    estate's local months."""
    policy.require(actor, "figures.read")
    if kind is not None:
        validation.choice(kind, "kind", KINDS)
    now = utcnow()
    window = _Months(now, months)
    start = window.start
    rows = _figure_rows(start, kind)
    overall, monthly = _Tally(), {k: _Tally() for k in window.keys}
    departments = {d: _Tally() for d in (*DEPARTMENTS, "unassigned")}
    categories_ = defaultdict(_Tally)
    for t in rows:
        groups = (overall, departments[t.department or "unassigned"], categories_[t.category])
        if t.submitted_at >= start:
            for g in (*groups, monthly[window.of(t.submitted_at)]):
                g.filed += 1
        if t.done_at and t.done_at >= start:
            late = t.done_at > t.completion_due_at
            for g in (*groups, monthly[window.of(t.done_at)]):
                g.done += 1
                g.on_time += not late
        if t.rating is not None and t.confirmed_at >= start:
            for g in (*groups, monthly[window.of(t.confirmed_at)]):
                g.rated += 1
                g.satisfied += t.rating >= SATISFIED_FROM
    overdue_query = select(Ticket.kind, func.count(Ticket.id)).where(overdue_filter(now)).group_by(Ticket.kind)
    if kind:
        overdue_query = overdue_query.where(Ticket.kind == kind)
    overdue_now = dict(db.session.execute(overdue_query).all())
    order = {c: i for i, c in enumerate((*REPAIR_CATEGORIES, "complaint", "suggestion"))}
    return {
        "since": iso(start), "months": months, "kind": kind,
        "targets": {"satisfaction": SATISFACTION_TARGET, "timeliness": TIMELINESS_TARGET},
        **overall.as_dict(),
        "overdue_now": sum(overdue_now.values()),
        "by_department": [{"department": d, **t.as_dict()} for d, t in departments.items()],
        "by_category": [{"category": c, **categories_[c].as_dict()}
                        for c in sorted(categories_, key=lambda c: order.get(c, len(order)))],
        "monthly": [{"month": k, **monthly[k].as_dict()} for k in window.keys],
    }


def _figure_rows(start: datetime, kind: str | None):
    cols = (Ticket.id, Ticket.kind, Ticket.category, Ticket.department, Ticket.status, Ticket.submitted_at,
            Ticket.accepted_at, Ticket.done_at, Ticket.confirmed_at, Ticket.response_due_at,
            Ticket.completion_due_at, Ticket.rating, Ticket.unit_id)
    query = select(*cols).where(or_(Ticket.submitted_at >= start, Ticket.done_at >= start,
                                    Ticket.confirmed_at >= start))
    if kind:
        query = query.where(Ticket.kind == kind)
    return db.session.execute(query.order_by(Ticket.id)).all()


def _stamp(at: datetime | None) -> str:
    """A file people open in a spreadsheet: the estate's local time with its offset (the API keeps UTC)."""
    return local_stamp(at)


def _cell(value) -> str:
    """Nothing a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def figures_csv(actor, *, table: str = "monthly", months: int = 12, kind: str | None = None) -> str:
    """``monthly``: the figures per month; ``requests``: one row per request (no names, building only), from
    which every figure can be recomputed. UTF-8 with a byte-order mark, so spreadsheet programs read Chinese."""
    policy.require(actor, "figures.read")
    if table not in ("monthly", "requests"):
        raise Invalid(_("Choose monthly or requests."), field="table")
    if kind is not None:
        validation.choice(kind, "kind", KINDS)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "monthly":
        writer.writerow(["month", "filed", "done", "done_on_time", "timeliness_pct", "timeliness_target_pct",
                         "rated", "satisfied", "satisfaction_pct", "satisfaction_target_pct"])
        for m in figures(actor, months=months, kind=kind)["monthly"]:
            t, s = m["timeliness"], m["satisfaction"]
            writer.writerow([m["month"], m["filed"], m["done"], t["hits"], _cell(t["rate"]), t["target"],
                             s["count"], s["hits"], _cell(s["rate"]), s["target"]])
    else:
        buildings = dict(db.session.execute(select(Unit.id, Building.code).join(Building)).all())
        writer.writerow(["id", "kind", "category", "department", "status", "building", "submitted_at",
                         "accepted_at", "done_at", "confirmed_at", "response_due_at", "completion_due_at",
                         "accepted_on_time", "done_on_time", "rating"])
        for t in _figure_rows(_Months(utcnow(), months).start, kind):
            accepted_on_time = "" if t.accepted_at is None else int(t.accepted_at <= t.response_due_at)
            done_on_time = "" if t.done_at is None else int(t.done_at <= t.completion_due_at)
            writer.writerow([t.id, t.kind, t.category, t.department or "", t.status,
                             _cell(buildings.get(t.unit_id)), _stamp(t.submitted_at), _stamp(t.accepted_at),
                             _stamp(t.done_at), _stamp(t.confirmed_at), _stamp(t.response_due_at),
                             _stamp(t.completion_due_at), accepted_on_time, done_on_time,
                             "" if t.rating is None else t.rating])
    return out.getvalue()
