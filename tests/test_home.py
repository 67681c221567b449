"""The home page's cards per role (from the policy), a bounded number of statements however much there is, and
the installable shell: manifest, service worker at the root scope, offline page."""

import json
import re

import pytest

from community.core import policy
from community.home import services
from tests.statements import recorded
from tests.test_board_views import sign_in
from tests.test_policy import actor


@pytest.mark.parametrize("role,cards", [
    ("owner", {"notices", "votes", "repairs", "messages", "chat"}),
    ("committee", {"notices", "votes", "repairs", "committee", "messages", "chat", "audit"}),
    ("staff", {"queues", "messages", "chat"}),
    ("admin", {"queues", "messages", "chat", "audit"}),
    ("vendor", {"messages", "chat"}),
])
def test_which_cards_each_role_sees(role, cards):
    assert set(policy.home_cards(actor(role))) == cards
    assert policy.home_cards(actor(role, status="pending")) == ()


@pytest.mark.parametrize("role", ["owner", "committee", "resident", "vendor", "staff", "admin"])
def test_at_most_five_tabs_with_home_first(role):
    tabs = policy.tabs(actor(role))
    assert tabs[0] == "home" and len(tabs) <= 5 and len(set(tabs)) == len(tabs)


def test_residents_have_repairs_in_the_tab_bar_and_staff_both_queues():
    assert "repairs" in policy.tabs(actor("owner")) and "repairs" in policy.tabs(actor("resident"))
    assert {"registrations", "moderation"} <= set(policy.tabs(actor("staff")))


def count_statements(fn):
    with recorded() as seen:
        fn()
    return len(seen)


def test_statement_count_is_bounded_whatever_the_estate_holds(app, everyone):
    from community.desk import tickets
    with app.test_request_context():
        before = {role: count_statements(lambda u=u: services.cards(u)) for role, u in everyone.items()}
        for i in range(6):  # more requests than a card lists
            tickets.file_ticket(everyone["owner"], "repair", {"category": "plumbing", "description": f"漏水 {i}",
                                                             "unit": "1-1-101"})
        after = {role: count_statements(lambda u=u: services.cards(u)) for role, u in everyone.items()}
    for role in everyone:
        assert after[role] <= 30, (role, after[role])
        assert after[role] <= before[role] + 1, (role, before[role], after[role])


def test_home_shows_cards_for_an_owner(client, owner):
    from tests.test_moderation_pages import sign_in as log_in
    html = log_in(client, owner).get("/").get_data(as_text=True)
    assert 'id="card-repairs"' in html and 'id="card-votes"' in html and 'aria-current="page"' in html
    assert 'href="/desk/repairs"' in html.split('class="bottomnav"')[1]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk, which the format puts first."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_manifest_is_valid_for_installation(client, owner):
    """What Chromium asks of an installable app: names, a start URL inside the scope, standalone display, a theme
    colour, and icons of 192 and 512 px that are PNGs of the sizes they declare; and every page links to it."""
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] and manifest["short_name"] and len(manifest["short_name"]) <= 12
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["start_url"].startswith(manifest["scope"])
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"]) and manifest["background_color"].startswith("#")
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and "any" in icon.get("purpose", "any").split()
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        width, height = png_size(image.get_data())
        image.close()
        assert f"{width}x{height}" == icon["sizes"], icon["src"]
    for path in ("/login", "/offline", "/"):
        if path == "/":
            sign_in(client, owner)
        page = client.get(path).get_data(as_text=True)
        assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in page, path
        if path != "/offline":  # the offline page is shown from the worker's cache, never installed from
            assert '<link rel="manifest" href="/manifest.webmanifest">' in page, path


def test_service_worker_at_the_root_caches_the_shell_and_the_offline_page(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    assert "/static/css/app.css" in body and "/offline" in body and "/static/icons/icon-192.png" in body
    offline = client.get("/offline")
    assert offline.status_code == 200 and 'id="offline"' in offline.get_data(as_text=True)
