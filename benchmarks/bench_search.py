"""Search benchmark on PostgreSQL: rare and common multi-word queries over 200,000 posts.

It keeps a PostgreSQL database of its own, ``linli_bench_search`` (``--database`` for another name), on the
server of ``BENCH_PG_SERVER`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432``). The first run (or
``--rebuild``) drops and creates it, migrates it, builds a small estate (``generate_estate.build_estate``) and
200,000 posts in 20,000 threads of everyday estate Chinese (``bench_boards.generate``: multi-row inserts,
20,000 rows a statement batch, then ANALYZE); later runs reuse it, so that a change to the query can be timed
against the same rows in seconds.

Then, as an approved resident (every visibility filter applies), it times ``boards.search.search`` (the first
page, 20 items, as the search page asks) for rare and common multi-word queries, a few rounds each after two
warm-up calls, and prints p50/p99 in milliseconds with how many posts contain every term and how many each
term alone. ``--explain Q`` prints PostgreSQL's EXPLAIN ANALYZE of each statement that query runs.

Aim: rare multi-word queries p50 under 50 ms at 200,000 posts.
Run: ``.venv/bin/python benchmarks/bench_search.py [--rebuild] [--rounds 20] [--explain "游泳池 井盖 松动"]``.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_boards import generate, percentile
from bench_foundation import HASH_METHOD, SECRET
from flask_migrate import upgrade
from generate_estate import build_estate
from sqlalchemy import create_engine, event, func, select, text

from community import create_app
from community.accounts.models import User
from community.boards import search
from community.boards.models import Post
from community.extensions import db

SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
# Words the generator never writes, put into a few posts each (``add_rare``): the rare queries a resident types.
RARE = {"石狮子": 40, "旧藤椅": 15, "风铃": 25}
QUERIES = {
    "rare": ("石狮子 掉漆了", "旧藤椅 风铃", "旧藤椅 3号楼 电梯", "石狮子 电梯 坏了", "风铃 请物业 尽快处理",
             "没有这个词 电梯"),
    "mixed": ("30号楼 化粪池", "喷泉 生锈", "游泳池 井盖 松动", "人工湖 喷泉 掉漆了", "老年活动室 对讲机 一直响"),
    "common": ("3号楼 电梯", "地下车库 漏水", "电梯 坏了", "请物业 尽快处理", "物业 维修"),
    "short": ("梯 漏", "电梯 停水"),
}


def ensure_database(name: str, rebuild: bool) -> tuple[str, bool]:
    """The benchmark's database: answers its URL and whether it was just made (and needs its rows)."""
    server = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is not None
        if exists and rebuild:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"))
    server.dispose()
    return f"{SERVER}/{name}", not exists


def build(app, args) -> None:
    with app.app_context():
        upgrade(revision="heads")
    started = time.perf_counter()
    build_estate(app, units=500, users=400, seed=args.seed, via="bulk")
    with app.app_context():
        authors = list(db.session.scalars(select(User.id).where(User.status == "approved")))
        generate(args.threads, args.posts, authors, args.seed)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
    print(f"built {args.threads:,} threads and {args.posts:,} posts in {time.perf_counter() - started:.0f} s",
          flush=True)


def add_rare(seed: int) -> None:
    """Each of ``RARE``'s words appended to that many posts (some openings, some replies), once."""
    import random
    if db.session.scalar(select(Post.id).where(Post.body.contains("旧藤椅")).limit(1)) is not None:
        return
    rng = random.Random(seed)
    top = db.session.scalar(select(func.max(Post.id)))
    chosen = {}
    for word, count in RARE.items():
        for post_id in rng.sample(range(1, top + 1), count):
            chosen.setdefault(post_id, []).append(word)
    # two words together in a few posts, so that "旧藤椅 风铃" finds something
    for post_id in rng.sample(range(1, top + 1), 4):
        chosen.setdefault(post_id, []).extend(["旧藤椅", "风铃"])
    for post_id, words in chosen.items():
        db.session.execute(text("UPDATE posts SET body = body || :extra WHERE id = :id"),
                           {"extra": "，" + "、".join(words) + "也需要看看。", "id": post_id})
    db.session.execute(text("ANALYZE posts"))
    db.session.commit()


def contains(q: str) -> str:
    def count(*terms: str) -> int:
        return db.session.scalar(select(func.count()).select_from(Post).where(
            *(Post.body.contains(t, autoescape=True) for t in terms)))
    each = ", ".join(f"{t} {count(t):,}" for t in q.split())
    return f"{count(*q.split()):,} posts hold all; {each}"


def explain(reader_id: int, q: str) -> None:
    statements = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "posts" in statement:
            statements.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        search.search(db.session.get(User, reader_id), q)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="linli_bench_search")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="append", default=[])
    args = parser.parse_args()
    url, fresh = ensure_database(args.database, args.rebuild)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD, "SECRET_KEY": SECRET})
    if fresh:
        build(app, args)
    print(f"PostgreSQL {args.database}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    with app.app_context():
        add_rare(args.seed)
        posts = db.session.scalar(select(func.count()).select_from(Post))
        reader_id = db.session.scalar(select(User.id).where(User.status == "approved", User.role == "resident"))
        print(f"{posts:,} posts", flush=True)
        for q in args.explain:
            explain(reader_id, q)
        for kind, queries in QUERIES.items():
            for q in queries:
                timings, shown = [], 0
                for n in range(args.rounds + 2):
                    reader = db.session.get(User, reader_id)
                    started = time.perf_counter()
                    shown = len(search.search(reader, q))
                    if n >= 2:
                        timings.append((time.perf_counter() - started) * 1000)
                    db.session.remove()
                if timings:
                    print(f"  {kind:<6} {q:<22} p50 {percentile(timings, 0.5):7.1f} ms  p99 "
                          f"{percentile(timings, 0.99):7.1f} ms  ({shown} shown; {contains(q)})", flush=True)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
