"""Fire safety and people: owners' hazard reports up the whole ladder, anonymity and repeated spots; the control
room's certified staff per shift; the monthly status by building; drills with sign-up and QR attendance."""

from datetime import datetime, timedelta

import pytest

from community.core.timeutil import frozen
from tests.conftest import error_of

T0 = datetime(2026, 12, 2, 2, 0)

LANE = {"building": "1", "kind": "blocked_fire_lane", "spot": "1号楼北侧消防通道",
        "description": "一辆白色轿车连续三天停在消防通道上"}


def report(api, user, **changes):
    r = api.post("/fire/hazards", user=user, json={**LANE, **changes})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_hazard_report_walks_the_whole_ladder_and_the_reporter_sees_each_step(api, owner, staff):
    with frozen(T0):
        h = report(api, owner)
    assert h["status"] == "reported" and h["reporter"]["display_name"] == "一栋老王"
    steps = [("acknowledge", {}), ("ask", {"note": "已电话通知车主（1-2-301）挪车"}),
             ("recheck", {"cleared": False, "note": "车辆仍在"}),
             ("report_authority", {"authority": "police", "note": "已报辖区派出所，接警编号 1202-17"}),
             ("close", {"note": "车辆已由派出所通知移走"})]
    for n, (step, body) in enumerate(steps):
        with frozen(T0 + timedelta(hours=n + 1)):
            r = api.post(f"/fire/hazards/{h['id']}/{step}", user=staff, json=body)
        assert r.status_code == 200, (step, r.get_json())
    seen = api.get(f"/fire/hazards/{h['id']}", user=owner).get_json()
    assert seen["status"] == "closed" and seen["closed_at"]
    assert [s["step"] for s in seen["steps"]] == ["reported", "acknowledged", "asked", "rechecked_remains",
                                                  "reported_to_police", "closed"]
    assert seen["steps"][4]["note"] == "已报辖区派出所，接警编号 1202-17"
    assert seen["next_steps"] == [], "the reporter follows, the staff act"
    mine = api.get("/fire/hazards", user=owner).get_json()["items"]
    assert [x["status"] for x in mine] == ["closed"]


def test_a_cleared_recheck_closes_and_steps_keep_their_order(api, owner, staff):
    h = report(api, owner)
    assert api.post(f"/fire/hazards/{h['id']}/ask", user=staff, json={"note": "x"}).status_code == 409
    api.post(f"/fire/hazards/{h['id']}/acknowledge", user=staff, json={})
    r = api.post(f"/fire/hazards/{h['id']}/ask", user=staff, json={})
    assert r.status_code == 400 and error_of(r)["field"] == "note"
    api.post(f"/fire/hazards/{h['id']}/ask", user=staff, json={"note": "已贴告知单"})
    assert api.post(f"/fire/hazards/{h['id']}/recheck", user=staff, json={"cleared": True}).get_json()["status"] \
        == "closed"
    assert api.post(f"/fire/hazards/{h['id']}/report_authority", user=staff,
                    json={"authority": "fire", "note": "x"}).status_code == 409
    assert api.post(f"/fire/hazards/{h['id']}/jump", user=staff, json={}).status_code == 404


def test_other_owners_never_see_who_reported_and_the_committee_sees_no_name(api, owner, resident,
                                                                            committee_member, staff):
    h = report(api, owner)
    assert api.get(f"/fire/hazards/{h['id']}", user=resident).status_code == 404
    assert api.get("/fire/hazards?scope=all", user=resident).status_code == 403
    seen = api.get(f"/fire/hazards/{h['id']}", user=committee_member).get_json()
    assert seen["reporter"] is None and seen["next_steps"] == []
    assert api.post(f"/fire/hazards/{h['id']}/acknowledge", user=committee_member, json={}).status_code == 403
    full = api.get(f"/fire/hazards/{h['id']}", user=staff).get_json()
    assert full["reporter"]["real_name"] == "王伟" and full["next_steps"] == ["acknowledge"]


def test_repeated_hazards_at_the_same_spot_are_flagged(api, owner, resident, staff):
    first = report(api, owner)
    again = report(api, resident, spot=" 1号楼 北侧消防通道。", kind="blocked_escape_route")
    elsewhere = report(api, resident, spot="2号楼楼道", building="2", kind="ebike_charging")
    assert (first["repeated"], again["repeated"], elsewhere["repeated"]) == (False, True, False)
    listed = {x["id"]: x for x in api.get("/fire/hazards?scope=all&status=open", user=staff).get_json()["items"]}
    assert listed[again["id"]]["earlier_reports"] == 1


