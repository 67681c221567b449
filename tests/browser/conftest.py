"""Browser fixtures: the app served over real HTTP from a background thread, and the system Chromium
driven through Playwright at phone sizes. Every console error and uncaught page error fails the test."""

import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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

    def open(self, width: int = 390, height: int = 844, locale: str = "zh-CN"):
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}, device_scale_factor=2,
            is_mobile=True, has_touch=True, locale=locale)
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

