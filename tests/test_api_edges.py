"""Malformed input gets a clear 4xx with the error object, never a 500."""

import pytest

from tests.conftest import error_of
from tests.fixtures.people import registration

POSTS = ["/auth/register", "/auth/token", "/units", "/registrations/1/reject", "/staff", "/committee/members",
         "/me/password", "/me/accept-rules"]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("payload", [b"{not json", b"", b"[]", b'"text"', b"123", b"null", b"\xff\xfe"])
def test_malformed_bodies(api, admin, path, payload):
    r = api.post(path, user=admin, data=payload, content_type="application/json")
    assert 400 <= r.status_code < 500, (path, payload, r.status_code)
    assert error_of(r)["code"] in {"invalid", "forbidden", "not_found", "conflict"}


@pytest.mark.parametrize("path", POSTS)
def test_wrong_content_type(api, admin, path):
    r = api.post(path, user=admin, data="phone=1", content_type="application/x-www-form-urlencoded")
    assert 400 <= r.status_code < 500 and "error" in r.get_json()


@pytest.mark.parametrize("field", ["real_name", "phone", "password", "id_number", "unit", "relation",
                                   "accepted_rules_version"])
@pytest.mark.parametrize("value", [123, ["x"], {"a": 1}, True])
def test_wrong_types_in_registration(api, roster, field, value):
    data = registration()
    data[field] = value
    r = api.post("/auth/register", json=data)
    assert r.status_code == 400, (field, value)
    assert error_of(r)["field"] == field


@pytest.mark.parametrize("field", ["real_name", "phone", "password", "id_number", "relation",
                                   "accepted_rules_version"])
def test_missing_fields(api, roster, field):
    data = registration()
    del data[field]
    r = api.post("/auth/register", json=data)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_oversized_body_is_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    r = app.test_client().post("/api/v1/auth/register", data=b"{" + b" " * 4096 + b"}",
                               content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "invalid"


def test_token_with_wrong_types(api):
    for body in ({"phone": 1, "password": 2}, {"phone": None}, {"phone": ["a"], "password": {}}):
        r = api.post("/auth/token", json=body)
        assert r.status_code == 401 and error_of(r)["code"] == "invalid_credentials"


def test_unknown_api_path_is_json_404(api):
    r = api.get("/no-such-thing")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"


def test_wrong_method_is_json_405(api):
    r = api.call("PUT", "/me")
    assert r.status_code == 405 and "error" in r.get_json()


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=abc", "after=-1", "after=x", "status=bogus"])
def test_bad_list_parameters(api, staff, query):
    r = api.get(f"/registrations?{query}", user=staff)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid"


def test_messages_follow_the_request_language(api, roster):
    data = registration(phone="123")
    zh = error_of(api.post("/auth/register", json=data))["message"]
    en = error_of(api.post("/auth/register", json=data, headers={"Accept-Language": "en"}))["message"]
    assert en == "Enter a mainland mobile number of 11 digits."
    assert zh != en


def test_committee_appointment_rules(api, admin, owner, resident, pending):
    r = api.post("/committee/members", user=admin, json={"user_id": owner.id})
    assert r.status_code == 201 and r.get_json()["committee"] is True
    assert api.post("/committee/members", user=admin, json={"user_id": owner.id}).status_code == 409
    assert api.post("/committee/members", user=admin, json={"user_id": resident.id}).status_code == 400
    assert api.post("/committee/members", user=admin, json={"user_id": pending.id}).status_code == 400
    assert api.post("/committee/members", user=admin, json={"user_id": 9999}).status_code == 404
    r = api.post("/committee/members", user=admin, json={"user_id": "1"})
    assert r.status_code == 400 and error_of(r)["field"] == "user_id"
    assert api.delete(f"/committee/members/{owner.id}", user=admin).status_code == 204
    assert api.delete(f"/committee/members/{owner.id}", user=admin).status_code == 404


def test_committee_member_gains_audit_access(api, admin, owner):
    assert api.get("/audit", user=owner).status_code == 403
    api.post("/committee/members", user=admin, json={"user_id": owner.id})
    assert api.get("/audit", user=owner).status_code == 200


def test_admin_creates_staff(api, admin):
    body = {"real_name": "吴员工", "phone": "13600000001", "password": "staff-pass-1", "role": "staff"}
    r = api.post("/staff", user=admin, json=body)
    assert r.status_code == 201 and r.get_json()["role"] == "staff"
    assert api.post("/staff", user=admin, json=body).status_code == 409
    assert api.post("/staff", user=admin, json=body | {"phone": "13600000002", "role": "owner"}).status_code == 400
    token = api.post("/auth/token", json={"phone": "13600000001", "password": "staff-pass-1"}).get_json()["token"]
    assert api.get("/registrations", token=token).status_code == 200


def test_rules_are_public(api):
    body = api.get("/rules").get_json()
    assert body["version"] == 1 and body["clauses"][0]["id"] == "1.1"
    assert set(body["policy"]) >= {"words", "new_user_days", "new_user_max_links", "post_interval_s",
                                   "chat_interval_s", "chat_max_per_minute", "auto_hide_reports"}


def test_accept_rules(api, owner):
    assert api.post("/me/accept-rules", user=owner, json={"version": 1}).status_code == 200
    r = api.post("/me/accept-rules", user=owner, json={"version": 2})
    assert r.status_code == 400 and error_of(r)["field"] == "version"
