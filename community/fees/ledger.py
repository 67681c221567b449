"""Money, periods and the balances read from the ledger rows.

Rounding rule: a bill line is ``rate_fen × quantity_centi / 100`` rounded half up to the fen, per unit and per
period, on the exact integer product (``(rate × centi + 50) // 100``). Nothing is split across units, so there
is no remainder to carry; an estate's total can differ from ``rate × total area`` by at most half a fen per
unit, and that difference is what the sum of the bills says, not a hidden rounding."""

import calendar
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, select

from ..core.errors import Invalid
from ..core.i18n import gettext as _
from ..extensions import db
from .models import Adjustment, Allocation, Bill, Payment

MONEY = re.compile(r"^(-)?(\d{1,9})(?:\.(\d{1,2}))?$", re.ASCII)
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$", re.ASCII)
MONEY_MAX = 10**9  # ten million yuan in fen: more than any one entry, and within a 32-bit column


def parse_money(raw, field: str, *, negative: bool = False) -> int:
    """A decimal string of yuan ("123.45") as fen. Zero is refused; a sign only where ``negative`` allows."""
    text = raw.strip() if isinstance(raw, str) else None
    found = MONEY.match(text) if text else None
    if found is None or (found.group(1) and not negative):
        raise Invalid(_("Enter an amount in yuan with at most two decimals, e.g. 123.45."), field=field)
    fen = int(found.group(2)) * 100 + int((found.group(3) or "0").ljust(2, "0"))
    if fen == 0 or fen > MONEY_MAX:
        raise Invalid(_("Enter an amount in yuan with at most two decimals, e.g. 123.45."), field=field)
    return -fen if found.group(1) else fen


