"""HTTP benchmark: the phone thread page and the API thread page against a bare floor app, side by side.

Builds (once, cached under ``/tmp/linli-bench-http/``) a migrated SQLite database with an estate and 200,000
posts in 20,000 threads (``bench_boards.generate``: 200 threads of exactly 100 posts, stored HTML). Then it starts
two servers under gunicorn, one sync worker each, over that same file:

- Linli itself (``wsgi:app``), read as an approved resident who has accepted the rules (so the reply form is
  there, as for most readers): ``GET /threads/<id>`` with the session cookie and ``GET /api/v1/threads/<id>``
  with a bearer token;
- the floor: a bare Flask + SQLAlchemy Core + Jinja2 app written below, one query joining posts and authors,
  the stored HTML output as is, in a minimal page.

Requests go one at a time from a plain ``http.client`` loop (a new connection per request, as gunicorn's sync
worker closes each one), in interleaved rounds over the 100-post threads: floor, HTML, API, floor, ... so a busy
moment of the shared machine falls on all three alike, none of them asking for compression. It prints p50, p99
and req/s of each, the page sizes as timed and as a phone downloads them (asking for brotli or gzip), and ends
with ``ratio html=X.XX api=Y.YY`` (p50 over the floor's p50, this run).

Run: ``.venv/bin/python benchmarks/bench_http.py [--rounds 4] [--pages 100] [--rebuild]``.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
from pathlib import Path

from bench_boards import generate
from bench_foundation import HASH_METHOD, SECRET
from generate_estate import PASSWORD, build_estate

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/linli-bench-http")
FLOOR_APP = '''
import os
from flask import Flask
from jinja2 import Environment
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["FLOOR_DATABASE_URL"])
PAGE = Environment(autoescape=True).from_string(
    "<!doctype html><html lang=zh><head><meta charset=utf-8><title>{{ title }}</title></head><body>"
    "<h1>{{ title }}</h1><ol>{% for p in posts %}<li id=\\"post-{{ p[0] }}\\"><p><b>{{ p[3] }}</b> · "
    "<time>{{ p[2] }}</time></p><div>{{ p[1] | safe }}</div></li>{% endfor %}</ol></body></html>")
QUERY = text("SELECT p.id, p.body_html, p.created_at, u.display_name FROM posts p JOIN users u ON u.id = p.author_id "
             "WHERE p.thread_id = :id AND p.status = 'visible' ORDER BY p.id")
app = Flask(__name__)


@app.get("/threads/<int:thread_id>")
def thread(thread_id):
    with engine.connect() as conn:
        title = conn.execute(text("SELECT title FROM threads WHERE id = :id"), {"id": thread_id}).scalar()
        posts = conn.execute(QUERY, {"id": thread_id}).all()
    return PAGE.render(title=title, posts=posts)
'''


def build(path: Path, args) -> dict:
    """The database file and what the run needs from it (the 100-post threads, the reader)."""
    facts = path.with_suffix(".json")
    if path.exists() and facts.exists() and not args.rebuild:
        return json.loads(facts.read_text())
    from flask_migrate import upgrade
    from sqlalchemy import select

    from community import create_app
    from community.accounts.models import User
    from community.extensions import db

    path.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "PASSWORD_HASH_METHOD": HASH_METHOD,
                      "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    estate = build_estate(app, units=2000, users=3000, seed=args.seed)
    with app.app_context():
        approved = list(db.session.scalars(select(User.id).where(User.status == "approved")))
        hot = generate(20_000, 200_000, approved, args.seed)
        index = next(i for i, user_id in enumerate(estate.user_ids)
                     if db.session.get(User, user_id).status == "approved"
                     and db.session.get(User, user_id).role == "resident")
        db.session.remove()
        db.engine.dispose()
    print(f"built {path} in {time.perf_counter() - started:.0f} s", flush=True)
    data = {"hot": hot, "phone": estate.plan[index]["phone"]}
    facts.write_text(json.dumps(data))
    return data


def serve(command: list[str], env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def call(port: int, path: str, headers: dict, method: str = "GET", body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response, data, elapsed


def login(port: int, phone: str) -> str:
    """The session cookie, through the login form as a browser would."""
    response, page, _ = call(port, "/login", {})
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        rb'name="csrf_token" value="([^"]+)"', page)
    form = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "phone": phone, "password": PASSWORD})
    response, _, _ = call(port, "/login", {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                          "POST", form)
    if response.status != 302:
        raise SystemExit(f"login failed: {response.status}")
    return response.getheader("Set-Cookie").split(";", 1)[0]


def api_token(port: int, phone: str) -> str:
    response, data, _ = call(port, "/api/v1/auth/token", {"Content-Type": "application/json"}, "POST",
                             json.dumps({"phone": phone, "password": PASSWORD}))
    if response.status != 200 and response.status != 201:
        raise SystemExit(f"token: {response.status} {data[:200]}")
    return json.loads(data)["token"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pages", type=int, default=100, help="how many of the 100-post threads per round")
    parser.add_argument("--port", type=int, default=5120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("COMMUNITY_SECRET_KEY", SECRET)
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "linli.db"
    facts = build(path, args)
    if args.build_only:
        return
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    (work / "floor.py").write_text(textwrap.dedent(FLOOR_APP))
    url = f"sqlite:///{path}"
    env = {**os.environ, "COMMUNITY_DATABASE_URL": url, "COMMUNITY_SECRET_KEY": SECRET,
           "COMMUNITY_AUDIT_ANCHOR_PATH": str(work / "anchors.log"), "FLOOR_DATABASE_URL": url,
           "COMMUNITY_RATELIMIT_STORAGE_URI": "memory://", "PYTHONPATH": str(ROOT)}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    app_port, floor_port = args.port, args.port + 1
    servers = [serve([gunicorn, "-w", "1", "-k", "sync", "-b", f"127.0.0.1:{app_port}", "wsgi:app"], env, app_port),
               serve([gunicorn, "-w", "1", "-k", "sync", "--chdir", str(work), "-b", f"127.0.0.1:{floor_port}",
                      "floor:app"], env, floor_port)]
    try:
        cookie = login(app_port, facts["phone"])
        token = api_token(app_port, facts["phone"])
        targets = {
            "floor": (floor_port, "/threads/{}", {}),
            "html": (app_port, "/threads/{}", {"Cookie": cookie}),
            "api": (app_port, "/api/v1/threads/{}", {"Authorization": f"Bearer {token}"}),
        }
        pages = facts["hot"][:args.pages]
        timings = {name: [] for name in targets}
        sizes = {}
        busy = {name: 0.0 for name in targets}
        for round_ in range(args.rounds + 1):  # the first round warms up and is not counted
            for thread_id in pages:
                for name, (port, pattern, headers) in targets.items():
                    response, data, elapsed = call(port, pattern.format(thread_id), headers)
                    if response.status != 200:
                        raise SystemExit(f"{name} {thread_id}: {response.status} {data[:300]}")
                    if round_:
                        timings[name].append(elapsed)
                        busy[name] += elapsed / 1000
                    sizes[name] = (len(data), response.getheader("Content-Type"))
        wire = {}  # what a phone downloads: it asks for the page compressed (timed above without, as the floor)
        for name, (port, pattern, headers) in targets.items():
            response, data, _ = call(port, pattern.format(pages[0]), {**headers, "Accept-Encoding": "br, gzip"})
            wire[name] = (len(data), response.getheader("Content-Encoding") or "as is")
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(pages)} threads of 100 posts x {args.rounds} "
              f"rounds, one request at a time, gunicorn -w 1 (sync), SQLite, 200,000 posts")
        labels = {"floor": "floor (Flask + Core + Jinja2)", "html": "Linli GET /threads/<id>",
                  "api": "Linli GET /api/v1/threads/<id>"}
        for name, values in timings.items():
            p50 = percentile(values, 0.5)
            print(f"  {labels[name]:<34} p50 {p50:6.2f} ms  p99 {percentile(values, 0.99):6.2f} ms  "
                  f"{len(values) / busy[name]:6.0f} req/s  {sizes[name][0] / 1024:5.1f} KB  "
                  f"({wire[name][0] / 1024:.1f} KB {wire[name][1]}; {sizes[name][1]})  "
                  f"x{p50 / percentile(timings['floor'], 0.5):.2f}")
        floor = percentile(timings["floor"], 0.5)
        html, api = percentile(timings["html"], 0.5) / floor, percentile(timings["api"], 0.5) / floor
        print(f"ratio html={html:.2f} api={api:.2f}")
    finally:
        for process in servers:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
