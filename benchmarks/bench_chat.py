"""Chat benchmark: one busy room on a real server process, against a bare python-socketio server as the ceiling.

For each server, on loopback, it connects 50 and then 200 clients to one room and measures

- **steady**: one client sends 20 messages/s for 10 s; every client (the sender too) records when each message
  arrives. Printed: deliveries per second (a delivery is one message reaching one client), p50/p99/max latency
  from send to receipt, and any message lost;
- **flood**: the sender keeps 8 sends in flight for 5 s, as fast as the server acknowledges them, then waits
  for the room to catch up. Printed: messages per second fully fanned out and deliveries per second: the
  throughput ceiling of that server for one busy room.

The servers:

- **app**: ``wsgi:app`` under the README's production command (``--worker gevent``, the default:
  ``gunicorn -w 1 -k gevent``; or ``--worker gthread``: ``gunicorn -w 1 --threads T``, with T sized to the
  client count, since every open websocket holds one thread) with the Redis message queue, on a fresh SQLite
  database (``--database-url`` for another) holding a small estate. Every send goes through
  ``chat.services.send``: standing, policy, the interaction rules, a stored row, then the broadcast. The
  rules' pace limits are relaxed for the run (``chat_interval_s`` 0, high minute and daily caps) and every
  text is distinct, so no message is refused.
- **bare**: ``bare_app()`` below under the same gunicorn command: python-socketio alone, no queue, no rules,
  no storage; ``join`` enters the room, ``send`` broadcasts what it is given.

The clients are not python-socketio ``Client`` objects: each of those runs two or three threads and decodes
every packet under the GIL, so 200 of them on two cores measure the client. Here every client is a minimal
Engine.IO 4 / Socket.IO 5 websocket client on one asyncio loop, using wsproto (already installed by
simple-websocket). The client process's CPU time is printed so that a client-bound figure can be seen as one.
Server and clients share the same two cores.

Aims: the app at least half the bare server's flood throughput; p99 under 100 ms at 200 clients and 20 msg/s.
Run: ``.venv/bin/python benchmarks/bench_chat.py [--worker gevent|gthread] [--clients 50 200]``.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, RejectConnection, Request, TextMessage
from wsproto.utilities import LocalProtocolError

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOM = "lobby"
WINDOW = 8  # sends in flight during the flood


# ---- the bare server: gunicorn ... 'bench_chat:bare_app()' ------------------------------------------

def bare_app():
    import socketio

    server = socketio.Server(async_mode=os.environ.get("COMMUNITY_SOCKETIO_ASYNC_MODE", "threading"),
                             async_handlers=False)
    ids = itertools.count(1)

    @server.on("join")
    def join(sid, data):
        server.enter_room(sid, data["room"])
        return {"ok": True, "history": []}

    @server.on("send")
    def send(sid, data):
        message = {"id": next(ids), "room": data["room"], "body_html": data["body"], "client_id": data["client_id"]}
        server.emit("message", message, to=data["room"])
        return {"ok": True, "id": message["id"], "status": "visible"}

    return socketio.WSGIApp(server)


# ---- a minimal Socket.IO client over one websocket -----------------------------------------------------

class Client:
    """Engine.IO 4 over a websocket (no polling), Socket.IO 5 on the default namespace, text packets only."""

    def __init__(self, port: int, arrivals: dict | None):
        self.port, self.arrivals = port, arrivals  # arrivals: client_id -> list of receipt times
        self.acks: dict[int, asyncio.Future] = {}
        self.ack_ids = itertools.count()
        self.connected = asyncio.get_running_loop().create_future()
        self.reader = self.writer = self.ws = None
        self.task = None
        self._partial = ""

    async def open(self, token: str) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.token = token
        self.writer.write(self.ws.send(Request(host=f"127.0.0.1:{self.port}",
                                               target="/socket.io/?EIO=4&transport=websocket")))
        self.task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.connected, 30)

    async def _read(self) -> None:
        try:
            while data := await self.reader.read(65536):
                self.ws.receive_data(data)
                for event in self.ws.events():
                    if isinstance(event, TextMessage):
                        self._partial += event.data
                        if event.message_finished:
                            text, self._partial = self._partial, ""
                            self._packet(text)
                    elif isinstance(event, Ping):
                        self.writer.write(self.ws.send(event.response()))
                    elif isinstance(event, (CloseConnection, RejectConnection)):
                        return
                    elif isinstance(event, AcceptConnection):
                        pass
        except ConnectionError:
            pass
        finally:
            if not self.connected.done():
                self.connected.set_exception(ConnectionError("closed before the Socket.IO connect"))
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(ConnectionError("closed by the server before the acknowledgement"))

    def _packet(self, text: str) -> None:
        if text.startswith("42"):  # an event
            name, data = json.loads(text[2:])
            if name == "message" and self.arrivals is not None:
                self.arrivals.setdefault(data["client_id"], []).append(time.perf_counter())
        elif text.startswith("43"):  # an acknowledgement: 43<id>[payload]
            cut = text.index("[")
            future = self.acks.pop(int(text[2:cut]), None)
            if future is not None and not future.done():
                future.set_result(json.loads(text[cut:])[0])
        elif text == "2":  # Engine.IO ping
            self._send("3")
        elif text.startswith("0"):  # Engine.IO open: now connect the namespace with the token
            self._send("40" + json.dumps({"token": self.token}))
        elif text.startswith("40"):
            self.connected.set_result(True)
        elif text.startswith("44"):
            self.connected.set_exception(ConnectionError(f"refused: {text[2:]}"))

    def _send(self, text: str) -> None:
        try:
            self.writer.write(self.ws.send(TextMessage(data=text)))
        except LocalProtocolError as error:  # the server closed this connection
            raise ConnectionError(f"closed by the server: {error}") from None

    def call(self, event: str, data: dict) -> asyncio.Future:
        ack = next(self.ack_ids)
        future = asyncio.get_running_loop().create_future()
        self.acks[ack] = future
        self._send(f"42{ack}" + json.dumps([event, data], ensure_ascii=False))
        return future

    async def close(self) -> None:
        try:
            self._send("41")
            self.writer.write(self.ws.send(CloseConnection(code=1000)))
            await self.writer.drain()
        except (ConnectionError, LocalProtocolError, RuntimeError):
            pass
        self.writer.close()
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass


# ---- one room, measured -----------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def connect_room(port: int, tokens: list[str], count: int, arrivals: dict) -> list[Client]:
    gate = asyncio.Semaphore(20)

    async def one(token: str) -> Client:
        async with gate:
            client = Client(port, arrivals)
            await client.open(token)
            ack = await asyncio.wait_for(client.call("join", {"room": ROOM}), 30)
            assert ack["ok"], ack
            return client
    # the first token is the sender's
    return list(await asyncio.gather(*(one(tokens[0] if n == 0 else tokens[1 + (n - 1) % (len(tokens) - 1)])
                                       for n in range(count))))


async def drain(arrivals: dict, sent, count: int, timeout: float) -> None:
    """Wait until each sent message has reached every client, or the timeout."""
    deadline = time.perf_counter() + timeout
    while sum(len(arrivals.get(cid, ())) for cid in sent) < len(sent) * count and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)


async def steady(sender: Client, arrivals: dict, count: int, rate: float, seconds: float, tag: str) -> dict:
    sent: dict[str, float] = {}
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        client_id = f"{tag}-s{n}"
        sent[client_id] = time.perf_counter()
        sender.call("send", {"room": ROOM, "body": f"第{n}条测试消息 {tag}", "client_id": client_id})
    await drain(arrivals, sent, count, 30)
    latencies = [(t - sent[cid]) * 1000 for cid, times in arrivals.items() if cid in sent for t in times]
    return {"messages": len(sent), "deliveries_s": len(latencies) / seconds, "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99), "max": max(latencies), "lost": len(sent) * count - len(latencies)}


async def flood(sender: Client, arrivals: dict, count: int, seconds: float, tag: str) -> dict:
    sent: set[str] = set()
    start = time.perf_counter()
    in_flight: set[asyncio.Future] = set()
    n = 0
    while time.perf_counter() - start < seconds:
        while len(in_flight) < WINDOW:
            client_id = f"{tag}-f{n}"
            sent.add(client_id)
            in_flight.add(sender.call("send", {"room": ROOM, "body": f"快速第{n}条 {tag}", "client_id": client_id}))
            n += 1
        done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        for future in done:
            assert future.result()["ok"], future.result()
    if in_flight:
        await asyncio.wait(in_flight)
    await drain(arrivals, sent, count, 60)
    last = max(t for cid, times in arrivals.items() if cid in sent for t in times)
    delivered = sum(len(times) for cid, times in arrivals.items() if cid in sent)
    elapsed = last - start
    return {"messages": len(sent), "messages_s": len(sent) / elapsed, "deliveries_s": delivered / elapsed,
            "lost": len(sent) * count - delivered}


async def measure(server: "Server", tokens: list[str], count: int, args, tag: str) -> dict:
    """Both phases on ``count`` fresh clients; the server's and the clients' CPU seconds for each phase."""
    arrivals: dict[str, list[float]] = {}
    clients = await connect_room(server.port, tokens, count, arrivals)
    result = {}
    try:
        # unmeasured: first-use costs such as SQL compilation and the rules' compiled policy
        await steady(clients[0], arrivals, count, args.rate, 1, f"{tag}-warm")
        for phase, run in (("steady", lambda: steady(clients[0], arrivals, count, args.rate, args.seconds, tag)),
                           ("flood", lambda: flood(clients[0], arrivals, count, args.flood_seconds, tag))):
            server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
            result[phase] = await run()
            result[phase]["server_cpu"] = server.cpu_seconds() - server_cpu
            result[phase]["client_cpu"] = time.process_time() - client_cpu
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    return result


# ---- servers --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(worker: str, clients: int, port: int, target: list[str]) -> list[str]:
    """The README's production command, with the bench's port."""
    binary = str(Path(sys.executable).parent / "gunicorn")
    kind = ["-k", "gevent"] if worker == "gevent" else ["--threads", str(clients + 50)]
    return [binary, "-w", "1", *kind, "-b", f"127.0.0.1:{port}", "--log-level", "warning", *target]


class Server:
    def __init__(self, argv: list[str], port: int, env: dict, log: Path):
        self.port, self.log = port, log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling",
                                       timeout=2).close()
                break
            except urllib.error.HTTPError as error:
                error.close()
                break
            except OSError:
                time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """User and system CPU of the server and its children (gunicorn's worker), from /proc."""
        total = 0.0
        pids = [self.process.pid] + [int(p) for p in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                                     .read_text().split()]
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def prepare(url: str) -> list[str]:
    """Migrate, build a small estate, relax the pace rules; answer bearer tokens, the sender's first."""
    from flask_migrate import upgrade
    from generate_estate import build_estate

    from community import create_app
    from community.accounts import services as accounts
    from community.accounts.models import User
    from community.extensions import db
    from community.rules import services as rules

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "SECRET_KEY": os.environ["COMMUNITY_SECRET_KEY"]})
    with app.app_context():
        upgrade(revision="heads")
    built = build_estate(app, units=200, users=60, via="bulk")
    with app.app_context():
        current = rules.current()
        current.policy = {**current.policy, "chat_interval_s": 0, "chat_max_per_minute": 1_000_000,
                          "daily_cap_chat": 1_000_000}
        db.session.commit()
        users = [db.session.get(User, uid) for uid, plan in zip(built.user_ids, built.plan) if plan["approve"]]
        tokens = [accounts.issue_token(user) for user in users[:40]]
        db.session.remove()
        db.engine.dispose()
    return tokens


