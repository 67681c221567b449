"""Audit page benchmark: the committee's audit log over 100,000 entries.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL one, dropped afterwards)
it builds a small estate, writes a hash-chained trail of ``--entries`` entries over a year (multi-row inserts,
each entry's hash computed as ``audit.record`` does; actions from every family, five acting people), signs in as
a committee member through the login form and times ``GET /committee/audit``:

- the first page; a deep keyset page (``before`` near the bottom of the chain);
- filtered by person, by kind (a rare family and a common one), by a date range, and all three together,
  first and deep.

Aim: every p50 under 100 ms. Run: ``.venv/bin/python benchmarks/bench_audit.py [--postgres] [--entries N]``.
"""

import argparse
import os
import random
import tempfile
import time
from datetime import timedelta

from bench_foundation import HASH_METHOD, SECRET, on_each_database
from flask_migrate import upgrade
from generate_estate import PASSWORD, build_estate
from sqlalchemy import insert, select, update

from community import create_app
from community.accounts.models import User
from community.audit import services as audit
from community.audit.models import AuditEntry
from community.audit.words import ACTIONS, kind_of
from community.core.timeutil import utcnow
from community.extensions import db


def fill(total: int, actor_ids: list[int], seed: int) -> None:
    rng = random.Random(seed)
    # Mostly registrations and posts, as an estate's year looks; every family appears.
    common = ["registration.approved", "ticket.accepted", "ticket.done", "moderation.hide", "notice.posted"]
    actions = list(ACTIONS)
    last = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc())
                              .limit(1)).first()
    seq, prev = (last.seq, last.hash) if last else (0, audit.GENESIS)
    start = utcnow() - timedelta(days=365)
    step = timedelta(days=365) / total
    rows = []
    for n in range(total - seq):
        seq += 1
        action = rng.choice(common) if rng.random() < 0.8 else rng.choice(actions)
        at = start + step * n
        actor_id = rng.choice(actor_ids)
        target, detail = f"user:{rng.randint(1, 5000)}", {"unit": f"{n % 25 + 1}-1-{n % 30 + 1}01", "n": n}
        digest = audit.entry_hash(prev, audit.canonical(seq, at, actor_id, action, target, detail))
        rows.append({"seq": seq, "at": at, "actor_id": actor_id, "action": action, "kind": kind_of(action),
                     "target": target, "detail": detail, "prev_hash": prev, "hash": digest})
        prev = digest
        if len(rows) == 5000:
            db.session.execute(insert(AuditEntry), rows)
            rows = []
    if rows:
        db.session.execute(insert(AuditEntry), rows)
    db.session.commit()


def p50(client, path: str, repeat: int) -> tuple[float, float, int]:
    client.get(path)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        r = client.get(path)
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, (path, r.status_code)
    times.sort()
    return times[len(times) // 2] * 1000, times[int(len(times) * 0.9)] * 1000, r.data.count(b'data-seq="')


def run(url: str, name: str, args) -> None:
    print(f"--- {name}", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD,
                      "WTF_CSRF_ENABLED": False, "AUDIT_ANCHOR_PATH": os.path.join(tempfile.mkdtemp(), "anchors.log")})
    with app.app_context():
        upgrade(revision="heads")
    built = build_estate(app, args.units, args.users, args.seed)
    with app.app_context():
        member_id = built.user_ids[0]
        db.session.execute(update(User).where(User.id == member_id).values(committee=True))
        db.session.commit()
        actors = [built.admin_id, built.staff_id, *built.user_ids[1:4]]
        start = time.perf_counter()
        fill(args.entries, actors, args.seed)
        total = db.session.scalar(select(db.func.count(AuditEntry.seq)))
        print(f"trail: {total:,} entries in {time.perf_counter() - start:.1f} s", flush=True)
        phone = db.session.get(User, member_id).phone
        rare = db.session.scalar(select(AuditEntry.kind).group_by(AuditEntry.kind)
                                 .order_by(db.func.count(AuditEntry.seq)).limit(1))
        day = (utcnow() - timedelta(days=200)).date().isoformat()
        db.session.remove()
    client = app.test_client()
    r = client.post("/login", data={"phone": phone, "password": PASSWORD})
    assert r.status_code in (302, 303), r.status_code
    deep = 1000
    pages = [
        ("first page", "/committee/audit"),
        (f"deep keyset page (before={deep})", f"/committee/audit?before={deep}"),
        ("by person, first", f"/committee/audit?actor={built.staff_id}"),
        ("by person, deep", f"/committee/audit?actor={built.staff_id}&before={deep}"),
        ("by a common kind (desk), first", "/committee/audit?kind=desk"),
        ("by a common kind (desk), deep", f"/committee/audit?kind=desk&before={deep}"),
        (f"by the rarest kind ({rare}), first", f"/committee/audit?kind={rare}"),
        (f"by the rarest kind ({rare}), deep", f"/committee/audit?kind={rare}&before={deep}"),
        (f"one day ({day})", f"/committee/audit?from={day}&to={day}"),
        ("a month long ago", f"/committee/audit?from={day}&to={(utcnow() - timedelta(days=170)).date()}"),
        ("person, kind and a month", f"/committee/audit?actor={built.staff_id}&kind=accounts&from={day}"
                                     f"&to={(utcnow() - timedelta(days=170)).date()}"),
    ]
    for label, path in pages:
        median, p90, shown = p50(client, path, args.repeat)
        print(f"{label}: p50 {median:.1f} ms, p90 {p90:.1f} ms, {shown} entries shown", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a fresh PostgreSQL database")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)
    on_each_database(run, args)


if __name__ == "__main__":
    main()
