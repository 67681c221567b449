"""Memory of the kept thread pages: what one worker holds once it keeps ``THREAD_PAGE_CACHE`` threads.

Over the database that ``bench_http.py`` builds (run that first, or ``--build-only``), it reads 200 threads of
100 posts as one resident (the HTML page, then the API page) in-process, and measures with ``tracemalloc``
what stays allocated after each set: the pages kept for that reader, then the same with the API's encoded text
beside them. A second reader with other rights (a member of staff) adds the variants they see.

Run: ``.venv/bin/python benchmarks/bench_pagecache_memory.py [--threads 200]``.
"""

import argparse
import gc
import json
import re
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_foundation import SECRET
from bench_http import CACHE
from generate_estate import PASSWORD


def held() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def log_in(client, phone: str) -> None:
    page = client.get("/login").data
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    response = client.post("/login", data={"csrf_token": token, "phone": phone, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=200)
    args = parser.parse_args()
    facts_path = CACHE / "linli.json"
    if not facts_path.exists():
        raise SystemExit("run benchmarks/bench_http.py --build-only first")
    facts = json.loads(facts_path.read_text())
    from sqlalchemy import select

    from community import create_app
    from community.accounts.models import User
    from community.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{CACHE / 'linli.db'}", "SECRET_KEY": SECRET,
                      "RATELIMIT_STORAGE_URI": "memory://", "THREAD_PAGE_CACHE": max(256, args.threads)})
    threads = facts["hot"][:args.threads]
    client = app.test_client()
    log_in(client, facts["phone"])
    token = app.test_client().post("/api/v1/auth/token",
                                   json={"phone": facts["phone"], "password": PASSWORD}).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    client.get(f"/threads/{threads[0]}")  # everything imported and made once before counting
    tracemalloc.start()
    start = held()
    for thread_id in threads:
        assert client.get(f"/threads/{thread_id}").status_code == 200
    pages = held()
    for thread_id in threads:
        assert client.get(f"/api/v1/threads/{thread_id}", headers=bearer).status_code == 200
    with_api = held()
    with app.app_context():
        staff = db.session.scalar(select(User.phone).where(User.role == "staff", User.status == "approved"))
    other = app.test_client()
    if staff:
        log_in(other, staff)
        for thread_id in threads:
            assert other.get(f"/threads/{thread_id}").status_code == 200
    with_staff = held()
    tracemalloc.stop()
    n = len(threads)

    def line(label: str, size: int) -> None:
        print(f"  {label:<36}{size / 2**20:6.1f} MB  {size / n / 1024:6.1f} KB a thread")
    print(f"{n} threads of 100 posts kept by one worker (tracemalloc, what stays allocated)")
    line("the HTML page for one resident", pages - start)
    line("+ the API page's encoded body", with_api - pages)
    if staff:
        line("+ what a member of staff sees", with_staff - with_api)
    print(f"memory total={(with_staff - start) / 2**20:.1f}MB per_thread={(with_staff - start) / n / 1024:.0f}KB")


if __name__ == "__main__":
    main()
