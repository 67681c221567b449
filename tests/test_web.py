"""The HTML side: security headers, CSRF, and the flows people use, over the test client."""

import re

import pytest

from tests.fixtures.people import PASSWORD, id_number


def csrf_from(html: str) -> str:
    match = re.search(r'name="(?:[\w-]+-)?csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def csrf_client(make_app, roster, staff):
    app = make_app(WTF_CSRF_ENABLED=True)
    return app.test_client()


def test_security_headers(client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in r.get_data(as_text=True) and " on" not in re.sub(r"\s+on[a-z]+=", " X", "")


def test_no_inline_script_or_handlers_on_pages(client):
    for path in ("/login", "/register", "/rules"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "http://" not in html and "https://" not in html, f"{path} loads something from elsewhere"


def test_session_cookie_flags(csrf_client, staff):
    page = csrf_client.get("/login").get_data(as_text=True)
    r = csrf_client.post("/login", data={"phone": staff.phone, "password": PASSWORD, "csrf_token": csrf_from(page)})
    cookie = r.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_in_production(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_login_form_needs_csrf(csrf_client, staff):
    r = csrf_client.post("/login", data={"phone": staff.phone, "password": PASSWORD})
    assert r.status_code == 400


def test_session_api_writes_need_csrf(csrf_client, staff, pending):
    page = csrf_client.get("/login").get_data(as_text=True)
    csrf_client.post("/login", data={"phone": staff.phone, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert csrf_client.get("/api/v1/me").status_code == 200
    r = csrf_client.post(f"/api/v1/registrations/{pending.id}/approve")
    assert r.status_code == 400 and r.get_json()["error"]["field"] == "csrf_token"
    token = csrf_from(csrf_client.get("/staff/registrations").get_data(as_text=True))
    r = csrf_client.post(f"/api/v1/registrations/{pending.id}/approve", headers={"X-CSRFToken": token})
    assert r.status_code == 200


def test_bearer_api_needs_no_csrf(make_app, roster):
    from community.accounts import services
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        services.create_staff(None, {"real_name": "周", "phone": "13800000005", "password": PASSWORD}, via="cli")
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"phone": "13800000005", "password": PASSWORD}).get_json()["token"]
    assert client.get("/api/v1/registrations", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_register_page_flow(csrf_client):
    page = csrf_client.get("/register").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "real_name": "孙九", "phone": "13512345678", "password": PASSWORD,
            "id_number": id_number(321), "relation": "tenant", "unit": "2-1-102", "accept_rules": "y",
            "accepted_rules_version": "1"}
    bad = dict(form, id_number="110101199001011234")
    r = csrf_client.post("/register", data=bad)
    assert r.status_code == 200 and 'class="field has-error"' in r.get_data(as_text=True)
    r = csrf_client.post("/register", data=form)
    assert r.status_code == 302 and r.headers["Location"].endswith("/status")
    status = csrf_client.get("/status").get_data(as_text=True)
    assert 'data-status="pending"' in status
    assert csrf_client.get("/").status_code == 302  # not approved yet: sent back to the status page


def test_register_requires_rules_acceptance(csrf_client):
    page = csrf_client.get("/register").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "real_name": "孙九", "phone": "13512345678", "password": PASSWORD,
            "id_number": id_number(321), "relation": "tenant", "unit": "2-1-102", "accepted_rules_version": "1"}
    r = csrf_client.post("/register", data=form)
    assert r.status_code == 200 and "has-error" in r.get_data(as_text=True)


def login(client, phone, password=PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"phone": phone, "password": password, "csrf_token": csrf_from(page)})


def test_staff_approves_and_rejects_on_the_web(csrf_client, make_user):
    first, second = make_user(approve=False), make_user(approve=False)
    login(csrf_client, "13800000002")
    queue = csrf_client.get("/staff/registrations").get_data(as_text=True)
    token = csrf_from(queue)
    assert f'data-id="{first.id}"' in queue and f'data-id="{second.id}"' in queue
    r = csrf_client.post(f"/staff/registrations/{first.id}/approve", data={"csrf_token": token})
    assert r.status_code == 302
    r = csrf_client.post(f"/staff/registrations/{second.id}/reject", data={"csrf_token": token, "reason": "证件不符"})
    assert r.status_code == 302
    approved = csrf_client.get("/staff/registrations?status=approved").get_data(as_text=True)
    assert f'data-id="{first.id}"' in approved
    rejected = csrf_client.get("/staff/registrations?status=rejected").get_data(as_text=True)
    assert "证件不符" in rejected


def test_rejected_applicant_sees_reason_on_login(csrf_client, make_user, staff):
    from community.accounts import services
    user = make_user(approve=False)
    services.reject(staff, user.id, "请上传正确的单元号")
    r = login(csrf_client, user.phone)
    assert r.headers["Location"].endswith("/status")
    page = csrf_client.get("/status").get_data(as_text=True)
    assert 'data-status="rejected"' in page and "请上传正确的单元号" in page


def test_owner_lands_on_home(csrf_client, owner):
    r = login(csrf_client, owner.phone)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    home = csrf_client.get("/").get_data(as_text=True)
    assert "一栋老王" in home and "1-1-101" in home


def test_wrong_password_page(csrf_client, owner):
    r = login(csrf_client, owner.phone, "not-the-password")
    assert r.status_code == 401 and 'role="alert"' in r.get_data(as_text=True)


def test_login_next_must_be_local(csrf_client, owner):
    page = csrf_client.get("/login").get_data(as_text=True)
    r = csrf_client.post("/login?next=//evil.example/x",
                         data={"phone": owner.phone, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert r.headers["Location"] == "/"


def test_logout(csrf_client, owner):
    login(csrf_client, owner.phone)
    token = csrf_from(csrf_client.get("/").get_data(as_text=True))
    csrf_client.post("/logout", data={"csrf_token": token})
    assert csrf_client.get("/").status_code == 302


def test_password_change_ends_web_sessions(make_app, owner):
    app = make_app(WTF_CSRF_ENABLED=True)
    phone_a, phone_b = app.test_client(), app.test_client()
    login(phone_a, owner.phone)
    login(phone_b, owner.phone)
    assert phone_b.get("/").status_code == 200
    page = phone_a.get("/account/password").get_data(as_text=True)
    r = phone_a.post("/account/password", data={"csrf_token": csrf_from(page), "old_password": PASSWORD,
                                                 "new_password": "brand-new-pass-5"})
    assert r.status_code == 302
    assert phone_b.get("/").status_code == 302


def test_admin_people_page(make_app, admin, owner):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login(client, admin.phone)
    page = client.get("/admin/people").get_data(as_text=True)
    token = csrf_from(page)
    r = client.post("/admin/people", data={"csrf_token": token, "committee-submit": "1",
                                           "committee-csrf_token": token, "committee-user_id": str(owner.id)})
    assert r.status_code in (200, 302)
    page = client.get("/admin/people").get_data(as_text=True)
    assert "一栋老王" in page
    r = client.post("/admin/people", data={"staff-csrf_token": token, "staff-submit": "1",
                                           "staff-real_name": "新同事", "staff-phone": "13611112222",
                                           "staff-password": "new-staff-pass", "staff-role": "staff"})
    assert r.status_code == 302
    assert "新同事" in client.get("/admin/people").get_data(as_text=True)


def test_committee_audit_page(client, committee_member):
    with client.session_transaction() as session:
        session["_user_id"] = committee_member.get_id()
    page = client.get("/committee/audit?verify=1").get_data(as_text=True)
    assert 'id="chain-ok"' in page and "registration.approved" in page


def test_language_switch(client):
    en = client.get("/login?lang=en")
    assert "lang=" in en.headers.get("Set-Cookie", "")
    assert '<html lang="en">' in en.get_data(as_text=True)
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)  # the cookie keeps it
    assert '<html lang="zh-CN">' in client.get("/login?lang=zh").get_data(as_text=True)


def test_chinese_is_the_default(client):
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
