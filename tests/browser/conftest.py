"""Browser fixtures: the app served over real HTTP from a background thread (or, for live chat, from a server
process that speaks Socket.IO), and the system Chromium driven through Playwright at phone sizes. Every console
error and uncaught page error fails the test."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import TEST_CONFIG

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
STARTUP = 60  # seconds for a server process to answer: about 2 s of imports, longer on shared cores
# What Chromium logs while a server is down on purpose, and nothing else.
UNREACHABLE = re.compile(r"net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE)"
                         r"|WebSocket connection to 'ws://127\.0\.0\.1:\d+/socket\.io/.*' failed")


@pytest.fixture
def live_server(app, make_app):
    """Serve a second app on the database that `app` (and the people fixtures) write to, with real CSRF."""
    served = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    # A short poll interval: shutdown() waits for the serving loop to notice it.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server",
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Phones:
    """Opens pages in fresh browser contexts (one person each) and records what went wrong in them."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.contexts = []
        self.errors: list[str] = []

    def open(self, width: int = 390, height: int = 844, locale: str = "zh-CN", service_workers: str = "block"):
        """A phone of its own; the service worker is blocked unless a test is about it, so that its background
        fetches of the shell do not race the page under test."""
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}, device_scale_factor=2,
            is_mobile=True, has_touch=True, locale=locale, service_workers=service_workers)
        context.set_default_timeout(10_000)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(f"page error: {error.error}"))
        self.contexts.append(context)
        return context.new_page()

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console error on {message.location.get('url')}: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    @contextmanager
    def server_down(self):
        """While the server is down on purpose, failed connections are forgiven; any other error still counts.
        Leave the block only once the pages are connected again."""
        start = len(self.errors)
        yield
        during = self.errors[start:]
        del self.errors[start:]
        self.errors += [error for error in during if not UNREACHABLE.search(error)]


@pytest.fixture
def phones(browser, live_server):
    """Closed before the server stops, so that no keep-alive connection outlives it."""
    opened = Phones(browser, live_server)
    yield opened
    opened.close()
    assert not opened.errors, "\n".join(opened.errors)


@pytest.fixture
def phone(phones):
    return phones.open()



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """The app in its own process as ``socketio.run`` serves it (tests/chat_server.py), on the database the test
    writes to: the in-thread live server above speaks no Socket.IO. ``kill`` and ``start`` again on the same port
    stand in for a crash and a restart."""

    def __init__(self, database_url: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {**os.environ, "COMMUNITY_DATABASE_URL": database_url,
                    "COMMUNITY_SECRET_KEY": TEST_CONFIG["SECRET_KEY"],  # the same keys as the test's own app
                    "COMMUNITY_ID_HASH_KEY": TEST_CONFIG["ID_HASH_KEY"], "COMMUNITY_AUDIT_KEY": TEST_CONFIG["AUDIT_KEY"],
                    "COMMUNITY_AUDIT_ANCHOR_PATH": str(log.parent / "audit_anchors.log")}
        for name in ("COMMUNITY_SOCKETIO_MESSAGE_QUEUE", "COMMUNITY_SOCKETIO_CHANNEL"):
            self.env.pop(name, None)
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, "tests/chat_server.py", "serve", str(self.port)],
                                            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited early:\n{self.output()}"
            try:
                urllib.request.urlopen(self.url + "/api/v1/rules", timeout=1).close()
                return
            except urllib.error.HTTPError as error:  # it answers
                error.close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"server did not answer on port {self.port}:\n{self.output()}")

    def kill(self) -> None:
        """Gone at once, as in a crash: no goodbye to the sockets."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def server_process(app, tmp_path):
    """A Socket.IO-speaking server process on the test's database (data made through services first)."""
    server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def socket_phones(browser, server_process):
    """Phones on the server process, which serves the pages and live chat alike."""
    opened = Phones(browser, server_process.url)
    yield opened
    opened.close()
    assert not opened.errors, "\n".join(opened.errors)
