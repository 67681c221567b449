"""What the ledger says: a unit's statement, the staff's arrears register, the collection figures (by building,
never per unit), CSV, the evidence pack, and the import of opening balances."""

import csv
import io
from collections import defaultdict

from sqlalchemy import func, insert, select

from ..accounts.models import User, UserUnit
from ..audit import services as audit
from ..core import policy
from ..core.errors import Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Owner, Unit
from ..extensions import db
from . import claims, ledger, services
from .ledger import show
from .models import Adjustment, Allocation, Bill, Dispute, Payment, Reminder

BANDS = (("0-3", 0, 3), ("4-6", 4, 6), ("7-12", 7, 12), ("13+", 13, 10**6))


def _open_disputes(bill_ids) -> dict[int, Dispute]:
    if not bill_ids:
        return {}
    return {d.bill_id: d for d in db.session.scalars(
        select(Dispute).where(Dispute.bill_id.in_(bill_ids), Dispute.resolved_at.is_(None)))}


def _reminder(r: Reminder, *, staff: bool) -> dict:
    out = {"id": r.id, "step": r.step, "channel": r.channel, "at": iso(r.at), "amount": show(r.amount_fen),
           "deadline": r.deadline.isoformat() if r.deadline else None, "read_at": iso(r.read_at)}
    if staff:
        out |= {"note": r.note, "proof": r.proof, "proof_attachment_id": r.proof_attachment_id, "by_id": r.by_id,
                "proof_image": f"/api/v1/fees/reminders/{r.id}/proof" if r.proof_attachment_id else None}
    return out


def statement(actor, code, *, mark_read: bool = True) -> dict:
    """A unit's bills, payments and balance, for staff and the unit's owners of record."""
    unit = services.viewable_unit(actor, code)
    if mark_read:
        services.mark_read(actor, unit)
    staff = policy.can(actor, "fees.manage")
    today = ledger.local_date(utcnow())
    lines = ledger.bill_lines(unit.id)
    disputes = _open_disputes([line["bill"].id for line in lines])
    credit = ledger.credits([unit.id]).get(unit.id, 0)
    owing = sum(line["outstanding"] for line in lines)
    overdue = sum(line["outstanding"] for line in lines if line["bill"].due_on < today and line["outstanding"] > 0)
    payments = list(db.session.scalars(select(Payment).where(Payment.unit_id == unit.id).order_by(Payment.id)))
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    adjustments = list(db.session.scalars(select(Adjustment).join(Bill).where(Bill.unit_id == unit.id)
                                          .order_by(Adjustment.id)))
    reminders = list(db.session.scalars(select(Reminder).where(Reminder.unit_id == unit.id).order_by(Reminder.id)))
    return {
        "unit": unit.code, "building": unit.building.code,
        "area": f"{unit.area_centi // 100}.{unit.area_centi % 100:02d}",
        "owing": show(owing), "credit": show(credit), "balance": show(owing - credit), "overdue": show(overdue),
        "bills": [{"id": b.id, "period": b.period, "description": b.description, "amount": show(b.amount_fen),
                   "rate": show(b.rate_fen), "quantity": f"{b.quantity_centi // 100}.{b.quantity_centi % 100:02d}",
                   "adjusted": show(line["adjusted"]), "paid": show(line["paid"]),
                   "outstanding": show(line["outstanding"]), "due_on": b.due_on.isoformat(),
                   "status": "paid" if line["outstanding"] <= 0 else "overdue" if b.due_on < today else "open",
                   "disputed": b.id in disputes,
                   "dispute": ({"id": disputes[b.id].id, "text": disputes[b.id].text,
                                "ticket_id": disputes[b.id].ticket_id} if b.id in disputes else None)}
                  for line in lines for b in [line["bill"]]],
        "payments": [{"id": p.id, "amount": show(p.amount_fen), "channel": p.channel, "reference": p.reference,
                      "receipt_no": p.receipt_no, "received_at": iso(p.received_at), "reverses_id": p.reverses_id,
                      "reversed": p.id in reversed_ids, "reason": p.reason} for p in payments],
        "adjustments": [{"id": a.id, "bill_id": a.bill_id, "kind": a.kind, "amount": show(a.amount_fen),
                         "reason": a.reason, "at": iso(a.at), "reverses_id": a.reverses_id} for a in adjustments],
        "reminders": [_reminder(r, staff=staff) for r in reminders],
        "claims": [claims.serialize(c, unit.code) for c in claims.of_unit(unit.id)],
        "can_manage": staff,
        "can_dispute": policy.can(actor, "fees.dispute", services.unit_target(unit)),
    }


