from community.accounts import services as accounts
from tests.conftest import error_of
from tests.fixtures.people import PASSWORD


def login(api, phone, password=PASSWORD):
    return api.post("/auth/token", json={"phone": phone, "password": password})


def test_token_login_and_me(api, owner):
    r = login(api, owner.phone)
    assert r.status_code == 200
    body = r.get_json()
    assert body["token"] and body["user"]["id"] == owner.id
    me = api.get("/me", token=body["token"]).get_json()
    assert set(me) >= {"id", "display_name", "real_name", "phone", "role", "relation", "unit", "committee",
                       "status", "muted_until", "accepted_rules_version"}
    assert me["real_name"] == "王伟" and me["phone"] == owner.phone and me["accepted_rules_version"] == 1


def test_wrong_password_and_unknown_phone_are_401(api, owner):
    for phone, password in ((owner.phone, "wrong-password"), ("13999999999", PASSWORD), ("", "")):
        r = login(api, phone, password)
        assert r.status_code == 401 and error_of(r)["code"] == "invalid_credentials"


def test_logout_revokes_the_token(api, owner):
    token = login(api, owner.phone).get_json()["token"]
    assert api.delete("/auth/token", token=token).status_code == 204
    r = api.get("/me", token=token)
    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated"


def test_other_tokens_survive_one_logout(api, owner):
    first = login(api, owner.phone).get_json()["token"]
    second = login(api, owner.phone).get_json()["token"]
    api.delete("/auth/token", token=first)
    assert api.get("/me", token=second).status_code == 200


def test_password_change_revokes_every_token(api, owner):
    token = login(api, owner.phone).get_json()["token"]
    other = login(api, owner.phone).get_json()["token"]
    r = api.post("/me/password", token=token, json={"old_password": PASSWORD, "new_password": "a-new-passphrase-7"})
    assert r.status_code == 204
    assert api.get("/me", token=token).status_code == 401
    assert api.get("/me", token=other).status_code == 401
    assert login(api, owner.phone).status_code == 401
    assert login(api, owner.phone, "a-new-passphrase-7").status_code == 200


def test_password_change_checks_old_and_new(api, owner):
    token = login(api, owner.phone).get_json()["token"]
    r = api.post("/me/password", token=token, json={"old_password": "nope-nope-nope", "new_password": "x-y-z-1234"})
    assert r.status_code == 400 and error_of(r)["field"] == "old_password"
    r = api.post("/me/password", token=token, json={"old_password": PASSWORD, "new_password": "12345678"})
    assert r.status_code == 400 and error_of(r)["field"] == "new_password"


def test_garbage_and_missing_tokens(api, owner):
    assert api.get("/me").status_code == 401
    assert api.get("/me", token="not-a-token").status_code == 401
    r = api.get("/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


def test_repeated_failures_per_phone_answer_429(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="3 per 5 minutes", LOGIN_LIMIT_PER_ADDRESS="100 per 5 minutes")
    client = app.test_client()
    with app.app_context():
        phone = accounts.create_staff(None, {"real_name": "周", "phone": "13800000002", "password": PASSWORD},
                                      via="cli").phone
    for _ in range(3):
        assert client.post("/api/v1/auth/token", json={"phone": phone, "password": "bad-bad-bad"}).status_code == 401
    r = client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD})
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "rate_limited" and int(r.headers["Retry-After"]) > 0
    # Another phone from the same address is not locked out by this phone's failures.
    other = client.post("/api/v1/auth/token", json={"phone": "13911112222", "password": "x"})
    assert other.status_code == 401


def test_repeated_failures_per_address_answer_429(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="100 per 5 minutes", LOGIN_LIMIT_PER_ADDRESS="4 per 5 minutes")
    client = app.test_client()
    for i in range(4):
        client.post("/api/v1/auth/token", json={"phone": f"1391111000{i}", "password": "bad-bad-bad"})
    r = client.post("/api/v1/auth/token", json={"phone": "13911110009", "password": "bad-bad-bad"})
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_web_login_failures_share_the_limit(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="2 per 5 minutes")
    client = app.test_client()
    for _ in range(2):
        assert client.post("/login", data={"phone": "13911112222", "password": "bad-bad-bad"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"phone": "13911112222", "password": "x"}).status_code == 429
    page = client.post("/login", data={"phone": "13911112222", "password": "bad-bad-bad"})
    assert page.status_code == 429 and "Retry-After" in page.headers


def test_successful_logins_do_not_count(make_app):
    app = make_app(LOGIN_LIMIT_PER_PHONE="2 per 5 minutes")
    client = app.test_client()
    with app.app_context():
        user = accounts.create_staff(None, {"real_name": "周", "phone": "13800000002", "password": PASSWORD},
                                     via="cli")
        phone = user.phone
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json={"phone": phone, "password": PASSWORD}).status_code == 200


def test_standing_is_checked_on_every_call_not_only_by_revoked_tokens(api, client, owner, staff):
    """A suspension in force refuses the API and the pages even for a credential nobody revoked."""
    from datetime import timedelta

    from community.core.timeutil import utcnow
    from community.extensions import db
    from community.moderation.models import Sanction

    token = api.token_for(owner)
    with client.session_transaction() as session:
        session["_user_id"] = owner.get_id()
    db.session.add(Sanction(user_id=owner.id, kind="suspend", clause="2.2", reason="x", created_by_id=staff.id,
                            created_at=utcnow(), ends_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    r = api.get("/me", token=token)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "suspended"
    page = client.get("/boards")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    with client.session_transaction() as session:
        assert "_user_id" not in session
