"""Notices from the front desk: who may post them, who sees them, the announcements room, notifications,
reads and acknowledgements per building, the units not yet reached, the archive and its search."""

import contextvars

import pytest

from community.audit.models import AuditEntry
from community.chat.models import Message
from community.desk import notices as desk_notices
from community.extensions import db, socketio
from community.notifications.models import Notification
from tests.conftest import error_of

NOTICE = {"title": "3号楼停水通知", "body": "明天 **9:00-12:00** 3号楼停水，请提前储水。", "category": "outage"}


def post(api, user, **changes):
    return api.post("/notices", user=user, json={**NOTICE, **changes})


def test_staff_post_a_notice_to_the_whole_estate(api, staff, owner, resident, committee_member, vendor):
    r = post(api, staff, must_acknowledge=True)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["category"] == "outage" and body["whole_estate"] is True and body["buildings"] == []
    assert "<strong>9:00-12:00</strong>" in body["body_html"]
    assert body["author"]["display_name"] == staff.display_name

    notified = set(db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "notice")))
    assert notified == {owner.id, resident.id, committee_member.id}, "residents, not vendors or staff"
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "notice.posted"))
    assert entry.actor_id == staff.id and entry.target == f"notice:{body['id']}"
    assert entry.detail["recipients"] == 3 and entry.detail["must_acknowledge"] is True

    for reader in (owner, resident, vendor, committee_member):
        assert api.get(f"/notices/{body['id']}", user=reader).status_code == 200


def test_notice_goes_to_the_announcements_room(app, api, staff, owner):
    listener = contextvars.Context().run(socketio.test_client, app, auth={"token": api.token_for(owner)})
    try:
        assert contextvars.Context().run(listener.emit, "join", {"room": "announcements"}, callback=True)["ok"]
        notice_id = post(api, staff).get_json()["id"]
        pushed = [p["args"] if isinstance(p["args"], dict) else p["args"][0]
                  for p in listener.get_received() if p["name"] == "message"]
    finally:
        contextvars.Context().run(listener.disconnect)
    message = db.session.scalar(db.select(Message).where(Message.room == "announcements"))
    assert message.author_id == staff.id and message.client_id == f"notice-{notice_id}"
    assert f'href="/desk/notices/{notice_id}"' in message.body_html and "3号楼停水通知" in message.body_html
    assert [m["id"] for m in pushed] == [message.id], "broadcast once, after the commit"
    history = api.get("/chat/rooms/announcements/messages", user=owner).get_json()["items"]
    assert [m["id"] for m in history] == [message.id]


def test_a_notice_to_chosen_buildings(api, staff, owner, resident, vendor, committee_member):
    r = post(api, staff, buildings=["2"], title="2号楼电梯检修", must_acknowledge=True)
    assert r.status_code == 201
    notice_id = r.get_json()["id"]
    assert r.get_json()["buildings"] == ["2"] and r.get_json()["whole_estate"] is False
    assert set(db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "notice"))) \
        == {resident.id}
    assert api.get(f"/notices/{notice_id}", user=resident).status_code == 200
    for outsider in (owner, vendor):
        assert error_of(api.get(f"/notices/{notice_id}", user=outsider))["code"] == "not_found"
        assert notice_id not in [n["id"] for n in api.get("/notices", user=outsider).get_json()["items"]]
    overseen = api.get(f"/notices/{notice_id}", user=committee_member).get_json()
    assert overseen["for_me"] is False and overseen["read"] is False, "the committee oversees, it is not told"
    assert api.post(f"/notices/{notice_id}/acknowledge", user=committee_member).status_code == 403


@pytest.mark.parametrize("role", ["owner", "resident", "vendor", "committee"])
def test_only_staff_post_notices(api, everyone, role):
    r = post(api, everyone[role])
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0


def test_anonymous_gets_401(api):
    assert api.get("/notices").status_code == 401
    assert post(api, None).status_code == 401


@pytest.mark.parametrize("changes,field", [
    ({"title": ""}, "title"), ({"title": "x" * 121}, "title"), ({"body": None}, "body"),
    ({"category": "party"}, "category"), ({"buildings": ["9"]}, "buildings"), ({"buildings": "1"}, "buildings"),
    ({"must_acknowledge": "yes"}, "must_acknowledge"), ({"title": "停水\x00通知"}, "title"),
])
def test_bad_notices_are_400_with_the_field(api, staff, changes, field):
    r = post(api, staff, **changes)
    assert r.status_code == 400
    assert error_of(r) | {"message": ""} == {"code": "invalid", "field": field, "message": ""}


def test_padding_does_not_count_against_the_length(api, staff):
    r = post(api, staff, title="  " + "停" * 120 + "\n")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["title"] == "停" * 120