def my_units(actor) -> list[dict]:
    """The units the actor owns of record, each with its statement."""
    policy.require_member(actor)
    codes = db.session.scalars(select(Unit.code).join(UserUnit, UserUnit.unit_id == Unit.id).where(
        UserUnit.user_id == actor.id, UserUnit.ended_at.is_(None), UserUnit.relation == "owner").order_by(Unit.code))
    return [statement(actor, code) for code in codes]


def _overdue_rows(today):
    return db.session.execute(ledger.open_bills(Bill.due_on < today)).all()


def register(actor, *, building: str | None = None) -> list[dict]:
    """Staff's arrears register (催缴台账): each unit with overdue bills, how long and how much it owes, its
    owners' names and phones, its reminders, open disputes, and its open complaints and repairs beside it
    (refusals to pay often follow a service problem that was never solved)."""
    from ..desk.models import Ticket
    from ..desk.tickets import OPEN

    policy.require(actor, "fees.register")
    today = ledger.local_date(utcnow())
    per_unit: dict[int, dict] = {}
    for r in _overdue_rows(today):
        u = per_unit.setdefault(r.unit_id, {"amount": 0, "periods": set(), "oldest": r.due_on})
        u["amount"] += r.outstanding
        u["periods"].add(r.period)
        u["oldest"] = min(u["oldest"], r.due_on)
    # Whole-table reads filtered here: an IN list of thousands of ids costs more to compile than to scan.
    units = {r.id: r for r in db.session.execute(
        select(Unit.id, Unit.code, Building.code.label("building")).join(Building, Building.id == Unit.building_id))
        if r.id in per_unit and (not building or r.building == building)}
    roster = defaultdict(list)
    for unit_id, name in db.session.execute(select(Owner.unit_id, Owner.name).where(Owner.ended_at.is_(None))
                                            .order_by(Owner.id)):
        roster[unit_id].append(name)
    accounts = defaultdict(list)
    for unit_id, name, phone in db.session.execute(
            select(UserUnit.unit_id, User.real_name, User.phone).join(User, User.id == UserUnit.user_id)
            .where(UserUnit.ended_at.is_(None), UserUnit.relation == "owner").order_by(UserUnit.id)):
        accounts[unit_id].append({"name": name, "phone": phone})
    reminders = defaultdict(list)
    for r in db.session.scalars(select(Reminder).order_by(Reminder.id)):
        reminders[r.unit_id].append(r)
    tickets = defaultdict(list)
    for t in db.session.execute(select(Ticket.id, Ticket.unit_id, Ticket.kind, Ticket.category, Ticket.status)
                                .where(Ticket.unit_id.is_not(None), Ticket.status.in_(OPEN)).order_by(Ticket.id)):
        tickets[t.unit_id].append({"id": t.id, "kind": t.kind, "category": t.category, "status": t.status})
    disputed_units = set(db.session.scalars(select(Bill.unit_id).join(Dispute, Dispute.bill_id == Bill.id)
                                            .where(Dispute.resolved_at.is_(None))))
    rows = []
    for unit_id, unit in units.items():
        u = per_unit[unit_id]
        months = len(u["periods"])
        steps = reminders[unit_id]
        taken = {r.step for r in steps}
        last = steps[-1] if steps else None
        rows.append({
            "unit": unit.code, "building": unit.building, "overdue": show(u["amount"]), "overdue_fen": u["amount"],
            "months_owed": months, "years_owed": f"{months // 12}.{(months % 12) * 10 // 12}",
            "oldest_due": u["oldest"].isoformat(), "roster_names": roster[unit_id], "accounts": accounts[unit_id],
            "reminders": [_reminder(r, staff=True) for r in steps],
            "next_step": next((s for s in services.STEPS if s not in taken), None),
            "last_step": last.step if last else None, "deadline": last.deadline.isoformat()
            if last and last.deadline else None,
            "deadline_passed": bool(last and last.deadline and last.deadline < today),
            "disputed": unit_id in disputed_units, "open_tickets": tickets[unit_id],
        })
    rows.sort(key=lambda r: (-r["overdue_fen"], r["unit"]))
    return rows


