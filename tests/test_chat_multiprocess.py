"""Chat across real server processes that share a Redis message queue, with real python-socketio clients.

A message sent on one process reaches a client of another exactly once; a sanction, from whichever process it
comes, closes the user's sockets in every process; sockets refuse foreign origins; and the README's production
command serves chat."""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
import socketio
from sqlalchemy import create_engine, func, select

from community import create_app
from community.accounts import services as accounts
from community.chat.models import ChatConnection
from community.estate import services as estate
from community.extensions import db
from community.rules import services as rules
from tests.conftest import TEST_CONFIG
from tests.fixtures.people import PASSWORD, ROSTER, registration

pytestmark = pytest.mark.multiprocess

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("COMMUNITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WAIT = 10  # seconds for an event: generous for a busy two-core machine; the happy path takes milliseconds
STARTUP = 60  # seconds for a server to answer: about 2 s of imports, much longer when the cores are shared


def require_redis() -> None:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1) as probe:
            probe.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}; these tests need it (see .ci/run)")


@pytest.fixture(scope="module")
def people(database):
    """A migrated database with an estate, staff and three approved residents; answers the URL, each
    person's id and a bearer token."""
    require_redis()
    url = database("chat_multiprocess")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        estate.import_units(None, ROSTER, via="cli")
        admin = accounts.create_staff(None, {"real_name": "林管理", "phone": "13800000001", "password": PASSWORD,
                                             "role": "admin"}, via="cli")
        staff = accounts.create_staff(admin, {"real_name": "周前台", "phone": "13800000002", "password": PASSWORD,
                                              "role": "staff"})
        users = {"staff": staff}
        for name, unit in (("a", "1-1-101"), ("b", "2-1-102"), ("c", "2-1-101")):
            users[name] = accounts.register(registration(unit=unit, display_name=f"邻居{name.upper()}"))
            accounts.approve(staff, users[name].id)
        current = rules.current()
        current.policy = {**current.policy, "chat_interval_s": 0, "chat_max_per_minute": 1000}
        db.session.commit()
        found = {name: {"id": user.id, "token": accounts.issue_token(user)} for name, user in users.items()}
        db.session.remove()
        db.engine.dispose()
    return {"url": url, **found}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process on a loopback port, its output kept in a log file."""

    def __init__(self, argv: list[str], port: int, env: dict, log: Path):
        self.port, self.log = port, log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited early:\n{self.output()}"
            try:
                urllib.request.urlopen(self.url + "/api/v1/chat/rooms", timeout=1).close()
                return
            except urllib.error.HTTPError as error:  # 401: it answers
                error.close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server did not answer on port {self.port}:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful, quick once the clients have gone
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(people, channel: str) -> dict:
    return {**os.environ, "COMMUNITY_DATABASE_URL": people["url"], "COMMUNITY_SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
            "COMMUNITY_ID_HASH_KEY": TEST_CONFIG["ID_HASH_KEY"], "COMMUNITY_AUDIT_KEY": TEST_CONFIG["AUDIT_KEY"],
            "COMMUNITY_AUDIT_ANCHOR_PATH": TEST_CONFIG["AUDIT_ANCHOR_PATH"],
            "COMMUNITY_SOCKETIO_MESSAGE_QUEUE": REDIS_URL, "COMMUNITY_SOCKETIO_CHANNEL": channel}


@pytest.fixture(scope="module")
def channel():
    """A channel of its own, so that parallel runs on one Redis never hear each other."""
    return f"linli-test-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def servers(people, channel, tmp_path_factory):
    """Two server processes sharing the database and the Redis channel."""
    folder = tmp_path_factory.mktemp("servers")
    env = server_env(people, channel)
    started = []
    try:
        for n in (1, 2):
            port = free_port()
            started.append(Server([sys.executable, "tests/chat_server.py", "serve", str(port)], port, env,
                                  folder / f"server{n}.log"))
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()


class Client:
    """A python-socketio client on a real connection that keeps every event it is sent."""

    def __init__(self, url: str, token: str | None = None, transport: str = "websocket", origin: str | None = None):
        self.events: list[tuple[str, object]] = []
        self.disconnected = threading.Event()
        self._changed = threading.Condition()
        # websocket-client sends an Origin of its own (the server's) unless told which one to send
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin} if origin else {})
        self.sio.on("*", self._record)
        self.sio.on("disconnect", lambda *_reason: self.disconnected.set())
        self.sio.connect(url, auth={"token": token} if token else None, transports=[transport], wait_timeout=WAIT,
                         headers={"Origin": origin} if origin and transport == "polling" else {})

    def _record(self, event, data=None):
        with self._changed:
            self.events.append((event, data))
            self._changed.notify_all()

    def call(self, event: str, data: dict) -> dict:
        return self.sio.call(event, data, timeout=WAIT)

    def got(self, event: str) -> list:
        with self._changed:
            return [data for name, data in self.events if name == event]

    def wait_for(self, event: str, count: int = 1) -> list:
        with self._changed:
            self._changed.wait_for(lambda: len(self.got(event)) >= count, timeout=WAIT)
        return self.got(event)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        self.sio.eio.wait()  # its threads have ended (``sio.wait()`` would also sleep a second for reconnects)


@pytest.fixture
def connect():
    made = []

    def make(server, token=None, **options) -> Client:
        client = Client(server.url, token, **options)
        made.append(client)
        return client
    yield make
    # Together: a websocket client's close waits up to 3 s for a close frame its own reader has already taken.
    closing = [threading.Thread(target=client.close) for client in made]
    for thread in closing:
        thread.start()
    for thread in closing:
        thread.join()


def send(client: Client, body: str) -> int:
    ack = client.call("send", {"room": "lobby", "body": body, "client_id": uuid.uuid4().hex})
    assert ack["ok"] is True and ack["status"] == "visible", ack
    return ack["id"]


def connections_of(people, user_id: int) -> int:
    engine = create_engine(people["url"])
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(ChatConnection)
                               .where(ChatConnection.user_id == user_id))
    finally:
        engine.dispose()


def test_message_reaches_another_process_exactly_once(servers, people, connect):
    one, two = servers
    a, b = connect(one, people["a"]["token"], transport="polling"), connect(two, people["b"]["token"])
    assert a.call("join", {"room": "lobby"})["ok"] is True
    assert b.call("join", {"room": "lobby"})["ok"] is True
    first = send(a, "一号进程发出的第一条")
    assert [m["id"] for m in b.wait_for("message")] == [first]
    # Everything travels through one ordered Redis channel: a duplicate of the first would come before this.
    second = send(a, "一号进程发出的第二条")
    assert [m["id"] for m in b.wait_for("message", 2)] == [first, second]
    assert [m["id"] for m in a.wait_for("message", 2)] == [first, second]
    assert b.got("message")[0]["body_html"] == "一号进程发出的第一条"


def wait_until(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_disconnect_user_from_a_third_process_closes_sockets_everywhere(servers, people, connect, channel):
    one, two = servers
    a = connect(one, people["a"]["token"], transport="polling")
    b_far, b_near = connect(two, people["b"]["token"]), connect(one, people["b"]["token"], transport="polling")
    for client in (a, b_far, b_near):
        assert client.call("join", {"room": "lobby"})["ok"] is True
    user_b = people["b"]["id"]
    wait_until(lambda: connections_of(people, user_b) == 2, "both of b's sockets are recorded")

    outside = subprocess.run([sys.executable, "tests/chat_server.py", "disconnect", str(user_b)], cwd=ROOT,
                             env=server_env(people, channel), capture_output=True, text=True, timeout=60, check=False)
    assert outside.returncode == 0, outside.stderr
    assert outside.stdout.split()[-1] == "2"

    for client in (b_far, b_near):
        assert client.disconnected.wait(WAIT)
        assert client.got("sanctioned") == [{"kind": "suspend", "until": None}]
    assert a.got("sanctioned") == []
    assert a.sio.connected
    send(a, "我还在线")
    wait_until(lambda: connections_of(people, user_b) == 0, "each process forgot b's closed socket")


def test_suspension_by_staff_on_one_process_closes_the_socket_on_the_other(servers, people, connect):
    one, two = servers
    c = connect(two, people["c"]["token"])
    a = connect(two, people["a"]["token"], transport="polling")
    request = urllib.request.Request(
        one.url + "/api/v1/moderation/actions", method="POST",
        data=json.dumps({"action": "suspend", "target": f"user:{people['c']['id']}", "clause": "2.2",
                         "reason": "多次违规", "hours": 24}).encode(),
        headers={"Authorization": f"Bearer {people['staff']['token']}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=WAIT) as response:
        assert response.status == 201
    assert c.disconnected.wait(WAIT)
    (event,) = c.got("sanctioned")
    assert event["kind"] == "suspend" and event["until"]
    assert a.sio.connected and a.got("sanctioned") == []
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(two, people["c"]["token"])  # the suspension revoked the token


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_sockets_accept_their_own_origin_and_refuse_others(servers, people, connect, transport):
    one, _two = servers
    token = people["a"]["token"]
    own = connect(one, token, transport=transport, origin=one.url)
    assert own.call("join", {"room": "lobby"})["ok"] is True
    for origin in ("https://evil.example", f"http://localhost:{one.port}", f"https://127.0.0.1:{one.port}"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            connect(one, token, transport=transport, origin=origin)


def readme_production() -> tuple[list[str], dict]:
    """The gunicorn command and the Socket.IO settings from the README's Production section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    (line,) = [ln for ln in section.splitlines() if ln.startswith("gunicorn ")]
    exports = dict(re.findall(r"^export (COMMUNITY_SOCKETIO_ASYNC_MODE)=(\S+)", section, re.MULTILINE))
    return shlex.split(line, comments=True), exports


@pytest.fixture
def production_server(people, channel, tmp_path):
    """The README's gunicorn command on a free port, with this module's database and Redis channel."""
    argv, exports = readme_production()
    assert argv[0] == "gunicorn" and argv[argv.index("-w") + 1] == "1"
    port = free_port()
    argv[argv.index("-b") + 1] = f"127.0.0.1:{port}"
    env = {**server_env(people, channel), **exports, "COMMUNITY_ENV": "production"}
    server = Server([str(Path(sys.executable).parent / argv[0]), *argv[1:]], port, env, tmp_path / "gunicorn.log")
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


def test_readme_production_command_serves_chat(production_server, people, connect):
    listener = connect(production_server, people["staff"]["token"])
    sender = connect(production_server, people["a"]["token"], transport="polling")
    for client in (listener, sender):
        assert client.call("join", {"room": "lobby"})["ok"] is True
    sent = send(sender, "生产命令下的一条消息")
    assert sent in [m["id"] for m in listener.wait_for("message")]
    assert "Traceback" not in production_server.output(), production_server.output()
