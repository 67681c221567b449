"""Maintenance-fund benchmark: a 5,000-unit estate with ten years of ledger lines.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL one, dropped afterwards)
it builds an estate (``generate_estate.build_estate``: 5,000 units, 2,000 users), writes ten years of lines for
every unit (an opening balance, then each year a deposit and an interest share, and a charge every other year:
130,000 lines, multi-row inserts), and times:

- ``split_by_area`` of a use over the whole estate (5,000 units), pure arithmetic;
- a use over one building from draft to settlement through the services (draft computes the shares; settle
  writes one charge line per bearing unit with its audit entry);
- a building's yearly statement as a PDF (staff: a line per unit), WeasyPrint included;
- an owner's ledger page over HTTP (``GET /fund/units/<code>``, logged in through the form).

Aims: the estate split under 50 ms; a building's use from draft to settlement under 1 s; the building PDF under
5 s; the ledger page under 50 ms.
Run: ``.venv/bin/python benchmarks/bench_fund.py [--postgres]``.
"""

import random
import time
from datetime import timedelta

from bench_foundation import HASH_METHOD, best_of, estate_main
from flask_migrate import upgrade
from generate_estate import PASSWORD, build_estate
from sqlalchemy import insert, select

from community import create_app
from community.accounts.models import User
from community.core.timeutil import frozen, utcnow
from community.estate.models import Building, Owner, Unit
from community.extensions import db
from community.fund import applications, statements
from community.fund.models import FundBatch, FundEntry
from community.fund.split import split_by_area


def fill_ledger(years: int, seed: int) -> int:
    rng = random.Random(seed)
    units = list(db.session.execute(select(Unit.id, Unit.code, Unit.area_centi)).all())
    start = utcnow() - timedelta(days=365 * years)
    lines = 0

    def batch(kind, at, amounts, raised):
        nonlocal lines
        found = FundBatch(kind=kind, memo=f"{kind} {at.year}", total_fen=sum(amounts.values()), created_at=at)
        db.session.add(found)
        db.session.flush()
        rows = [{"batch_id": found.id, "unit_id": u, "amount_fen": fen, "raised": raised, "created_at": at}
                for u, fen in amounts.items()]
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(FundEntry), rows[i:i + 5000])
        lines += len(rows)

    batch("opening", start, {u: a * 50 for u, _c, a in units}, True)
    for year in range(years):
        at = start + timedelta(days=365 * year + 30)
        batch("deposit", at, {u: a * rng.choice((2, 3)) for u, _c, a in units}, True)
        shares = split_by_area(rng.randint(10**6, 10**7), [(c, a) for _u, c, a in units])
        batch("interest", at + timedelta(days=200), {u: shares[c] for u, c, _a in units}, False)
        if year % 2:
            shares = split_by_area(rng.randint(10**7, 5 * 10**7), [(c, a) for _u, c, a in units])
            batch("charge", at + timedelta(days=100), {u: -shares[c] for u, c, _a in units}, False)
    db.session.commit()
    return lines


def run(url: str, name: str, args) -> None:
    print(f"--- {name}", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
    built = build_estate(app, args.units, args.users, args.seed)
    with app.app_context():
        start = time.perf_counter()
        lines = fill_ledger(args.years, args.seed)
        print(f"ledger: {lines:,} lines over {args.years} years in {time.perf_counter() - start:.1f} s", flush=True)
        units = [(c, a) for c, a in db.session.execute(select(Unit.code, Unit.area_centi)).all()]
        best_of("split of a use over 5,000 units", lambda: split_by_area(123456789, units), repeat=10)
        building = db.session.scalar(select(Building.code).order_by(Building.id))
        count = db.session.scalar(select(db.func.count(Unit.id)).join(Building).where(Building.code == building))
        staff_id = built.staff_id

        def use():
            staff = db.session.get(User, staff_id)
            found = applications.draft(staff, {"title": "电梯维修", "facility": "电梯", "project": "更换曳引机",
                                               "budget": "98765.43", "building": building})
            found.status = "accepted"  # the hearing, vote and committee steps are not what is measured here
            db.session.commit()
            return applications.settle(staff, found.id, "98765.43", "发票")
        with frozen(utcnow()):
            best_of(f"use over building {building} ({count} units), draft to settlement", use, repeat=3)
        with app.test_request_context():
            best_of(f"building {building} statement PDF", lambda: statements.pdf(statements.building_statement(
                db.session.get(User, staff_id), building)), repeat=3)
        phone, code = db.session.execute(
            select(User.phone, Unit.code).join(Owner, Owner.id_hash == User.id_hash)
            .join(Unit, Unit.id == Owner.unit_id)
            .where(User.role == "owner", User.status == "approved", Owner.ended_at.is_(None)).limit(1)).one()
        db.session.remove()
    client = app.test_client()
    r = client.post("/login", data={"phone": phone, "password": PASSWORD})
    assert r.status_code in (302, 303), r.status_code
    times = []
    for _ in range(20):
        start = time.perf_counter()
        page = client.get(f"/fund/units/{code}")
        times.append(time.perf_counter() - start)
        assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    times.sort()
    print(f"owner's ledger page ({code}): best {times[0] * 1000:.1f} ms, median {times[10] * 1000:.1f} ms, "
          f"{len(page.data) / 1024:.0f} KB", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    estate_main(run, __doc__, units=5000, users=2000, years=10)


if __name__ == "__main__":
    main()