def _rate(paid: int, billed: int, goal: int) -> dict:
    """Paid over billed, in integers: the rate to one decimal (rounded down) and whether the target is met."""
    return {"billed": show(billed), "paid": show(paid),
            "rate": f"{paid * 1000 // billed // 10}.{paid * 1000 // billed % 10}" if billed else None,
            "target": goal, "met": paid * 100 >= goal * billed if billed else None}


def figures(actor, *, year: int | None = None) -> dict:
    """Collection by building and month of the year (bills of a period against what has been paid on them),
    the current period, the year, and what is overdue by age band. Counts and sums per building only."""
    policy.require(actor, "fees.figures")
    now = utcnow()
    today = ledger.local_date(now)
    year = year or today.year
    if not 2000 <= year <= 2100:
        raise Invalid(_("The number is out of range."), field="year")
    goal = services.target()
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    grid = defaultdict(lambda: [0, 0])
    # Three plain sums by building and period (bills, their adjustments, what was paid on them): each one
    # join and one GROUP BY, which the databases do well, rather than a join of per-bill aggregates.
    in_year = Bill.period.in_(months)
    sums = [(0, select(Building.code, Bill.period, func.sum(Bill.amount_fen))),
            (0, select(Building.code, Bill.period, func.sum(Adjustment.amount_fen))
             .select_from(Adjustment).join(Bill, Bill.id == Adjustment.bill_id)),
            (1, select(Building.code, Bill.period, func.sum(Allocation.amount_fen))
             .select_from(Allocation).join(Bill, Bill.id == Allocation.bill_id))]
    for column, query in sums:
        query = (query.join(Unit, Unit.id == Bill.unit_id).join(Building, Building.id == Unit.building_id)
                 .where(in_year).group_by(Building.code, Bill.period))
        for code, period, total in db.session.execute(query):
            for key in ((code, period), (code, None), (None, period), (None, None)):
                grid[key][column] += int(total or 0)
    buildings = sorted(db.session.scalars(select(Building.code)), key=lambda c: (len(c), c))
    current = today.strftime("%Y-%m")
    bands = {name: {"amount": 0, "units": set()} for name, _lo, _hi in BANDS}
    in_arrears = defaultdict(set)
    unit_building = dict(db.session.execute(select(Unit.id, Building.code).join(Building)).all())
    for r in _overdue_rows(today):
        age = ledger.months_between(r.due_on, today)
        name = next(n for n, lo, hi in BANDS if lo <= age <= hi)
        bands[name]["amount"] += r.outstanding
        bands[name]["units"].add(r.unit_id)
        in_arrears[unit_building[r.unit_id]].add(r.unit_id)
    units_per_building = dict(db.session.execute(select(Building.code, func.count(Unit.id)).join(Unit)
                                                 .group_by(Building.code)).all())
    return {
        "year": year, "target": goal, "current_period": current,
        "year_total": _rate(grid[(None, None)][1], grid[(None, None)][0], goal),
        "current": _rate(grid[(None, current)][1], grid[(None, current)][0], goal),
        "monthly": [{"period": p, **_rate(grid[(None, p)][1], grid[(None, p)][0], goal)} for p in months],
        "by_building": [{"building": b, "units": units_per_building.get(b, 0), "units_in_arrears": len(in_arrears[b]),
                         **_rate(grid[(b, None)][1], grid[(b, None)][0], goal),
                         "monthly": [{"period": p, **_rate(grid[(b, p)][1], grid[(b, p)][0], goal)} for p in months]}
                        for b in buildings],
        "overdue_by_age": [{"band": n, "amount": show(bands[n]["amount"]), "units": len(bands[n]["units"])}
                           for n, _lo, _hi in BANDS],
    }


def figures_csv(actor, *, year: int | None = None) -> str:
    data = figures(actor, year=year)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["building", "period", "billed", "paid", "rate_pct", "target_pct", "met"])
    for b in data["by_building"]:
        for m in b["monthly"]:
            writer.writerow([b["building"], m["period"], m["billed"], m["paid"], m["rate"] or "", data["target"],
                             "" if m["met"] is None else int(m["met"])])
    for m in data["monthly"]:
        writer.writerow(["*", m["period"], m["billed"], m["paid"], m["rate"] or "", data["target"],
                         "" if m["met"] is None else int(m["met"])])
    return out.getvalue()


