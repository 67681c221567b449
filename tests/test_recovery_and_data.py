"""Password recovery at the front desk; the owner's own data: export and closing."""

import json
from datetime import timedelta

from sqlalchemy import inspect, select, text

from community.accounts import privacy
from community.accounts.models import User
from community.core.timeutil import frozen, utcnow
from community.extensions import db
from community.jobs import run_all
from tests.conftest import error_of
from tests.fixtures.people import PASSWORD

NEW = "a-new-passphrase-7"


def _code(api, staff, user):
    r = api.post(f"/users/{user.id}/reset-code", user=staff)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _reset(api, phone, code, password=NEW):
    return api.post("/auth/reset-password", json={"phone": phone, "code": code, "password": password})


def test_reset_code_works_once_and_ends_every_session(app, api, staff, owner, admin):
    browser = app.test_client()
    browser.post("/login", data={"phone": owner.phone, "password": PASSWORD})
    token = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    issued = _code(api, staff, owner)
    assert len(issued["code"]) == 8 and issued["expires_at"].endswith("Z")
    assert _reset(api, owner.phone, issued["code"]).get_json() == {"ok": True}
    assert api.get("/me", token=token).status_code == 401
    assert browser.get("/").status_code == 302
    assert api.post("/auth/token", json={"phone": owner.phone, "password": NEW}).status_code == 200
    again = _reset(api, owner.phone, issued["code"], "yet-another-pass-9")
    assert again.status_code == 401 and error_of(again)["code"] == "invalid_credentials"
    log = [e["action"] for e in api.get("/audit?limit=200", user=admin).get_json()["items"]]
    assert "account.reset_code_issued" in log and "account.password_reset" in log


def test_reset_code_expires_after_30_minutes(api, staff, owner):
    issued = _code(api, staff, owner)
    with frozen(utcnow() + timedelta(minutes=31)):
        assert _reset(api, owner.phone, issued["code"]).status_code == 401
    assert api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).status_code == 200


def test_a_new_code_voids_the_old_and_other_phones_do_not_match(api, staff, owner, resident):
    first = _code(api, staff, owner)
    second = _code(api, staff, owner)
    assert _reset(api, owner.phone, first["code"]).status_code == 401
    assert _reset(api, resident.phone, second["code"]).status_code == 401
    assert _reset(api, owner.phone, second["code"]).status_code == 200


def test_only_staff_issue_codes_and_they_are_throttled(api, everyone):
    owner = everyone["owner"]
    for role in ("owner", "committee", "resident", "vendor"):
        assert api.post(f"/users/{owner.id}/reset-code", user=everyone[role]).status_code == 403
    for _ in range(3):
        _code(api, everyone["staff"], owner)
    r = api.post(f"/users/{owner.id}/reset-code", user=everyone["staff"])
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert api.post(f"/users/{everyone['admin'].id}/reset-code", user=everyone["staff"]).status_code == 404


def test_wrong_codes_are_throttled(make_app, owner):
    app = make_app(LOGIN_LIMIT_PER_PHONE="3 per 5 minutes")
    client = app.test_client()
    for _ in range(3):
        r = client.post("/api/v1/auth/reset-password", json={"phone": owner.phone, "code": "00000000",
                                                              "password": NEW})
        assert r.status_code == 401
    r = client.post("/api/v1/auth/reset-password", json={"phone": owner.phone, "code": "00000000",
                                                          "password": NEW})
    assert r.status_code == 429


def test_forgot_password_page_and_staff_desk_page(app, api, staff, owner):
    desk = app.test_client()
    desk.post("/login", data={"phone": staff.phone, "password": PASSWORD})
    page = desk.post("/staff/reset-codes", data={"code-phone": owner.phone, "code-checked": "y"})
    text_ = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="issued-code"' in text_ and page.headers["Cache-Control"] == "no-store"
    code = text_.split('class="code-big"><code>')[1][:8]
    person = app.test_client()
    assert 'id="forgot-link"' in person.get("/login").get_data(as_text=True)
    assert person.get("/forgot-password").status_code == 200
    r = person.post("/forgot-password", data={"phone": owner.phone, "code": code, "password": NEW})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert person.post("/login", data={"phone": owner.phone, "password": NEW}).status_code == 302


# ---- my data ----------------------------------------------------------------------------------

def test_export_has_the_callers_data_and_nobody_elses(api, everyone):
    owner, resident = everyone["owner"], everyone["resident"]
    thread = api.post("/boards/neighbours/threads", user=owner, json={"title": "楼下停车", "body": "车位问题"})
    assert thread.status_code == 201
    api.post("/boards/neighbours/threads", user=resident, json={"title": "租客的帖子", "body": "别人的内容"})
    r = api.get("/me/export", user=owner)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    body = r.get_json()
    assert body["account"]["real_name"] == "王伟" and body["account"]["phone"] == owner.phone
    dump = json.dumps(body, ensure_ascii=False)
    assert "楼下停车" in dump and "车位问题" in dump
    for other in (resident, everyone["committee"], everyone["staff"]):
        assert other.phone not in dump and other.real_name not in dump
    assert "别人的内容" not in dump
    assert "password_hash" not in dump and "token_hash" not in dump and owner.id_hash not in dump
    assert body["records"]["user_units"] and body["records"]["registrations"]
    assert api.get("/me/export").status_code == 401


