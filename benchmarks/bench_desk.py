"""Front-desk benchmark: a notice to a large estate, its receipts, and the service figures over many requests.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL database that is
dropped afterwards) it builds an estate (``generate_estate.build_estate``: 5,000 units, 10,000 users) and times:

- ``desk.notices.post_notice`` to the whole estate: the notice, its announcements message and one
  notification per owner and resident, in one transaction;
- ``desk.notices.receipts`` (reach per building and the units not reached) after about 60% of the audience
  has read the notice and 30% acknowledged it (receipts written with multi-row inserts);
- ``desk.notices.notices`` (the first page of the archive) as a resident, with 500 notices in it;
- ``desk.figures.figures`` and ``figures_csv(table="requests")`` over 20,000 requests spread over a year
  (written with multi-row inserts, in every state, about a third of them rated).

Aims: a notice to the whole estate under 2 s; receipts under 500 ms; the archive page under 30 ms;
figures over a year of requests under 1 s.
Run: ``.venv/bin/python benchmarks/bench_desk.py [--postgres]``.
"""

import random
import time
from datetime import timedelta

from bench_foundation import HASH_METHOD, best_of, estate_main
from flask_migrate import upgrade
from generate_estate import build_estate
from sqlalchemy import insert, select

from community import create_app
from community.accounts.models import User, UserUnit
from community.core.timeutil import utcnow
from community.desk import figures as desk_figures
from community.desk import notices as desk_notices
from community.desk import tickets as desk_tickets
from community.desk.models import Notice, NoticeReceipt, Ticket
from community.extensions import db


def fill_notices(author_id: int, count: int) -> None:
    now = utcnow()
    db.session.execute(insert(Notice), [
        {"author_id": author_id, "category": desk_notices.CATEGORIES[n % 4], "title": f"通知 {n}",
         "body": f"第 {n} 号通知：请各位业主留意。", "body_html": f"<p>第 {n} 号通知：请各位业主留意。</p>",
         "whole_estate": True, "must_acknowledge": False, "created_at": now - timedelta(hours=count - n)}
        for n in range(count)])
    db.session.commit()


def fill_receipts(notice_id: int, seed: int) -> None:
    rng = random.Random(seed)
    audience = list(db.session.scalars(select(UserUnit.user_id).join(User, User.id == UserUnit.user_id).where(
        UserUnit.ended_at.is_(None), User.status == "approved").distinct()))
    now = utcnow()
    rows = []
    for user_id in audience:
        draw = rng.random()
        if draw < 0.6:
            rows.append({"notice_id": notice_id, "user_id": user_id, "read_at": now,
                         "acknowledged_at": now if draw < 0.3 else None})
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(NoticeReceipt), rows[start:start + 5000])
    db.session.commit()
    print(f"receipts: {len(rows):,} of {len(audience):,} readers", flush=True)


def fill_tickets(author_ids: list[int], count: int, seed: int) -> None:
    rng = random.Random(seed)
    now = utcnow()
    rows = []
    for _n in range(count):
        kind = rng.choices(desk_tickets.KINDS, weights=(8, 2, 1))[0]
        category = rng.choice(desk_tickets.REPAIR_CATEGORIES) if kind == "repair" else kind
        target = desk_tickets.TARGETS[category]
        submitted = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        row = {"kind": kind, "category": category, "author_id": rng.choice(author_ids), "common_area": "公共区域",
               "description": "测试", "public": False, "status": "submitted", "submitted_at": submitted,
               "response_due_at": submitted + timedelta(hours=target["response_hours"]),
               "completion_due_at": submitted + timedelta(hours=target["completion_hours"])}
        stage = rng.choices(range(5), weights=(1, 1, 1, 3, 6))[0]
        at = submitted
        for status, stamp in list(desk_tickets.STAMPS.items())[:stage]:
            at = min(now, at + timedelta(hours=rng.uniform(0.2, target["completion_hours"] / 2)))
            row["status"], row[stamp] = status, at
        if stage:
            row["department"], row["worker"] = rng.choice(desk_tickets.DEPARTMENTS), "师傅"
        if stage == 4:
            row["rating"] = rng.choices(range(1, 6), weights=(1, 1, 2, 5, 11))[0]
        rows.append(row)
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Ticket), rows[start:start + 5000])
    db.session.commit()


def run(url: str, name: str, args) -> None:
    print(f"--- {name}", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD})
    with app.app_context():
        upgrade(revision="heads")
    built = build_estate(app, args.units, args.users, args.seed)
    with app.app_context():
        staff = db.session.get(User, built.staff_id)
        start = time.perf_counter()
        notice = desk_notices.post_notice(staff, {"title": "全小区停水通知", "body": "明天上午九点到十二点停水。",
                                          "category": "outage", "must_acknowledge": True})
        print(f"post_notice to the whole estate: {(time.perf_counter() - start) * 1000:.0f} ms", flush=True)
        notice_id = notice.id
        fill_receipts(notice_id, args.seed)
        found = best_of("receipts", lambda: desk_notices.receipts(db.session.get(User, built.staff_id), notice_id))
        print(f"  {found['totals']['units']:,} units, {len(found['unreached']):,} not reached", flush=True)
        fill_notices(built.staff_id, 500)
        resident = db.session.scalar(select(User).where(User.role == "owner", User.status == "approved").limit(1))
        resident_id = resident.id
        best_of("notices page as a resident", lambda: desk_notices.notices(db.session.get(User, resident_id), limit=50),
                repeat=20)
        fill_tickets(built.user_ids[:2000], args.tickets, args.seed)
        f = best_of("figures over 12 months", lambda: desk_figures.figures(db.session.get(User, built.staff_id)))
        print(f"  filed {f['filed']:,}, satisfaction {f['satisfaction']['rate']}%, "
              f"timeliness {f['timeliness']['rate']}%, overdue now {f['overdue_now']:,}", flush=True)
        best_of("figures CSV, one row per request",
                lambda: desk_figures.figures_csv(db.session.get(User, built.staff_id), table="requests"), repeat=3)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    estate_main(run, __doc__, units=5000, users=10000, tickets=20000)


if __name__ == "__main__":
    main()