def evidence(actor, code) -> dict:
    """Everything arbitration or a court would ask for: bills, payments, adjustments, every reminder with its
    proof, disputes. Staff only; written to the audit trail, since it carries personal data out."""
    policy.require(actor, "fees.register")
    unit = services.viewable_unit(actor, code)
    pack = statement(actor, code, mark_read=False)
    bill_ids = [b["id"] for b in pack["bills"]]
    pack["disputes"] = [{"id": d.id, "bill_id": d.bill_id, "text": d.text, "ticket_id": d.ticket_id,
                         "opened_at": iso(d.opened_at), "resolved_at": iso(d.resolved_at), "resolution": d.resolution}
                        for d in db.session.scalars(select(Dispute).where(Dispute.bill_id.in_(bill_ids))
                                                    .order_by(Dispute.id))] if bill_ids else []
    pack["owners"] = [o.name for o in unit.owners]
    pack["generated_at"] = iso(utcnow())
    audit.record(actor, "fees.evidence_export", f"unit:{unit.code}", {})
    db.session.commit()
    return pack


def import_balances(actor, text: str, *, via: str | None = None) -> dict:
    """Opening balances from CSV (``unit,period,amount[,description]``): every row is checked first; one bad
    row refuses the whole file, naming its row number (the header is row 1)."""
    services._require_manage(actor, via)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header or [h.strip() for h in header[:3]] != ["unit", "period", "amount"]:
        raise Invalid(_("The first row must be: unit,period,amount,description"), field="row 1")
    codes = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    existing = set(db.session.execute(select(Bill.unit_id, Bill.period).where(Bill.source == "opening")).all())
    seen, lines = set(), []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) < 3:
                raise Invalid(_("A row needs a unit, a period and an amount."), field="unit")
            code = row[0].strip()
            if code not in codes:
                raise Invalid(_("No unit with this code."), field="unit")
            period = ledger.parse_period(row[1])
            amount = ledger.parse_money(row[2], "amount")
            key = (codes[code], period)
            if key in seen or key in existing:
                raise Invalid(_("This unit already has an opening balance for this period."), field="period")
            seen.add(key)
            description = (row[3].strip() if len(row) > 3 else "") or _("Opening balance")
            if len(description) > 120:
                raise Invalid(_("This text is too long."), field="description")
        except Invalid as error:
            raise Invalid(_("Row %(row)d: %(problem)s", row=number, problem=error.message),
                          field=f"row {number}", row=number, column=error.field) from None
        lines.append({"unit_id": key[0], "period": period, "source": "opening", "fee_item_id": None,
                      "description": description, "quantity_centi": 100, "rate_fen": amount, "amount_fen": amount,
                      "due_on": ledger.period_end(period), "created_at": utcnow()})
    if lines:
        db.session.execute(insert(Bill), lines)
    services._audit(actor, via, "fees.import_balances", "fees", {
        "rows": len(lines), "total": show(sum(line["amount_fen"] for line in lines))})
    db.session.commit()
    return {"imported": len(lines), "total": show(sum(line["amount_fen"] for line in lines))}


def payment_for_receipt(actor, payment_id: int) -> tuple[Payment, dict]:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        policy.require_member(actor)
        raise NotFound(_("Not found."))
    unit = db.session.get(Unit, payment.unit_id)
    policy.require(actor, "fees.view_unit", services.unit_target(unit), hide=True)
    allocations = db.session.execute(
        select(Bill.period, Bill.description, Allocation.amount_fen).join(Bill, Bill.id == Allocation.bill_id)
        .where(Allocation.payment_id == payment.id).order_by(Bill.due_on, Bill.id)).all()
    applied = sum(a.amount_fen for a in allocations)
    return payment, {"unit": unit.code, "owners": [o.name for o in unit.owners],
                     "lines": [{"period": a.period, "description": a.description, "amount": show(a.amount_fen)}
                               for a in allocations],
                     "amount": show(payment.amount_fen), "credit": show(payment.amount_fen - applied),
                     "receipt_no": payment.receipt_no, "channel": payment.channel, "reference": payment.reference,
                     "received_at": iso(payment.received_at), "reverses_id": payment.reverses_id,
                     "reason": payment.reason}
