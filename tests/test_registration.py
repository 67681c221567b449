import pytest

from tests.conftest import error_of
from tests.fixtures.people import PASSWORD, id_number, registration


def test_register_pending_with_roster_match(api, roster):
    data = registration(real_name="张敏", id_number=id_number(3), unit="2-1-101", relation="owner")
    r = api.post("/auth/register", json=data)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["status"] == "pending" and body["roster_match"] is True and isinstance(body["id"], int)


def test_owner_claim_not_on_roster_is_flagged(api, roster):
    data = registration(real_name="张敏", id_number=id_number(99), unit="2-1-101", relation="owner")
    r = api.post("/auth/register", json=data)
    assert r.status_code == 201
    assert r.get_json()["roster_match"] is False


def test_wrong_name_is_not_a_match(api, roster):
    data = registration(real_name="张三", id_number=id_number(3), unit="2-1-101", relation="owner")
    assert api.post("/auth/register", json=data).get_json()["roster_match"] is False


@pytest.mark.parametrize("field,value", [
    ("phone", "12345678901"), ("phone", "1380013800"), ("phone", "abc"), ("phone", 13800138000),
    ("id_number", "110101199001011234"), ("id_number", "11010119900101123"), ("id_number", "110101199013011237"),
    ("password", "short"), ("password", "12345678"), ("password", "password"), ("password", None),
    ("unit", "9-9-999"), ("unit", None), ("relation", "landlord"), ("real_name", ""), ("real_name", None),
    ("real_name", "x" * 40),
])
def test_bad_field_is_400_naming_it(api, roster, field, value):
    data = registration(relation="tenant")
    data[field] = value
    r = api.post("/auth/register", json=data)
    assert r.status_code == 400
    err = error_of(r)
    assert err["code"] == "invalid" and err["field"] == field and err["message"]


def test_vendor_needs_organization_not_unit(api, roster):
    assert api.post("/auth/register", json=registration(relation="vendor", unit=None)).status_code == 400
    r = api.post("/auth/register", json=registration(relation="vendor", unit=None, organization="快修"))
    assert r.status_code == 201


def test_organization_only_for_vendors(api, roster):
    r = api.post("/auth/register", json=registration(relation="tenant", organization="某公司"))
    assert r.status_code == 400 and error_of(r)["field"] == "organization"


@pytest.mark.parametrize("version", [0, 2, None, "abc"])
def test_stale_rules_version(api, roster, version):
    r = api.post("/auth/register", json=registration(accepted_rules_version=version))
    assert r.status_code == 400 and error_of(r)["code"] == "rules_not_accepted"


def test_phone_already_used_is_409(api, roster):
    data = registration()
    assert api.post("/auth/register", json=data).status_code == 201
    again = registration(phone=data["phone"])
    r = api.post("/auth/register", json=again)
    assert r.status_code == 409 and error_of(r)["code"] == "conflict"


def test_same_id_number_twice_is_409(api, roster):
    first = registration()
    api.post("/auth/register", json=first)
    r = api.post("/auth/register", json=registration(id_number=first["id_number"]))
    assert r.status_code == 409


def test_pending_and_rejected_cannot_get_token(api, roster, staff):
    data = registration()
    user_id = api.post("/auth/register", json=data).get_json()["id"]
    r = api.post("/auth/token", json={"phone": data["phone"], "password": PASSWORD})
    assert r.status_code == 403 and error_of(r)["code"] == "pending_approval"
    assert api.post(f"/registrations/{user_id}/reject", user=staff, json={"reason": "单元号与房产证不符"}).status_code == 200
    r = api.post("/auth/token", json={"phone": data["phone"], "password": PASSWORD})
    assert r.status_code == 403 and error_of(r)["code"] == "rejected"
    assert "单元号与房产证不符" in error_of(r)["message"]


def test_rejected_applicant_corrects_and_applies_again(api, roster, staff):
    data = registration(unit="1-1-201")
    user_id = api.post("/auth/register", json=data).get_json()["id"]
    api.post(f"/registrations/{user_id}/reject", user=staff, json={"reason": "unit wrong"})
    data["unit"] = "2-1-102"
    r = api.post("/auth/register", json=data)
    assert r.status_code == 201 and r.get_json()["id"] == user_id and r.get_json()["status"] == "pending"
    pending = api.get("/registrations?status=pending", user=staff).get_json()["items"]
    assert [(p["id"], p["unit"], p["attempts"]) for p in pending] == [(user_id, "2-1-102", 2)]
    approve = api.post(f"/registrations/{user_id}/approve", user=staff)
    assert approve.status_code == 200 and approve.get_json()["status"] == "approved"
    assert api.post("/auth/token", json={"phone": data["phone"], "password": PASSWORD}).status_code == 200


def test_reapply_with_wrong_password_is_409(api, roster, staff):
    data = registration()
    user_id = api.post("/auth/register", json=data).get_json()["id"]
    api.post(f"/registrations/{user_id}/reject", user=staff, json={"reason": "no"})
    data["password"] = "another-password-9"
    assert api.post("/auth/register", json=data).status_code == 409


def test_reject_needs_reason(api, pending, staff):
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": 5}):
        r = api.post(f"/registrations/{pending.id}/reject", user=staff, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == "reason"


def test_decided_registration_cannot_be_decided_again(api, pending, staff):
    assert api.post(f"/registrations/{pending.id}/approve", user=staff).status_code == 200
    assert api.post(f"/registrations/{pending.id}/approve", user=staff).status_code == 409
    assert api.post(f"/registrations/{pending.id}/reject", user=staff, json={"reason": "x"}).status_code == 409


def test_unknown_registration_is_404(api, staff):
    assert api.post("/registrations/999/approve", user=staff).status_code == 404


def test_owner_approval_links_every_roster_unit(api, roster, staff):
    data = registration(real_name="王伟", id_number=id_number(1), unit="1-1-101", relation="owner")
    user_id = api.post("/auth/register", json=data).get_json()["id"]
    api.post(f"/registrations/{user_id}/approve", user=staff)
    token = api.post("/auth/token", json={"phone": data["phone"], "password": PASSWORD}).get_json()["token"]
    me = api.get("/me", token=token).get_json()
    assert me["unit"] == "1-1-101" and sorted(me["units"]) == ["1-1-101", "1-1-102"]
    assert me["role"] == "owner" and me["relation"] == "owner" and me["status"] == "approved"


def test_relation_decides_role(resident, vendor, owner):
    assert (owner.role, resident.role, vendor.role) == ("owner", "resident", "vendor")


def test_blacklisted_identity_cannot_register(api, make_user):
    from community.extensions import db
    banned = make_user(id_number=id_number(777))
    banned.status = "blacklisted"
    db.session.commit()
    r = api.post("/auth/register", json=registration(id_number=id_number(777)))
    assert r.status_code == 403 and error_of(r)["code"] == "blacklisted"
