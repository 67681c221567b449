"""Boards benchmark: a 100-post thread page, search, and one interaction-rules check, on a large board.

On a fresh, migrated SQLite database (and, with ``--postgres``, also a fresh PostgreSQL database that is
dropped afterwards) it generates an estate (``generate_estate.build_estate``) and 200,000 posts in 20,000
threads of everyday estate Chinese built from a word list, so that a term hits some posts but not all; 200 of
the threads have exactly 100 posts. Threads and posts go in with multi-row Core inserts, 20,000 rows a
transaction, through the search triggers like any other write; ``body_html`` is the escaped text in a
paragraph (rendering 200,000 posts would only slow generation: the page serves stored HTML either way).
About 1% of posts are held and 0.5% hidden, so the visibility filters have work to do.

Then, as an approved resident (not an overseer, so every visibility filter applies), it times:

- ``boards.page.thread_page`` in an app context, and ``GET /api/v1/threads/<id>`` through the Flask test
  client with a bearer token, over the 100-post threads: p50 and p99 (each call on a fresh session, as in a
  request), in wall time and in this thread's CPU time (the wall time includes waiting for a busy core);
- ``boards.search.search`` for two- and four-character terms (and one-character and mixed ones): p50 and p99,
  with how many posts contain each term;
- ``rules.engine.check`` of a ~200-character post against a compiled 2,000-word policy with 20 recent texts
  (``bench_rules``' generator), in this thread's CPU time.

Aims: thread page p50 under 15 ms, search p50 under 50 ms on SQLite, a rules check under 100 µs.
``--profile`` prints where a thread page spends its time.
Run: ``.venv/bin/python benchmarks/bench_boards.py [--postgres] [--profile]``.
"""

import argparse
import contextvars
import cProfile
import html
import os
import pstats
import random
import sys
import time
from datetime import datetime, timedelta

from bench_foundation import HASH_METHOD, SECRET, on_each_database
from bench_rules import SEED as RULES_SEED
from bench_rules import make_text, make_words
from flask_migrate import upgrade
from generate_estate import build_estate
from sqlalchemy import func, insert, select, text

from community import create_app
from community.accounts import services as accounts
from community.accounts.models import User
from community.boards import page, search, services
from community.boards.models import Board, Post, Thread
from community.extensions import db
from community.rules.engine import History, check, compile_policy

PLACES = tuple(f"{n}号楼" for n in range(1, 31)) + tuple(f"{n}单元" for n in range(1, 4)) + (
    "地下车库", "小区东门", "西门岗亭", "中心广场", "会所", "儿童乐园", "楼道", "物业前台", "健身区", "南门",
    "地面停车场", "垃圾房", "快递驿站", "北门", "篮球场", "游泳池", "幼儿园门口", "菜鸟驿站", "人工湖", "老年活动室")
THINGS = ("电梯", "路灯", "门禁", "快递柜", "充电桩", "水管", "消防通道", "绿化带", "监控", "垃圾桶", "车位",
          "窗户", "下水道", "道闸", "外墙", "单元门", "消防栓", "WiFi", "空调外机", "井盖", "排水沟", "信报箱",
          "楼梯扶手", "自行车棚", "健身器材", "喷泉", "围墙", "感应灯", "对讲机", "消防门", "化粪池", "屋顶")
PROBLEMS = ("坏了", "漏水", "被占用", "不亮", "很吵", "满了", "堆满杂物", "有异味", "又停了", "一直响", "没人管",
            "需要维修", "刷卡没反应", "晚上很黑", "生锈了", "掉漆了", "松动了", "积水严重", "被撞坏了", "时好时坏")
REQUESTS = ("请物业尽快处理", "希望尽快安排维修", "请大家注意安全", "麻烦物业看一下", "谢谢配合", "已经报修了",
            "有没有人遇到同样的问题", "建议业主大会讨论一下", "请保安加强巡逻", "希望维修资金能用上", "拍了照片",
            "打了前台电话没人接", "上周就说要修", "请大家互相转告", "孩子经常在那边玩", "老人出行不方便")