def report(name: str, count: int, result: dict) -> None:
    s, f = result["steady"], result["flood"]
    per_message = {phase: 1000 * r["server_cpu"] / r["messages"] for phase, r in result.items()}
    print(f"{name:>4} {count:>4} clients | steady {s['deliveries_s']:5.0f} deliveries/s, p50 {s['p50']:6.1f} ms, "
          f"p99 {s['p99']:6.1f} ms, max {s['max']:6.1f} ms, missing {s['lost']}, server cpu "
          f"{per_message['steady']:4.1f} ms/msg | flood {f['messages_s']:5.1f} msg/s, {f['deliveries_s']:5.0f} "
          f"deliveries/s, missing {f['lost']}, server cpu {per_message['flood']:4.1f} ms/msg, "
          f"{1000 * per_message['flood'] / count:3.0f} µs/delivery, client cpu {f['client_cpu']:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=("gevent", "gthread"), default="gevent")
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second in the steady phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the steady phase")
    parser.add_argument("--flood-seconds", type=float, default=5.0)
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    secret = os.environ.setdefault("COMMUNITY_SECRET_KEY", "benchmark-secret-key")
    sys.path.insert(0, str(BENCH))
    print(f"worker {args.worker}, {'PostgreSQL' if args.postgres else 'SQLite'}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        if args.postgres:
            from bench_foundation import postgres_database
            url = stack.enter_context(postgres_database())
        else:
            url = f"sqlite:///{folder}/bench.db"
        run(args, url, Path(folder), prepare(url), secret)


def run(args, url: str, folder: Path, tokens: list[str], secret: str) -> None:
    """Each server in turn: the app, then the bare ceiling; then the ratios."""
    mode = "gevent" if args.worker == "gevent" else "threading"
    env = {**os.environ, "COMMUNITY_DATABASE_URL": url, "COMMUNITY_SECRET_KEY": secret,
           "COMMUNITY_SOCKETIO_ASYNC_MODE": mode, "COMMUNITY_SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
           "COMMUNITY_SOCKETIO_CHANNEL": f"linli-bench-{uuid.uuid4().hex}"}
    results: dict[tuple[str, int], dict] = {}
    for name, target in (("app", ["wsgi:app"]), ("bare", ["--pythonpath", str(BENCH), "bench_chat:bare_app()"])):
        port = free_port()
        server = Server(gunicorn(args.worker, max(args.clients), port, target), port, env,
                        folder / f"{name}.log")
        try:
            for count in args.clients:
                try:
                    results[name, count] = asyncio.run(measure(server, tokens, count, args, f"{name}{count}"))
                except ConnectionError as error:  # e.g. a pong stuck behind a backlog of sends: ping timeout
                    print(f"{name:>4} {count:>4} clients | the server dropped a client, overloaded: {error}")
                    continue
                report(name, count, results[name, count])
        finally:
            server.stop()
        errors = [line for line in (folder / f"{name}.log").read_text().splitlines()
                  if "Traceback" in line or "Error" in line]
        if errors:
            print(f"{name} server log has errors: {errors[:5]}")
    for count in args.clients:
        if ("app", count) not in results or ("bare", count) not in results:
            continue
        app, bare = results["app", count]["flood"], results["bare", count]["flood"]
        print(f"{count} clients: app/bare flood throughput {app['deliveries_s'] / bare['deliveries_s']:.2f}; "
              f"steady p99 app {results['app', count]['steady']['p99']:.1f} ms, "
              f"bare {results['bare', count]['steady']['p99']:.1f} ms")


if __name__ == "__main__":
    main()
