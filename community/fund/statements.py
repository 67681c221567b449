"""The yearly fund statement of a unit or a building (measures art. 30), as a PDF rendered from the page's
template, carrying the audit chain's head at the time of printing so that the figures can be checked later."""

from datetime import datetime

from flask import render_template
from sqlalchemy import case, func, select

from ..audit import services as audit
from ..core import policy
from ..core.errors import Invalid, NotFound
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Unit
from ..extensions import db
from . import ledger
from .models import FundBatch, FundEntry, IncomeEntry


def _year(value) -> tuple[int, datetime, datetime]:
    year = value if isinstance(value, int) else utcnow().year
    if not 2000 <= year <= 2100:
        raise Invalid(_("The number is out of range."), field="year")
    return year, datetime(year, 1, 1), datetime(year + 1, 1, 1)


def _sums(start, end, where):
    f = FundEntry
    return (func.coalesce(func.sum(case((f.created_at < start, f.amount_fen), else_=0)), 0),
            func.coalesce(func.sum(case(((f.created_at >= start) & (f.created_at < end) & (f.amount_fen > 0),
                                         f.amount_fen), else_=0)), 0),
            func.coalesce(func.sum(case(((f.created_at >= start) & (f.created_at < end) & (f.amount_fen < 0),
                                         f.amount_fen), else_=0)), 0),
            func.coalesce(func.sum(case((f.created_at < end, f.amount_fen), else_=0)), 0))


def _row(values) -> dict:
    opening, inflow, outflow, closing = (int(v) for v in values)
    m = ledger.format_money
    return {"opening": m(opening), "in": m(inflow), "out": m(-outflow), "closing": m(closing)}


def _income(start, end) -> dict:
    sums = dict(db.session.execute(select(IncomeEntry.kind, func.sum(IncomeEntry.amount_fen)).where(
        IncomeEntry.created_at >= start, IncomeEntry.created_at < end).group_by(IncomeEntry.kind)).all())
    m = ledger.format_money
    return {"receipts": m(int(sums.get("receipt") or 0) + int(sums.get("reversal") or 0)),
            "costs": m(-int(sums.get("cost") or 0)), "transferred": m(-int(sums.get("transfer") or 0))}


def unit_statement(actor, code, year=None) -> dict:
    unit = ledger.find_unit_account(actor, code)
    year, start, end = _year(year)
    totals = db.session.execute(select(*_sums(start, end, None)).where(FundEntry.unit_id == unit.id)).one()
    lines = db.session.execute(
        select(FundEntry, FundBatch).join(FundBatch, FundBatch.id == FundEntry.batch_id)
        .where(FundEntry.unit_id == unit.id, FundEntry.created_at >= start, FundEntry.created_at < end)
        .order_by(FundEntry.id)).all()
    return {"kind": "unit", "year": year, "unit": unit.code, "building": unit.building.code,
            "area": f"{unit.area_centi // 100}.{unit.area_centi % 100:02d}", "totals": _row(totals),
            "lines": [ledger.serialize_line(e, b) for e, b in lines], "income": _income(start, end),
            "chain": audit.chain_head(), "printed_at": iso(utcnow())}


def building_statement(actor, code, year=None) -> dict:
    policy.require(actor, "fund.totals")
    building = db.session.scalar(select(Building).where(Building.code == code)) if isinstance(code, str) else None
    if building is None:
        raise NotFound(_("No such building."))
    year, start, end = _year(year)
    base = select(*_sums(start, end, None)).join(Unit, Unit.id == FundEntry.unit_id).where(
        Unit.building_id == building.id)
    totals = db.session.execute(base).one()
    units = []
    if policy.can(actor, "fund.ledger_all"):
        rows = db.session.execute(
            select(Unit.code, Unit.area_centi, *_sums(start, end, None)).select_from(Unit)
            .outerjoin(FundEntry, FundEntry.unit_id == Unit.id).where(Unit.building_id == building.id)
            .group_by(Unit.code, Unit.area_centi).order_by(Unit.code)).all()
        units = [{"unit": r[0], "area": f"{r[1] // 100}.{r[1] % 100:02d}", **_row(r[2:])} for r in rows]
    return {"kind": "building", "year": year, "building": building.code, "totals": _row(totals), "units": units,
            "income": _income(start, end), "chain": audit.chain_head(), "printed_at": iso(utcnow())}


def estate_statement(actor, year=None) -> dict:
    """The estate's year, building by building: balances are everyone's to see."""
    policy.require(actor, "fund.totals")
    year, start, end = _year(year)
    rows = db.session.execute(
        select(Building.code, *_sums(start, end, None)).select_from(Building)
        .join(Unit, Unit.building_id == Building.id).outerjoin(FundEntry, FundEntry.unit_id == Unit.id)
        .group_by(Building.code).order_by(Building.code)).all()
    totals = db.session.execute(select(*_sums(start, end, None))).one()
    return {"kind": "estate", "year": year, "totals": _row(totals),
            "buildings": [{"building": r[0], **_row(r[1:])} for r in rows], "income": _income(start, end),
            "chain": audit.chain_head(), "printed_at": iso(utcnow())}


def pdf(statement: dict) -> bytes:
    from weasyprint import HTML
    html = render_template("fund/statement_pdf.html", s=statement)
    return HTML(string=html).write_pdf()