NOTICES = ("本周六上午九点在中心广场开展消防安全演练，请大家准时参加。",
           "因管网检修，明天上午九点到十二点停水，请提前储水。",
           "垃圾分类的时间调整为早上七点到九点、晚上六点到八点，请大家配合。",
           "业主委员会将于下月召开业主大会，讨论维修资金的使用方案，欢迎大家提出意见。",
           "装修的邻居请注意施工时间，中午十二点到两点请不要打电钻。",
           "近期小区内发生多起电动车充电起火事故，请勿在楼道内充电。",
           "出售九成新婴儿车一辆，价格面议，有意者请在本帖下留言。",
           "今天在花园里捡到一串钥匙，失主请到物业前台领取。",
           "周末有没有人一起组织亲子活动？可以在会所借用场地。",
           "高空抛物危害大，请看管好自家孩子，不要往楼下扔东西。",
           "供暖季即将开始，请各位业主检查家中暖气阀门。",
           "小区将于本月底更换门禁系统，请到物业前台登记人脸信息。",
           "明天下午两点到五点计划停电，请提前做好准备。",
           "宠物请拴绳，遛狗请及时清理粪便。",
           "物业费缴费通道已开通，可在线上缴纳。",
           "转让闲置书桌一张，自提，价格好商量。")
CHATTER = ("同意", "支持一下", "我家也是这样", "楼上说得对", "已经打过电话了", "物业说明天来修", "顶", "谢谢提醒",
           "这个问题反映很久了", "上次也是这样", "希望早点解决", "收到", "辛苦了", "我也遇到过", "有道理",
           "关注一下", "同问", "蹲一个结果", "感谢分享", "大家一起反映")

TERMS = {
    "1 char": ("梯", "漏"),
    "2 chars": ("电梯", "停水", "快递", "车位", "漏水", "宠物"),
    "4 chars": ("消防通道", "垃圾分类", "维修资金", "地下车库", "业主大会", "人脸信息"),
    "mixed": ("3号楼 电梯", "WiFi 坏了", "地下车库 漏水", "wifi 时好时坏"),
    "rare": ("30号楼 化粪池", "喷泉 生锈", "游泳池 井盖 松动", "没有这个词"),
}
HOT_THREADS, HOT_SIZE = 200, 100