def test_my_data_page(client, owner):
    client.post("/login", data={"phone": owner.phone, "password": PASSWORD})
    page = client.get("/account/data").get_data(as_text=True)
    assert 'id="download-export"' in page and 'id="close-account"' in page and owner.phone in page


def _dump() -> str:
    """Every row of every table, as text: what a database dump would hold."""
    rows = []
    for table in inspect(db.engine).get_table_names():
        rows += [repr(tuple(r)) for r in db.session.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(rows)


def test_closed_account_is_purged_after_the_retention_period(app, api, everyone):
    resident = everyone["resident"]
    thread_id = api.post("/boards/neighbours/threads", user=resident,
                         json={"title": "求推荐保洁", "body": "谢谢"}).get_json()["id"]
    token = api.token_for(resident)
    phone, name, digest = resident.phone, resident.real_name, resident.id_hash
    r = api.post("/me/close", token=token, json={"password": "wrong-password-1"})
    assert r.status_code == 400 and error_of(r)["field"] == "password"
    assert api.post("/me/close", token=token, json={"password": PASSWORD}).status_code == 204
    assert api.get("/me", token=token).status_code == 401
    assert api.post("/auth/token", json={"phone": phone, "password": PASSWORD}).status_code == 401
    author = api.get(f"/threads/{thread_id}", user=everyone["owner"]).get_json()["author"]
    assert author["display_name"] == "已注销用户"
    with frozen(utcnow() + timedelta(days=app.config["CLOSED_RETENTION_DAYS"] - 1)):
        assert run_all()["accounts"]["purged"] == 0
    assert phone in _dump()
    with frozen(utcnow() + timedelta(days=app.config["CLOSED_RETENTION_DAYS"] + 1)):
        assert run_all()["accounts"]["purged"] == 1
        assert run_all()["accounts"]["purged"] == 0  # idempotent
    dump = _dump()
    assert phone not in dump and name not in dump and digest not in dump
    assert api.get(f"/threads/{thread_id}", user=everyone["owner"]).get_json()["title"] == "求推荐保洁"
    assert api.get("/audit/verify", user=everyone["admin"]).get_json()["ok"] is True


def test_staff_close_an_account_only_without_units(api, everyone):
    owner = everyone["owner"]
    r = api.post(f"/users/{owner.id}/close", user=everyone["staff"], json={"reason": "房屋已出售"})
    assert r.status_code == 409
    vendor = everyone["vendor"]
    assert api.post(f"/users/{vendor.id}/close", user=everyone["staff"], json={}).status_code == 400
    r = api.post(f"/users/{vendor.id}/close", user=everyone["staff"], json={"reason": "合作结束"})
    assert r.status_code == 200 and r.get_json()["closed_at"].endswith("Z")
    assert db.session.scalar(select(User.closed_at).where(User.id == vendor.id)) is not None
    assert api.post(f"/users/{vendor.id}/close", user=everyone["committee"], json={"reason": "x"}).status_code == 403


def test_export_leaves_out_other_peoples_ids(everyone):
    """Staff's rows name the people they acted on (an approval, a sanction): those ids are blanked."""
    from community.accounts import services as accounts
    from community.extensions import Base
    staff = everyone["staff"]
    accounts.issue_token(staff)
    body = privacy.export(staff)
    checked = 0
    for table, rows in body["records"].items():
        columns = [c.name for c in privacy._user_columns(Base.metadata.tables[table])]
        for row in rows:
            for name in columns:
                assert row[name] in (None, staff.id), (table, name)
                checked += 1
    assert checked and "registrations" not in body["records"]  # the approvals staff decided are not theirs
    assert body["acted_on_others"]["registrations.decided_by_id"] == 4


def test_demo_shows_an_unverified_owner_and_a_closed_account(app):
    from community import demo
    from community.boards.models import Thread
    demo.seed()
    unverified = db.session.scalar(select(User).where(User.phone == "13900000031"))
    assert unverified.role == "resident" and unverified.registration.ownership == "unverified"
    closed = db.session.scalar(select(User).where(User.phone == "13900000032"))
    thread = db.session.scalar(select(Thread).where(Thread.author_id == closed.id))
    assert closed.closed_at is not None and thread is not None


def test_staff_close_an_account_on_the_desk_page(app, everyone):
    desk = app.test_client()
    desk.post("/login", data={"phone": everyone["staff"].phone, "password": PASSWORD})
    owner, vendor = everyone["owner"], everyone["vendor"]
    page = desk.post("/staff/reset-codes", data={"close-phone": owner.phone, "close-reason": "已售",
                                                 "close-confirm": "y"}).get_data(as_text=True)
    assert "record the sale on the roster first" in page or "请先在花名册中登记过户" in page
    r = desk.post("/staff/reset-codes", data={"close-phone": vendor.phone, "close-reason": "合作结束",
                                              "close-confirm": "y"})
    assert r.status_code == 302
    assert db.session.scalar(select(User.closed_at).where(User.id == vendor.id)) is not None
