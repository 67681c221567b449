"""One identity, one account on every registration path; owner claims verified, or visibly not."""

from community.accounts import services as accounts
from community.estate import services as estate
from community.extensions import db
from tests.conftest import error_of
from tests.fixtures.people import PASSWORD, id_number, registration


def _rejected(api, staff, **claim):
    data = registration(**claim)
    user_id = api.post("/auth/register", json=data).get_json()["id"]
    assert api.post(f"/registrations/{user_id}/reject", user=staff, json={"reason": "材料不符"}).status_code == 200
    return data, user_id


def test_new_phone_with_anothers_id_number_is_409(api, owner):
    r = api.post("/auth/register", json=registration(real_name="王伟", id_number=id_number(1), unit="1-1-101",
                                                      relation="owner"))
    assert r.status_code == 409 and error_of(r)["code"] == "conflict" and error_of(r)["field"] == "id_number"


def test_reapplication_with_another_owners_identity_is_409(api, owner, staff):
    data, _user_id = _rejected(api, staff)
    impostor = data | {"real_name": "王伟", "id_number": id_number(1), "unit": "1-1-101", "relation": "owner"}
    r = api.post("/auth/register", json=impostor)
    assert r.status_code == 409 and error_of(r)["code"] == "conflict" and error_of(r)["field"] == "id_number"
    # Nothing about the rejected application changed.
    me = db.session.get(accounts.User, _user_id)
    db.session.refresh(me)
    assert me.status == "rejected" and me.real_name == "赵六"


def test_reapplication_with_an_id_held_by_a_pending_applicant_is_409(api, roster, staff, pending):
    data, _user_id = _rejected(api, staff)
    r = api.post("/auth/register", json=data | {"real_name": "张敏", "id_number": id_number(3),
                                                "unit": "2-1-101", "relation": "owner"})
    assert r.status_code == 409 and error_of(r)["field"] == "id_number"


def test_reapplication_with_a_blacklisted_identity_is_403(api, make_user, staff):
    banned = make_user(id_number=id_number(78))
    banned.status = "blacklisted"
    db.session.commit()
    data, _user_id = _rejected(api, staff)
    r = api.post("/auth/register", json=data | {"id_number": id_number(78)})
    assert r.status_code == 403 and error_of(r)["code"] == "blacklisted"


def test_correction_with_own_id_number_still_works(api, roster, staff):
    data, user_id = _rejected(api, staff, real_name="张三", id_number=id_number(3), unit="2-1-101",
                              relation="owner")
    r = api.post("/auth/register", json=data | {"real_name": "张敏"})
    assert r.status_code == 201 and r.get_json() == {"id": user_id, "status": "pending", "roster_match": True}


# ---- owner claims the roster does not confirm -----------------------------------------------------

def _unmatched(api):
    data = registration(real_name="孙丽", id_number=id_number(61), unit="2-1-101", relation="owner")
    r = api.post("/auth/register", json=data)
    assert r.status_code == 201, r.get_json()
    return data, r.get_json()["id"]


def test_unmatched_claim_needs_a_reason_and_unverified(api, staff, roster):
    _data, user_id = _unmatched(api)
    for body in (None, {"reason": "带了房产证复印件"}, {"as": "unverified"}, {"reason": " ", "as": "unverified"}):
        r = api.post(f"/registrations/{user_id}/approve", user=staff, json=body)
        assert r.status_code == 400 and error_of(r)["field"] == "reason", body
    r = api.post(f"/registrations/{user_id}/approve", user=staff, json={"reason": "x", "as": "owner"})
    assert r.status_code == 400 and error_of(r)["field"] == "as"


def test_approved_as_unverified_has_resident_rights_and_says_why(api, staff, roster, admin):
    data, user_id = _unmatched(api)
    r = api.post(f"/registrations/{user_id}/approve", user=staff,
                 json={"reason": "购房合同在办理过户", "as": "unverified"})
    assert r.status_code == 200 and r.get_json()["ownership"] == "unverified"
    token = api.post("/auth/token", json={"phone": data["phone"], "password": PASSWORD}).get_json()["token"]
    me = api.get("/me", token=token).get_json()
    assert me["role"] == "resident" and me["ownership"] == "unverified" and me["unit"] == "2-1-101"
    entry = api.get("/audit?limit=200", user=admin).get_json()["items"][-1]
    assert entry["action"] == "registration.approved"
    assert entry["detail"]["as"] == "unverified" and entry["detail"]["reason"] == "购房合同在办理过户"


def test_unverified_owner_is_told_on_the_account_page(client, api, staff, roster):
    data, user_id = _unmatched(api)
    api.post(f"/registrations/{user_id}/approve", user=staff, json={"reason": "待核实", "as": "unverified"})
    client.post("/login", data={"phone": data["phone"], "password": PASSWORD})
    page = client.get("/").get_data(as_text=True)
    assert 'id="ownership-unverified"' in page and 'id="unverified-note"' in page


def test_a_corrected_roster_makes_the_claim_verified(api, roster, staff):
    _data, user_id = _unmatched(api)
    estate.import_units(staff, [{"code": "2-1-101", "building": "2", "area": "100.00",
                                 "owners": [{"name": "孙丽", "id_number": id_number(61)}]}])
    r = api.post(f"/registrations/{user_id}/approve", user=staff)
    assert r.status_code == 200 and r.get_json()["ownership"] == "verified" and r.get_json()["roster_match"]
    user = db.session.get(accounts.User, user_id)
    db.session.refresh(user)
    assert user.role == "owner"


def test_staff_page_asks_for_a_reason(client, api, staff, roster):
    _data, user_id = _unmatched(api)
    client.post("/login", data={"phone": staff.phone, "password": PASSWORD})
    page = client.get("/staff/registrations").get_data(as_text=True)
    assert f'id="approve-reason-{user_id}"' in page and 'name="unverified"' in page
    client.post(f"/staff/registrations/{user_id}/approve", data={})
    assert db.session.get(accounts.User, user_id).status == "pending"
    client.post(f"/staff/registrations/{user_id}/approve", data={"reason": "待核实", "unverified": "y"})
    user = db.session.get(accounts.User, user_id)
    db.session.refresh(user)
    assert user.status == "approved" and user.role == "resident"


def test_vote_page_tells_an_unverified_owner_why(client, api, roster, staff, committee_member, no_notice):
    from datetime import timedelta

    from community.core.timeutil import iso, utcnow
    data, user_id = _unmatched(api)
    api.post(f"/registrations/{user_id}/approve", user=staff, json={"reason": "待核实", "as": "unverified"})
    vote = api.post("/votes", user=committee_member, json={
        "title": "更换电梯", "body": "表决", "matter": 5, "secret": False,
        "closes_at": iso(utcnow() + timedelta(days=3))}).get_json()
    assert api.post(f"/votes/{vote['id']}/open", user=committee_member).status_code == 200
    client.post("/login", data={"phone": data["phone"], "password": PASSWORD})
    page = client.get(f"/votes/{vote['id']}").get_data(as_text=True)
    assert 'id="unverified-note"' in page
    voter = db.session.get(accounts.User, user_id)
    db.session.refresh(voter)
    assert api.post(f"/votes/{vote['id']}/ballots", user=voter, json={"choice": "yes"}).status_code == 403