def sentence(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.6:
        return f"{rng.choice(PLACES)}的{rng.choice(THINGS)}{rng.choice(PROBLEMS)}，{rng.choice(REQUESTS)}。"
    if kind < 0.7:
        return rng.choice(NOTICES)
    return rng.choice(CHATTER) + rng.choice(("。", "！", "，", "~"))


def body(rng: random.Random) -> str:
    target = rng.choice((15, 30, 60, 100, 150, 250, 400))
    parts = [sentence(rng)]
    while sum(map(len, parts)) < target:
        parts.append(sentence(rng))
    return "".join(parts)


def title(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return f"{rng.choice(PLACES)}{rng.choice(THINGS)}{rng.choice(PROBLEMS)}"
    return rng.choice(NOTICES)[:rng.randint(8, 20)]


def status(rng: random.Random) -> str:
    roll = rng.random()
    return "held" if roll < 0.01 else "hidden" if roll < 0.015 else "visible"


def generate(n_threads: int, n_posts: int, authors: list[int], seed: int) -> list[int]:
    """Threads and posts in time order; answers the ids of the 100-post threads."""
    rng = random.Random(seed)
    sizes = [HOT_SIZE] * HOT_THREADS + [1] * (n_threads - HOT_THREADS)
    for index in rng.choices(range(HOT_THREADS, n_threads), k=n_posts - sum(sizes)):
        sizes[index] += 1
    rng.shuffle(sizes)
    start = datetime(2025, 11, 1)
    opened = sorted(rng.uniform(0, 365 * 86400) for _ in range(n_threads))
    events = []  # (seconds since start, thread number, opening)
    for number, (at, size) in enumerate(zip(opened, sizes), start=1):
        events.append((at, number, True))
        events += [(at + rng.expovariate(1 / 86400) * (i + 1) / 3, number, False) for i in range(size - 1)]
    events.sort()
    boards = dict(db.session.execute(select(Board.slug, Board.id)).all())
    board_ids = [boards[s] for s in ("neighbours", "neighbours", "neighbours", "marketplace", "fire-safety")]
    threads = {}
    posts = []
    for post_id, (at, number, opening) in enumerate(events, start=1):
        when = start + timedelta(seconds=at)
        author = rng.choice(authors)
        state = "visible" if opening and sizes[number - 1] == HOT_SIZE else status(rng)
        if opening:
            threads[number] = {"id": number, "board_id": rng.choice(board_ids), "author_id": author,
                               "title": title(rng), "status": state, "pinned": False, "locked": False,
                               "created_at": when, "last_post_at": when, "last_post_id": post_id, "reply_count": 0}
        else:
            thread = threads[number]
            state = "visible" if thread["status"] != "visible" else state
            if state == "visible":
                thread["reply_count"] += 1
                thread["last_post_at"], thread["last_post_id"] = when, post_id
        text_ = body(rng)
        posts.append({"id": post_id, "thread_id": number, "parent_id": None, "author_id": author,
                      "opening": opening, "body": text_, "body_html": f"<p>{html.escape(text_)}</p>",
                      "status": state, "created_at": when, "edited_at": None})
    rows = list(threads.values())
    for i in range(0, len(rows), 20000):
        db.session.execute(insert(Thread), rows[i:i + 20000])
        db.session.commit()
    for i in range(0, len(posts), 20000):
        db.session.execute(insert(Post), posts[i:i + 20000])
        db.session.commit()
    return sorted(n for n, size in enumerate(sizes, start=1) if size == HOT_SIZE)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Clock:
    """Wall time, and this thread's CPU time: on a shared machine the wall time includes waiting for a core.
    (With PostgreSQL the server's own work is in another process, so only the wall time covers it.)"""

    def __init__(self):
        self.wall, self.cpu = [], []

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.thread_time()

    def __exit__(self, *_exc):
        self.wall.append((time.perf_counter() - self._wall) * 1000)
        self.cpu.append((time.thread_time() - self._cpu) * 1000)


def report(label: str, clock: Clock, extra: str = "") -> None:
    print(f"  {label:<42} n={len(clock.wall):>4}  p50 {percentile(clock.wall, 0.5):7.2f} ms  "
          f"p99 {percentile(clock.wall, 0.99):7.2f} ms  (CPU p50 {percentile(clock.cpu, 0.5):6.2f}, "
          f"p99 {percentile(clock.cpu, 0.99):6.2f}){extra}", flush=True)


def time_thread_page(reader_id: int, thread_ids: list[int], rounds: int) -> Clock:
    clock = Clock()
    for thread_id in thread_ids * rounds:
        reader = db.session.get(User, reader_id)
        with clock:
            page.thread_page(reader, thread_id)
        db.session.remove()
    return clock


def time_http(client, token: str, thread_ids: list[int], rounds: int) -> tuple[Clock, int]:
    clock, size = Clock(), 0
    headers = {"Authorization": f"Bearer {token}"}
    for thread_id in thread_ids * rounds:
        with clock:
            # A context of its own, as a request on a server: its own app context and database session.
            response = contextvars.Context().run(client.get, f"/api/v1/threads/{thread_id}", headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET /api/v1/threads/{thread_id}: {response.status_code} {response.get_data()[:200]}")
        size = len(response.get_data())
    return clock, size


def time_search(reader_id: int, q: str, rounds: int) -> tuple[Clock, int]:
    clock, shown = Clock(), 0
    for _ in range(rounds):
        reader = db.session.get(User, reader_id)
        with clock:
            shown = len(search.search(reader, q))
        db.session.remove()
    return clock, shown


def posts_containing(q: str) -> int:
    conditions = [func.lower(Post.body).contains(term.lower(), autoescape=True) for term in q.split()]
    return db.session.scalar(select(func.count()).select_from(Post).where(*conditions))


def profile_thread_page(reader_id: int, thread_ids: list[int]) -> None:
    profiler = cProfile.Profile()
    for thread_id in thread_ids:
        reader = db.session.get(User, reader_id)
        profiler.enable()
        services.thread_page(reader, thread_id)
        profiler.disable()
        db.session.remove()
    print(f"  profile of {len(thread_ids)} thread pages (cumulative, top 25):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def run(url: str, name: str, args) -> None:
    print(f"== {name}", flush=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    build_estate(app, units=args.units, users=args.users, seed=args.seed)
    with app.app_context():
        approved = list(db.session.scalars(select(User.id).where(User.status == "approved")))
        reader_id = db.session.scalar(select(User.id).where(User.status == "approved", User.role == "resident"))
        print(f"estate: {args.units} units, {len(approved)} approved users ({time.perf_counter() - started:.1f} s)")
        started = time.perf_counter()
        hot = generate(args.threads, args.posts, approved, args.seed)
        seconds = time.perf_counter() - started
        print(f"generated {args.threads:,} threads and {args.posts:,} posts in {seconds:.1f} s "
              f"({args.posts / seconds:,.0f} posts/s, search triggers included)", flush=True)
        if name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        token = accounts.issue_token(db.session.get(User, reader_id))
        db.session.remove()

        sample = hot[:args.pages]
        time_thread_page(reader_id, sample[:10], 1)  # warm caches
        page = time_thread_page(reader_id, sample, args.rounds)
        report("thread page, services.thread_page", page)
        client = app.test_client()
        time_http(client, token, sample[:10], 1)
        timings, size = time_http(client, token, sample, args.rounds)
        report("thread page, GET /api/v1/threads/<id>", timings, f"  ({size / 1024:.0f} KB)")
        if args.profile:
            profile_thread_page(reader_id, sample[:50])

        for kind, queries in TERMS.items():
            for q in queries:
                time_search(reader_id, q, 2)
                timings, shown = time_search(reader_id, q, args.search_rounds)
                hits = posts_containing(q)
                report(f"search {kind}: {q}", timings,
                       f"  ({hits:,} posts contain it, {100 * hits / args.posts:.1f}%; {shown} shown)")
        db.session.remove()
        db.engine.dispose()


def rules_check(args) -> None:
    rng = random.Random(RULES_SEED)
    words = make_words(rng, 2000)
    compiled = compile_policy({"words": words, "new_user_days": 7, "new_user_max_links": 1, "post_interval_s": 30,
                               "chat_interval_s": 2, "chat_max_per_minute": 20, "auto_hide_reports": 3})
    texts = [make_text(rng, words, hit=rng.random() < 0.2) for _ in range(2000)]
    texts = [t for t in texts if 180 <= len(t) <= 220]
    now = datetime(2026, 11, 27, 12)
    history = History(now=now, joined_at=now - timedelta(days=400), last_at=now - timedelta(hours=1),
                      count_last_minute=0, count_today=3, recent_texts=tuple(rng.sample(texts, 20)))
    for t in texts:
        check(compiled, "post", t, history)
    timings = []
    for _ in range(5):
        for t in texts:
            started = time.thread_time_ns()
            check(compiled, "post", t, history)
            timings.append((time.thread_time_ns() - started) / 1000)
    print(f"rules check, 2,000-word policy, ~200-char post, 20 recent texts: n={len(timings)}  "
          f"p50 {percentile(timings, 0.5):.1f} µs  p99 {percentile(timings, 0.99):.1f} µs", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also run on a fresh PostgreSQL database")
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=100, help="how many of the 100-post threads to time")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--search-rounds", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)  # keep create_app away from instance/secret_key
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    rules_check(args)
    on_each_database(run, args)


if __name__ == "__main__":
    main()
