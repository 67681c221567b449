"""Foundation benchmark: the roster import, user creation and the audit chain on a large estate.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL database that is
dropped afterwards) it times:

- importing the 5,000-unit roster CSV (``parse_csv`` + ``import_units``), first on an empty roster, and
  again with 1% ownership changes once the users exist (so rights are ended and granted);
- creating 10,000 users: most with bulk ORM inserts (``create_users(via="bulk")``), the last 1,000
  through ``register`` and ``approve`` (``via="services"``) to show the real per-user cost;
- filling the audit chain to 100,000 entries with ``audit.record`` (one commit per 1,000);
- ``audit.verify()`` in process, and ``flask --app wsgi audit verify`` as a subprocess.

Passwords are hashed with pbkdf2:sha256:1000 to keep user creation about the database, not the hash.
Run: ``.venv/bin/python benchmarks/bench_foundation.py [--postgres]``.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from generate_estate import ADMIN, STAFF, change_ownership, create_users, make_roster, plan_users, roster_csv
from sqlalchemy import create_engine, func, select, text

from community import create_app
from community.accounts import services as accounts
from community.accounts.models import User
from community.audit import services as audit
from community.audit.models import AuditEntry
from community.estate import services as estate
from community.extensions import db

ROOT = Path(__file__).resolve().parent.parent
HASH_METHOD = "pbkdf2:sha256:1000"
SECRET = "benchmark-secret-key"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def timed(label: str, count: int, unit: str):
    """Print wall time, this process's CPU time (less sensitive to a busy machine) and the rate."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.2f} s (cpu {cpu:.2f} s, {count / wall:,.0f} {unit}/s)", flush=True)
    db.session.remove()


def best_of(label: str, fn, repeat: int = 5):
    """Run ``fn`` ``repeat`` times on fresh sessions; print the fastest and the median wall time."""
    times, result = [], None
    for _ in range(repeat):
        db.session.remove()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"{label}: best {times[0] * 1000:.1f} ms, median {times[len(times) // 2] * 1000:.1f} ms", flush=True)
    return result


def fill_audit_chain(actor, total: int, batch: int = 1000) -> None:
    """Append realistic approval entries until the chain holds ``total``."""
    have = db.session.scalar(select(func.count(AuditEntry.seq)))
    for n in range(have, total):
        audit.record(actor, "registration.approved", f"user:{n + 1}",
                     {"relation": "owner", "roster_match": True, "units": [f"{n % 25 + 1}-1-{n % 30 + 1}01"]})
        if (n + 1) % batch == 0:
            db.session.commit()
    db.session.commit()


def run(url: str, name: str, args) -> None:
    roster = make_roster(args.units, args.seed)
    first_csv = roster_csv(roster).encode()
    changed_csv = roster_csv(change_ownership(roster, 0.01, args.seed)).encode()
    plan = plan_users(roster, args.users, args.seed)
    bulk, sampled = plan[:-args.services_users], plan[len(plan) - args.services_users:]

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        with timed(f"roster import {len(roster)} units, first ({name})", len(roster), "units"):
            estate.import_units(None, estate.parse_csv(first_csv), via="cli")
        admin = accounts.create_staff(None, ADMIN, via="cli")
        staff_id = accounts.create_staff(admin, STAFF).id
        with timed(f"create {len(bulk)} users, bulk ORM inserts ({name})", len(bulk), "users"):
            create_users(bulk, approver=db.session.get(User, staff_id), via="bulk")
        with timed(f"create {len(sampled)} users, register+approve services ({name})", len(sampled), "users"):
            create_users(sampled, approver=db.session.get(User, staff_id), via="services")
        with timed(f"roster re-import {len(roster)} units, 1% ownership changes ({name})", len(roster), "units"):
            estate.import_units(None, estate.parse_csv(changed_csv), via="cli")
        missing = args.entries - db.session.scalar(select(func.count(AuditEntry.seq)))
        with timed(f"audit chain generation, {missing} record() calls, commit per 1000 ({name})", missing, "entries"):
            fill_audit_chain(db.session.get(User, staff_id), args.entries)
        with timed(f"audit verify {args.entries} entries, in process ({name})", args.entries, "entries"):
            ok, count, bad = audit.verify()
        if not ok or count != args.entries:
            raise SystemExit(f"unexpected verify result: ok={ok} count={count} first_bad={bad}")
        db.engine.dispose()

    env = os.environ | {"COMMUNITY_DATABASE_URL": url, "COMMUNITY_SECRET_KEY": SECRET}
    for command, label in ((["--help"], "flask --app wsgi audit --help` (startup only"),
                           (["verify"], f"flask --app wsgi audit verify` ({args.entries} entries")):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit", *command], cwd=ROOT,
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"audit CLI failed: {done.stderr or done.stdout}")
        print(f"`{label}, {name}): {time.perf_counter() - start:.2f} s", flush=True)


@contextmanager
def postgres_database():
    name = f"linli_bench_{os.getpid()}"
    server = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def on_each_database(run, args) -> None:
    """``run(url, dialect, args)`` on a fresh SQLite database, then, with ``--postgres``, on a fresh PostgreSQL one
    that is dropped afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", "sqlite", args)
    if args.postgres:
        with postgres_database() as url:
            run(url, "postgresql", args)


def estate_main(run, doc: str, **sizes: int) -> None:
    """The command line of an estate benchmark: ``--postgres``, ``--seed`` and one whole-number option per size
    (``units=5000`` gives ``--units``, default 5000), then ``run`` on each database."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a fresh PostgreSQL database")
    for name, default in sizes.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)
    on_each_database(run, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a fresh PostgreSQL database")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--services-users", type=int, default=1000, help="of --users, made through the services")
    parser.add_argument("--entries", type=int, default=100_000, help="audit chain length to verify")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)  # keep create_app away from instance/secret_key
    print(f"password hashing: {HASH_METHOD} (fast, for benchmarks only); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    on_each_database(run, args)


if __name__ == "__main__":
    main()
