"""Fire-safety benchmark: a year of monthly inspection rounds over 20,000 facilities, and the status pages.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL database that is dropped
afterwards) it builds an estate (``generate_estate.build_estate``: 5,000 units), registers 200 facilities through
``fire.services.register_facility`` (timed) and the rest of 20,000 with multi-row inserts, one monthly route per
building, and times:

- ``fire.jobs.run`` at the start of each of twelve months (each run makes every building's round with one task
  per facility), and a second run in the same month (which must add nothing);
- a check-in (``services.check``) at one facility;
- ``status.estate_status`` (every building's month and every overdue item) and ``status.building_status``
  for one building, after the year, with about 90% of the rounds walked;
- ``services.round_page`` for one building's round.

Aims: a month's rounds for the whole estate under 5 s; a second run under 200 ms; the estate status under 1 s;
a building's status and a round page under 100 ms.
Run: ``.venv/bin/python benchmarks/bench_fire.py [--postgres]``.
"""

import random
import secrets
import time
from datetime import date, datetime

from bench_foundation import HASH_METHOD, best_of, estate_main
from flask_migrate import upgrade
from generate_estate import build_estate
from sqlalchemy import insert, select, update

from community import create_app
from community.accounts.models import User
from community.core.timeutil import frozen
from community.estate.models import Building
from community.extensions import db
from community.fire import jobs, services, status
from community.fire.models import FireFacility, FirePlan, FireRound, FireRoute, FireRouteStop, FireTask

KINDS = ("extinguisher", "hydrant", "emergency_light", "exit_sign", "fire_door")


def fill_facilities(staff, count: int, seed: int) -> dict[int, list[int]]:
    rng = random.Random(seed)
    buildings = list(db.session.scalars(select(Building).order_by(Building.id)))
    start = time.perf_counter()
    for n in range(200):
        services.register_facility(staff, {"building": buildings[n % len(buildings)].code, "floor": str(n % 18 + 1),
                                           "kind": "extinguisher", "location": f"{n % 18 + 1}楼电梯厅",
                                           "expires_on": "2027-06-30"})
    print(f"register_facility through the service: {(time.perf_counter() - start) * 1000 / 200:.1f} ms each",
          flush=True)
    rows = []
    for n in range(count - 200):
        b = buildings[n % len(buildings)]
        rows.append({"code": secrets.token_urlsafe(9), "building_id": b.id, "floor": str(rng.randint(1, 18)),
                     "kind": KINDS[n % len(KINDS)], "location": f"位置 {n}", "condition": "ok",
                     "expires_on": date(2027, rng.randint(1, 12), 1) if n % 5 == 0 else None,
                     "created_at": datetime(2026, 1, 1)})
    for at in range(0, len(rows), 5000):
        db.session.execute(insert(FireFacility), rows[at:at + 5000])
    db.session.commit()
    per: dict[int, list[int]] = {}
    for facility_id, building_id in db.session.execute(select(FireFacility.id, FireFacility.building_id)):
        per.setdefault(building_id, []).append(facility_id)
    print(f"facilities: {sum(map(len, per.values())):,} in {len(per)} buildings", flush=True)
    return per


def plan_routes(staff, per: dict[int, list[int]]) -> None:
    for building_id, ids in per.items():
        route = FireRoute(name=f"楼栋 {building_id} 月度巡检", building_id=building_id)
        db.session.add(route)
        db.session.flush()
        db.session.execute(insert(FireRouteStop), [{"route_id": route.id, "facility_id": f, "position": n}
                                                   for n, f in enumerate(ids)])
        db.session.add(FirePlan(route_id=route.id, frequency="monthly"))
    db.session.commit()


def walk_most(month_start: datetime, rng: random.Random) -> None:
    """About nine rounds in ten are walked in full before they are due; the rest are skipped."""
    for round_id in list(db.session.scalars(select(FireRound.id).where(FireRound.starts_at == month_start))):
        if rng.random() < 0.9:
            db.session.execute(update(FireTask).where(FireTask.round_id == round_id).values(
                result="ok", checked_at=month_start))
            db.session.execute(update(FireRound).where(FireRound.id == round_id).values(
                status="done", done_at=month_start))
    db.session.commit()


def run(url: str, name: str, args) -> None:
    print(f"--- {name}", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD,
                      "DESK_FILING_LIMITS": ((1000, 3600),)})
    with app.app_context():
        upgrade(revision="heads")
    built = build_estate(app, args.units, args.users, args.seed)
    rng = random.Random(args.seed)
    with app.app_context():
        staff = db.session.get(User, built.staff_id)
        per = fill_facilities(staff, args.facilities, args.seed)
        plan_routes(staff, per)
        months = []
        for month in range(1, 13):
            at = datetime(2026, month, 1, 1, 0)  # 09:00 on the 1st in the estate
            with frozen(at):
                start = time.perf_counter()
                done = jobs.run(at)
                months.append(time.perf_counter() - start)
                if month == 1:
                    again = time.perf_counter()
                    assert jobs.run(at)["rounds_created"] == 0
                    print(f"second run in the same month: {(time.perf_counter() - again) * 1000:.0f} ms", flush=True)
            if month < 12:  # December's rounds stay open for the check-in below
                walk_most(db.session.scalar(select(FireRound.starts_at).where(
                    FireRound.period == f"2026-{month:02d}")), rng)
        tasks = db.session.scalar(select(db.func.count()).select_from(FireTask))
        print(f"jobs.run per month: best {min(months) * 1000:.0f} ms, worst {max(months) * 1000:.0f} ms, "
              f"{done['rounds_created']} rounds a month, {tasks:,} tasks in the year", flush=True)
        last = datetime(2026, 12, 20, 2, 0)
        with frozen(last):
            round_id = db.session.scalar(select(FireRound.id).where(FireRound.period == "2026-12",
                                                                   FireRound.status == "open").limit(1))
            facility_id = db.session.scalar(select(FireTask.facility_id).where(FireTask.round_id == round_id,
                                                                               FireTask.result.is_(None)).limit(1))
            if facility_id is not None:
                start = time.perf_counter()
                services.check(staff, round_id, {"facility_id": facility_id, "result": "ok"})
                print(f"one check-in: {(time.perf_counter() - start) * 1000:.1f} ms", flush=True)
            jobs.run(last)
            s = best_of("estate status (all buildings, overdue items)",
                        lambda: status.estate_status(db.session.get(User, built.staff_id), "2026-11"), repeat=3)
            print(f"  {len(s['buildings'])} buildings, {len(s['overdue_rounds'])} overdue rounds listed", flush=True)
            code = db.session.scalar(select(Building.code).order_by(Building.id).limit(1))
            best_of("one building's status", lambda: status.building_status(
                db.session.get(User, built.staff_id), code, "2026-11"), repeat=10)
            best_of("a round page", lambda: services.round_page(db.session.get(User, built.staff_id), round_id),
                    repeat=5)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    estate_main(run, __doc__, units=5000, users=2000, facilities=20000)


if __name__ == "__main__":
    main()
