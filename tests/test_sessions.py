"""Sessions that end: logout kills copied cookies, idle and absolute expiry, log out everywhere, safe next."""

from datetime import timedelta

import pytest

from community.accounts import services as accounts
from community.core.timeutil import frozen, utcnow
from community.core.web import safe_next
from tests.fixtures.people import PASSWORD


def _login(client, phone, next_=None):
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"phone": phone, "password": PASSWORD})


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_copied_cookie_is_refused_after_logout(app, owner):
    browser, thief = app.test_client(), app.test_client()
    _login(browser, owner.phone)
    thief.set_cookie("session", _cookie(browser))
    assert thief.get("/").status_code == 200
    browser.post("/logout")
    assert thief.get("/").status_code == 302 and "/login" in thief.get("/").headers["Location"]
    assert thief.get("/api/v1/me").status_code == 401


def test_logout_leaves_other_devices_signed_in(app, owner):
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, owner.phone)
    _login(laptop, owner.phone)
    phone.post("/logout")
    assert laptop.get("/").status_code == 200


def test_log_out_everywhere_ends_sessions_and_tokens(app, api, owner):
    browser, other = app.test_client(), app.test_client()
    _login(browser, owner.phone)
    _login(other, owner.phone)
    token = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    page = browser.get("/").get_data(as_text=True)
    assert 'id="logout-everywhere"' in page and 'id="active-sessions"' in page
    r = browser.post("/account/sessions/end")
    assert r.status_code == 302
    assert other.get("/").status_code == 302
    assert api.get("/me", token=token).status_code == 401


def test_log_out_everywhere_by_api(api, owner):
    first = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    second = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    assert api.get("/me/sessions", token=first).get_json()["tokens"] >= 2
    assert api.delete("/me/sessions", token=first).status_code == 204
    assert api.get("/me", token=first).status_code == 401 and api.get("/me", token=second).status_code == 401


def test_idle_web_session_expires(make_app, owner):
    app = make_app(SESSION_IDLE_DAYS=30)
    client = app.test_client()
    _login(client, owner.phone)
    with frozen(utcnow() + timedelta(days=20)):
        assert client.get("/").status_code == 200  # use keeps it alive
    with frozen(utcnow() + timedelta(days=45)):
        assert client.get("/").status_code == 200
    with frozen(utcnow() + timedelta(days=80)):
        assert client.get("/").status_code == 302


def test_web_session_has_an_absolute_maximum(make_app, owner):
    app = make_app(SESSION_IDLE_DAYS=30, SESSION_MAX_DAYS=60)
    client = app.test_client()
    _login(client, owner.phone)
    for day in (25, 50):
        with frozen(utcnow() + timedelta(days=day)):
            assert client.get("/").status_code == 200
    with frozen(utcnow() + timedelta(days=61)):
        assert client.get("/").status_code == 302


def test_tokens_expire_idle_and_at_the_maximum(make_app, owner):
    from tests.conftest import Api
    app = make_app(SESSION_IDLE_DAYS=30, SESSION_MAX_DAYS=60)
    api = Api(app.test_client())
    token = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    idle = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    with frozen(utcnow() + timedelta(days=25)):
        assert api.get("/me", token=token).status_code == 200
    with frozen(utcnow() + timedelta(days=35)):
        assert api.get("/me", token=idle).status_code == 401
        assert api.get("/me", token=token).status_code == 200
    with frozen(utcnow() + timedelta(days=61)):
        assert api.get("/me", token=token).status_code == 401


def test_password_change_ends_web_sessions(app, owner):
    browser, other = app.test_client(), app.test_client()
    _login(browser, owner.phone)
    _login(other, owner.phone)
    browser.post("/account/password", data={"old_password": PASSWORD, "new_password": "a-new-passphrase-7"})
    assert other.get("/").status_code == 302


def test_sanction_ends_sessions_through_the_one_function(app, owner, monkeypatch):
    seen = []
    real = accounts.end_sessions
    monkeypatch.setattr(accounts, "end_sessions", lambda user, reason: (seen.append(reason), real(user, reason)))
    accounts.revoke_all_tokens(owner)
    assert seen == ["sanction"]


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "//evil.example", "https://evil.example", "/%0d%0aSet-Cookie:x=1", "%0d%0a",
    "/\\evil.example", "\\\\evil.example", "/%0a/evil.example", "http:/evil.example", "javascript:alert(1)",
    "/%00", "", "%ff%fe", "/" + "a" * 3000, "///evil.example", " //evil.example",
])
def test_next_after_login_lands_on_this_site(client, owner, target):
    r = _login(client, owner.phone, target)
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location


def test_a_same_site_next_is_followed(client, owner):
    r = _login(client, owner.phone, "/boards?x=1")
    assert r.status_code == 302 and r.headers["Location"] == "/boards?x=1"


@pytest.mark.parametrize("target,expected", [
    ("/votes", "/votes"), ("/a/b?c=d#e", "/a/b?c=d#e"), ("/\t/evil.example", None), ("/\r\n", None),
    ("//x", None), ("/\\x", None), ("x", None), (None, None), (42, None),
])
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_registering_signs_in_with_a_server_side_session(app, roster):
    from tests.fixtures.people import registration
    browser, thief = app.test_client(), app.test_client()
    data = registration()
    form = {k: v for k, v in data.items() if v is not None} | {"accept_rules": "y"}
    assert browser.post("/register", data=form).status_code == 302
    assert browser.get_cookie("session") is not None
    thief.set_cookie("session", _cookie(browser))
    assert thief.get("/status").status_code == 200
    browser.post("/logout")
    assert thief.get("/status").status_code == 302


def test_logout_with_a_cookie_naming_no_session_ends_them_all(app, owner):
    browser, thief = app.test_client(), app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = owner.get_id()
    thief.set_cookie("session", _cookie(browser))
    assert thief.get("/").status_code == 200
    browser.post("/logout")
    assert thief.get("/").status_code == 302


def test_a_copied_cookie_cannot_open_a_socket_after_logout(app, owner):
    from tests.test_chat import Socket
    browser, thief = app.test_client(), app.test_client()
    _login(browser, owner.phone)
    thief.set_cookie("session", _cookie(browser))
    before = Socket(app, None, flask_client=thief)
    assert before.connected
    before.disconnect()
    browser.post("/logout")
    after = Socket(app, None, flask_client=thief)
    assert not after.connected