def test_bad_hazard_reports_are_400_and_only_residents_report(api, everyone, roster):
    for changes, field in [({"kind": "ufo"}, "kind"), ({"spot": ""}, "spot"), ({"building": "9"}, "building"),
                           ({"attachment_id": 99}, "attachment_id")]:
        r = api.post("/fire/hazards", user=everyone["owner"], json={**LANE, **changes})
        assert r.status_code == 400 and error_of(r)["field"] == field, changes
    for role in ("vendor", "staff"):
        assert api.post("/fire/hazards", user=everyone[role], json=LANE).status_code == 403


def test_every_shift_needs_two_certified_people_and_expiring_certificates_are_flagged(api, staff, committee_member):
    with frozen(T0):
        people = [api.post("/fire/staff", user=staff, json=body).get_json() for body in (
            {"name": "陈明", "certificate_no": "4101-2024-001", "certificate_expires_on": "2028-05-01"},
            {"name": "许亮", "certificate_no": "4101-2021-018", "certificate_expires_on": "2026-12-03"},
            {"name": "杜峰"})]
        for person in people:
            r = api.post("/fire/shifts", user=staff, json={"day": "2026-12-02", "slot": "day", "staff_id": person["id"]})
            assert r.status_code == 201
        for person in people[:2]:
            api.post("/fire/shifts", user=staff, json={"day": "2026-12-04", "slot": "day", "staff_id": person["id"]})
        dup = api.post("/fire/shifts", user=staff, json={"day": "2026-12-02", "slot": "day",
                                                         "staff_id": people[0]["id"]})
        assert dup.status_code == 409
        table = api.get("/fire/roster?from=2026-12-02&days=3", user=committee_member).get_json()
    today = table["days"][0]["shifts"]
    assert table["minimum"] == 2 and (today[0]["certified"], today[0]["gap"]) == (2, False)
    assert today[1]["gap"] is True, "nobody on the night"
    third = table["days"][2]["shifts"][0]
    assert (third["certified"], third["gap"]) == (1, True), "许亮's certificate has lapsed by the 4th"
    assert [p["name"] for p in table["expiring"]] == ["许亮"]
    assert table["gaps"] == 5 and table["can_manage"] is False


def test_residents_read_their_own_buildings_status_only(api, owner, resident, committee_member, staff):
    with frozen(T0):
        report(api, owner)
        mine = api.get("/fire/status/1?month=2026-12", user=owner)
        assert mine.status_code == 200 and mine.get_json()["hazards"]["open"] == 1
        assert api.get("/fire/status/2", user=owner).status_code == 404
        assert api.get("/fire/status/1", user=resident).status_code == 404, "the tenant lives in building 2"
        assert api.get("/fire/status/2", user=resident).status_code == 200
        assert api.get("/fire/status", user=owner).status_code == 403
        estate = api.get("/fire/status", user=committee_member).get_json()
    assert [b["building"] for b in estate["buildings"]] == ["1", "2", "3"]
    assert estate["totals"]["hazards"]["open"] == 1
    assert api.get("/fire/status/1?month=2026-13", user=owner).status_code == 400
    assert api.get("/fire/status/9", user=owner).status_code == 404


@pytest.fixture
def drill(api, staff, roster):
    with frozen(T0):
        r = api.post("/fire/drills", user=staff, json={"building": "1", "title": "冬季疏散演练", "place": "1号楼前广场",
                                                       "starts_at": "2026-12-10T06:00:00Z"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_a_drill_takes_sign_ups_and_attendance_by_its_code(api, staff, owner, resident, drill):
    with frozen(T0):
        assert api.post(f"/fire/drills/{drill['id']}/signup", user=owner).status_code == 200
        assert api.post(f"/fire/drills/{drill['id']}/signup", user=owner).status_code == 409
        assert api.post(f"/fire/drills/{drill['id']}/signup", user=resident).status_code == 404, "building 1 only"
        early = api.post(f"/fire/drills/checkin/{drill['checkin_code']}", user=owner)
        assert early.status_code == 409
    with frozen(datetime(2026, 12, 10, 6, 20)):
        r = api.post(f"/fire/drills/checkin/{drill['checkin_code']}", user=owner)
        assert r.status_code == 200 and r.get_json()["me"]["attended"] is True
        assert "checkin_code" not in r.get_json()
        done = api.post(f"/fire/drills/{drill['id']}/report", user=staff, json={"report": "到场 1 人，用时 4 分钟"})
        assert done.get_json()["attended"] == 1 and done.get_json()["signed_up"] == 1
        status = api.get("/fire/status/1?month=2026-12", user=owner).get_json()
    assert status["last_drill_at"] == "2026-12-10T06:00:00.000Z"