def test_reads_acknowledgements_and_units_not_reached(api, staff, owner, resident, committee_member, make_user):
    """Building 1: 1-1-101 and 1-1-102 (owner), 1-1-201 (committee member); building 2: 2-1-101 (nobody),
    2-1-102 (tenant and a family member); building 3: 3-1-1001 (developer, nobody)."""
    family = make_user(real_name="赵妻", unit="2-1-102", relation="family", display_name="赵家")
    notice_id = post(api, staff, must_acknowledge=True).get_json()["id"]

    first = api.get(f"/notices/{notice_id}/receipts", user=staff).get_json()
    assert first["totals"] == {"units": 6, "units_registered": 4, "units_read": 0, "units_acknowledged": 0,
                               "units_reached": 0, "residents": 4, "readers": 0, "acknowledged": 0}
    assert [u["unit"] for u in first["unreached"]] == ["1-1-101", "1-1-102", "1-1-201", "2-1-101", "2-1-102",
                                                        "3-1-1001"]
    assert {u["unit"]: u["registered"] for u in first["unreached"]}["2-1-101"] is False

    detail = api.get(f"/notices/{notice_id}", user=owner).get_json()
    assert detail["read"] is True and detail["acknowledged"] is False and detail["can_acknowledge"] is True
    api.get(f"/notices/{notice_id}", user=resident)
    r = api.post(f"/notices/{notice_id}/acknowledge", user=family)
    assert r.status_code == 200 and r.get_json()["acknowledged_at"].endswith("Z")
    again = api.post(f"/notices/{notice_id}/acknowledge", user=family).get_json()
    assert again["acknowledged_at"] == r.get_json()["acknowledged_at"], "acknowledging twice changes nothing"
    api.post(f"/notices/{notice_id}/acknowledge", user=committee_member)

    seen = api.get(f"/notices/{notice_id}/receipts", user=committee_member).get_json()
    by_building = {b["building"]: b for b in seen["buildings"]}
    assert by_building["1"] == {"building": "1", "units": 3, "units_registered": 3, "units_read": 3,
                                "units_acknowledged": 1, "units_reached": 1, "residents": 2, "readers": 2,
                                "acknowledged": 1}
    assert by_building["2"] == {"building": "2", "units": 2, "units_registered": 1, "units_read": 1,
                                "units_acknowledged": 1, "units_reached": 1, "residents": 2, "readers": 2,
                                "acknowledged": 1}
    assert by_building["3"]["units_reached"] == 0 and by_building["3"]["units_registered"] == 0
    # 2-1-102 is reached through the family member although the tenant only read it; the owner read but
    # did not acknowledge, so both of the owner's units are still to be reached.
    assert [u["unit"] for u in seen["unreached"]] == ["1-1-101", "1-1-102", "2-1-101", "3-1-1001"]
    listed = api.get("/notices", user=owner).get_json()["items"][0]
    assert listed["read"] is True and listed["acknowledged"] is False


def test_without_acknowledgement_reading_reaches_a_unit(api, staff, owner):
    notice_id = post(api, staff, buildings=["1"]).get_json()["id"]
    r = api.post(f"/notices/{notice_id}/acknowledge", user=owner)
    assert r.status_code == 409 and error_of(r)["code"] == "conflict"
    api.get(f"/notices/{notice_id}", user=owner)
    seen = api.get(f"/notices/{notice_id}/receipts", user=staff).get_json()
    assert [b["building"] for b in seen["buildings"]] == ["1"]
    assert seen["totals"]["units"] == 3 and seen["totals"]["units_reached"] == 2
    assert [u["unit"] for u in seen["unreached"]] == ["1-1-201"]


def test_staff_reading_is_not_a_receipt_and_only_overseers_track(api, staff, owner, vendor):
    notice_id = post(api, staff, must_acknowledge=True).get_json()["id"]
    assert api.get(f"/notices/{notice_id}", user=staff).get_json()["read"] is False
    for user in (staff, vendor):
        assert api.post(f"/notices/{notice_id}/acknowledge", user=user).status_code == 403
    for user in (owner, vendor):
        assert api.get(f"/notices/{notice_id}/receipts", user=user).status_code == 403
    assert api.get("/notices/999/receipts", user=staff).status_code == 404


def test_archive_filters_and_search(api, staff, owner):
    ids = {}
    for title, category in [("消防通道清理通知", "fire_safety"), ("物业费缴纳提醒", "fees"),
                            ("停电检修 10% off", "outage"), ("端午节安排", "general")]:
        ids[title] = post(api, staff, title=title, category=category, body=f"{title}。详见物业前台。").get_json()["id"]

    def titles(query):
        r = api.get("/notices" + query, user=owner)
        assert r.status_code == 200, r.get_json()
        return [n["title"] for n in r.get_json()["items"]]

    assert titles("") == ["端午节安排", "停电检修 10% off", "物业费缴纳提醒", "消防通道清理通知"]
    assert titles("?category=fire_safety") == ["消防通道清理通知"]
    assert titles("?q=消防") == ["消防通道清理通知"], "two Chinese characters match as a substring"
    assert titles("?q=前台") == ["端午节安排", "停电检修 10% off", "物业费缴纳提醒", "消防通道清理通知"]
    assert titles("?q=10%25") == ["停电检修 10% off"], "% is literal, not a wildcard"
    assert titles("?q=OFF") == ["停电检修 10% off"]
    assert titles("?q=%25") == ["停电检修 10% off"]
    assert titles("?q=缴纳&category=outage") == []
    assert error_of(api.get("/notices?category=party", user=owner))["field"] == "category"
    assert error_of(api.get("/notices?q=" + "x" * 101, user=owner))["field"] == "q"
    page = api.get("/notices?limit=3", user=owner).get_json()
    assert len(page["items"]) == 3 and page["next"] == page["items"][-1]["id"]
    rest = api.get(f"/notices?limit=3&before={page['next']}", user=owner).get_json()
    assert [n["title"] for n in rest["items"]] == ["消防通道清理通知"] and rest["next"] is None
    assert desk_notices.notices(owner, q="缴纳")[0][0]["excerpt"] == "物业费缴纳提醒。详见物业前台。"


def test_blocked_words_refuse_a_notice(api, staff):
    from tests.fixtures.people import set_policy
    set_policy(words=[{"word": "傻瓜", "action": "block", "clause": "2.2"}])
    r = post(api, staff, body="不要当傻瓜")
    assert r.status_code == 422 and error_of(r)["code"] == "rule_violation"
    assert db.session.scalar(db.select(db.func.count()).select_from(Message)) == 0