def show(fen: int | None) -> str | None:
    """Fen as the API's decimal string: 12345 → "123.45", -5 → "-0.05"."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def line_amount(rate_fen: int, quantity_centi: int) -> int:
    """The rounding rule of the module docstring, for non-negative rates and quantities."""
    return (rate_fen * quantity_centi + 50) // 100


def parse_period(raw, field: str = "period") -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not PERIOD.match(text):
        raise Invalid(_("Enter a month as YYYY-MM."), field=field)
    return text


def period_end(period: str) -> date:
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(period: str, n: int) -> str:
    index = int(period[:4]) * 12 + int(period[5:]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def local_date(at: datetime) -> date:
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone()).date()


def period_of(at: datetime) -> str:
    return local_date(at).strftime("%Y-%m")


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


# ---- balances ----------------------------------------------------------------------------------------

def _sums(model):
    return (select(model.bill_id, func.sum(model.amount_fen).label("total"))
            .group_by(model.bill_id).subquery())


def open_bills(*conditions):
    """A query of (bill id, unit id, period, due date, amount, outstanding) for bills with something owing,
    across the estate (for one unit, ``bill_lines`` reads only that unit's rows)."""
    adj, paid = _sums(Adjustment), _sums(Allocation)
    outstanding = (Bill.amount_fen + func.coalesce(adj.c.total, 0) - func.coalesce(paid.c.total, 0))
    return (select(Bill.id, Bill.unit_id, Bill.period, Bill.due_on, Bill.amount_fen,
                   outstanding.label("outstanding"))
            .outerjoin(adj, adj.c.bill_id == Bill.id).outerjoin(paid, paid.c.bill_id == Bill.id)
            .where(outstanding > 0, *conditions))


def bill_lines(unit_id: int) -> list[dict]:
    """Every bill of a unit with what was adjusted, paid and is outstanding, oldest first."""
    bills = list(db.session.scalars(select(Bill).where(Bill.unit_id == unit_id)
                                    .order_by(Bill.due_on, Bill.period, Bill.id)))
    ids = [b.id for b in bills]
    adjusted = dict(db.session.execute(select(Adjustment.bill_id, func.sum(Adjustment.amount_fen))
                                       .where(Adjustment.bill_id.in_(ids)).group_by(Adjustment.bill_id)).all())
    paid = dict(db.session.execute(select(Allocation.bill_id, func.sum(Allocation.amount_fen))
                                   .where(Allocation.bill_id.in_(ids)).group_by(Allocation.bill_id)).all())
    return [{"bill": b, "adjusted": adjusted.get(b.id, 0), "paid": paid.get(b.id, 0),
             "outstanding": b.amount_fen + adjusted.get(b.id, 0) - paid.get(b.id, 0)} for b in bills]


def outstanding_of(bill_id: int) -> int:
    bill = db.session.get(Bill, bill_id)
    adjusted = db.session.scalar(select(func.coalesce(func.sum(Adjustment.amount_fen), 0))
                                 .where(Adjustment.bill_id == bill_id))
    paid = db.session.scalar(select(func.coalesce(func.sum(Allocation.amount_fen), 0))
                             .where(Allocation.bill_id == bill_id))
    return bill.amount_fen + adjusted - paid


def payment_remainders(unit_id: int) -> list[tuple[int, int]]:
    """(payment id, part not yet allocated) for the unit's live payments, oldest first: its credit."""
    allocated = (select(Allocation.payment_id, func.sum(Allocation.amount_fen).label("total"))
                 .group_by(Allocation.payment_id).subquery())
    reversed_ids = select(Payment.reverses_id).where(Payment.reverses_id.is_not(None))
    rows = db.session.execute(
        select(Payment.id, Payment.amount_fen - func.coalesce(allocated.c.total, 0))
        .outerjoin(allocated, allocated.c.payment_id == Payment.id)
        .where(Payment.unit_id == unit_id, Payment.amount_fen > 0, Payment.id.not_in(reversed_ids))
        .order_by(Payment.received_at, Payment.id)).all()
    return [(pid, left) for pid, left in rows if left > 0]


def credits(unit_ids=None) -> dict[int, int]:
    """Unit id → credit (payments not yet applied to a bill), for the units that have some."""
    paid = select(Payment.unit_id, func.sum(Payment.amount_fen).label("total")).group_by(Payment.unit_id)
    used = (select(Payment.unit_id, func.sum(Allocation.amount_fen).label("total"))
            .join(Payment, Payment.id == Allocation.payment_id).group_by(Payment.unit_id))
    if unit_ids is not None:
        paid, used = paid.where(Payment.unit_id.in_(unit_ids)), used.where(Payment.unit_id.in_(unit_ids))
    paid, used = paid.subquery(), used.subquery()
    rows = db.session.execute(select(paid.c.unit_id, paid.c.total - func.coalesce(used.c.total, 0))
                              .outerjoin(used, and_(used.c.unit_id == paid.c.unit_id))).all()
    return {unit_id: left for unit_id, left in rows if left > 0}


def plan(owing: list[tuple[int, int]], funds: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """How ``funds`` (payment id, amount available) pay ``owing`` (bill id, outstanding), both in the order to
    use them: each bill is paid off before the next is touched, each fund used up before the next. Answers
    (payment id, bill id, amount) triples; what no bill needs stays with its fund as credit."""
    out = []
    funds = [[pid, left] for pid, left in funds if left > 0]
    f = 0
    for bill_id, need in owing:
        while need > 0 and f < len(funds):
            take = min(need, funds[f][1])
            out.append((funds[f][0], bill_id, take))
            need -= take
            funds[f][1] -= take
            if funds[f][1] == 0:
                f += 1
        if f == len(funds):
            break
    return out


def allocate(unit_id: int, funds: list[tuple[int, int]], bill_ids: list[int] | None, at: datetime) -> list[dict]:
    """Apply ``funds`` to the unit's open bills: the chosen ones in the order given, or every open bill oldest
    first. Answers the allocations written."""
    owing = {line["bill"].id: line["outstanding"] for line in bill_lines(unit_id) if line["outstanding"] > 0}
    order = [b for b in dict.fromkeys(bill_ids) if b in owing] if bill_ids is not None else list(owing)
    written = []
    for payment_id, bill_id, amount in plan([(b, owing[b]) for b in order], funds):
        db.session.add(Allocation(payment_id=payment_id, bill_id=bill_id, amount_fen=amount, at=at))
        written.append({"bill_id": bill_id, "payment_id": payment_id, "amount_fen": amount})
    return written
