"""Fees benchmark: a year of bills for a large estate, the arrears register and the collection figures.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL database that is
dropped afterwards) it builds an estate (``generate_estate.build_estate``: 5,000 units, 10,000 users) and times:

- ``fees.services.generate`` for each of the twelve months of a year (one area-based item for every unit and a
  per-unit item for half the buildings), then once more for a month that is already billed (idempotent: no-op);
- ``fees.services.record_payment`` at the desk (one payment allocated oldest first), best of many;
- after about 85% of the bills are paid (payments and allocations written with multi-row inserts):
  ``fees.reports.register`` (every unit in arrears, with owners, reminders and open tickets), the register page
  as staff over HTTP, and ``fees.reports.figures`` over the twelve months.

Aims: a month's bills for 5,000 units under 2 s; the register under 1 s; the figures under 1 s.
Run: ``.venv/bin/python benchmarks/bench_fees.py [--postgres]``.
"""

import random
import time
from datetime import datetime

from bench_foundation import HASH_METHOD, best_of, estate_main
from flask_migrate import upgrade
from generate_estate import build_estate
from sqlalchemy import func, insert, select

from community import create_app
from community.accounts.models import User
from community.core.timeutil import frozen
from community.extensions import db
from community.fees import reports, services
from community.fees.models import Allocation, Bill, Payment

YEAR = 2026
NOW = datetime(YEAR, 12, 20, 2, 0)


def pay_most(share: float, seed: int) -> None:
    rng = random.Random(seed)
    bills = db.session.execute(select(Bill.id, Bill.unit_id, Bill.amount_fen, Bill.due_on).order_by(Bill.id)).all()
    first = (db.session.scalar(select(func.max(Payment.id))) or 0) + 1
    payments, allocations = [], []
    for n, b in enumerate(r for r in bills if rng.random() < share):
        pid = first + n
        at = datetime(b.due_on.year, b.due_on.month, min(b.due_on.day, 20), 3, 0)
        payments.append({"id": pid, "unit_id": b.unit_id, "amount_fen": b.amount_fen, "channel": "cash",
                         "receipt_no": f"SKB{pid:09d}", "received_at": at})
        allocations.append({"payment_id": pid, "bill_id": b.id, "amount_fen": b.amount_fen, "at": at})
    for start in range(0, len(payments), 5000):
        db.session.execute(insert(Payment), payments[start:start + 5000])
        db.session.execute(insert(Allocation), allocations[start:start + 5000])
    db.session.commit()
    print(f"paid {len(payments):,} of {len(bills):,} bills", flush=True)


def run(url: str, name: str, args) -> None:
    print(f"--- {name}", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
    built = build_estate(app, args.units, args.users, args.seed)
    with app.app_context(), frozen(NOW):
        staff = db.session.get(User, built.staff_id)
        services.create_item(staff, {"name": "物业服务费", "basis": "area", "rate": "2.35", "starts": f"{YEAR}-01"})
        services.create_item(staff, {"name": "垃圾清运费", "basis": "unit", "rate": "15.00", "starts": f"{YEAR}-01",
                                     "buildings": sorted({u["building"] for u in built.roster})[::2]})
        times = []
        for month in range(1, 13):
            db.session.remove()
            start = time.perf_counter()
            done = services.generate(db.session.get(User, built.staff_id), f"{YEAR}-{month:02d}")
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"generate a month: {done['created']:,} bills; best {times[0] * 1000:.0f} ms, median "
              f"{times[6] * 1000:.0f} ms, the year {sum(times):.1f} s", flush=True)
        best_of("generate again (already billed)",
                lambda: services.generate(db.session.get(User, built.staff_id), f"{YEAR}-06"), repeat=3)
        pay_most(0.85, args.seed)
        codes = list(db.session.scalars(select(Bill.unit_id).distinct().limit(50)))
        from community.estate.models import Unit
        unit_codes = list(db.session.scalars(select(Unit.code).where(Unit.id.in_(codes))))
        it = iter(unit_codes)
        best_of("record a payment", lambda: services.record_payment(
            db.session.get(User, built.staff_id), {"unit": next(it), "amount": "100.00", "channel": "cash"}),
            repeat=20)
        rows = best_of("arrears register", lambda: reports.register(db.session.get(User, built.staff_id)), repeat=3)
        print(f"  {len(rows):,} units in arrears", flush=True)
        staff_user = db.session.get(User, built.staff_id)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = staff_user.get_id()
            session["_fresh"] = True
        page = best_of("arrears register page (HTTP)", lambda: client.get("/fees/register"), repeat=3)
        print(f"  {page.status_code}, {len(page.data) // 1024} KB", flush=True)
        f = best_of("figures over 12 months", lambda: reports.figures(db.session.get(User, built.staff_id)),
                    repeat=5)
        print(f"  year: billed {f['year_total']['billed']}, paid {f['year_total']['paid']}, "
              f"rate {f['year_total']['rate']}%", flush=True)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    estate_main(run, __doc__, units=5000, users=10000)


if __name__ == "__main__":
    main()
