"""The fire-safety pages: the label sheet carries one inline QR code per facility, a scan checks in with a photo,
hazard steps need a confirmation where they cannot be undone, the leaflet is a PDF, and who may open which page."""

import io
import re
from datetime import datetime

import pytest
from PIL import Image

from community.core.timeutil import frozen
from community.desk.models import Ticket
from community.extensions import db
from community.fire import jobs
from community.fire.models import FireRound

T0 = datetime(2026, 12, 2, 2, 0)


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def login(client, user):
    r = client.post("/login", data={"phone": user.phone, "password": "correct-horse-42"})
    assert r.status_code == 302, r.data[:300]


@pytest.fixture
def walk(api, staff, roster):
    with frozen(T0):
        made = [api.post("/fire/facilities", user=staff, json={
            "building": "1", "floor": str(n), "kind": "hydrant", "location": f"{n}楼消火栓"}).get_json()
            for n in (1, 2)]
        route = api.post("/fire/routes", user=staff, json={"name": "1号楼周检", "building": "1",
                                                           "facility_ids": [f["id"] for f in made]}).get_json()
        api.post("/fire/plans", user=staff, json={"route_id": route["id"], "frequency": "weekly"})
        jobs.run(T0)
    return made


def test_the_label_sheet_has_one_qr_code_per_facility(client, staff, walk):
    login(client, staff)
    page = client.get("/fire/labels?building=1").get_data(as_text=True)
    assert page.count('class="label"') == 2 and page.count('class="segno"') == 2
    assert all(f'data-code="{f["code"]}"' in page for f in walk)


def test_a_scan_checks_in_with_a_photo_and_opens_a_repair(client, staff, walk):
    login(client, staff)
    round_id = db.session.scalar(db.select(FireRound.id))
    page = client.get(f"/fire/f/{walk[0]['code']}").get_data(as_text=True)
    assert 'id="check-form"' in page
    image = io.BytesIO()
    Image.new("RGB", (30, 30), (200, 0, 0)).save(image, "PNG")
    image.seek(0)
    r = client.post(f"/fire/f/{walk[0]['code']}", data={
        "round_id": str(round_id), "result": "defect", "note": "水带缺失", "photo": (image, "d.png")},
        content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/fire/rounds/{round_id}")
    assert db.session.scalar(db.select(db.func.count()).select_from(Ticket)) == 1
    page = client.get(f"/fire/rounds/{round_id}").get_data(as_text=True)
    assert 'data-result="defect"' in page


def test_an_owner_reports_and_the_irreversible_steps_ask_for_confirmation(client, app, owner, staff, roster):
    login(client, owner)
    r = client.post("/fire/hazards/new", data={"building": "1", "kind": "blocked_fire_lane", "spot": "北侧消防通道",
                                               "description": "货车堵住通道"})
    assert r.status_code == 302
    hazard_id = int(re.search(r"/fire/hazards/(\d+)", r.headers["Location"]).group(1))
    staff_client = app.test_client()
    login(staff_client, staff)
    staff_client.post(f"/fire/hazards/{hazard_id}/acknowledge", data={})
    staff_client.post(f"/fire/hazards/{hazard_id}/ask", data={"note": "已通知物流公司"})
    staff_client.post(f"/fire/hazards/{hazard_id}/recheck", data={"cleared": "no"})
    staff_client.post(f"/fire/hazards/{hazard_id}/report_authority", data={"authority": "police", "note": "报警"})
    page = client.get(f"/fire/hazards/{hazard_id}").get_data(as_text=True)
    assert 'data-status="remains"' in page, "not recorded without the confirmation"
    staff_client.post(f"/fire/hazards/{hazard_id}/report_authority",
                      data={"authority": "police", "note": "报警", "confirm": "y"})
    page = client.get(f"/fire/hazards/{hazard_id}").get_data(as_text=True)
    assert 'data-step="reported_to_police"' in page and "step-close" not in page


def test_who_may_open_which_page(client, app, owner, resident, committee_member, walk):
    login(client, owner)
    for path in ("/fire/", "/fire/hazards", "/fire/hazards/new", "/fire/drills", "/fire/status/1",
                 f"/fire/f/{walk[0]['code']}"):
        assert client.get(path).status_code == 200, path
    assert client.get("/fire/status").status_code == 302, "an owner is sent to their building"
    for path in ("/fire/facilities", "/fire/rounds", "/fire/roster", "/fire/labels"):
        assert client.get(path).status_code == 403, path
    assert client.get("/fire/status/2").status_code == 404
    committee = app.test_client()
    login(committee, committee_member)
    for path in ("/fire/status", "/fire/facilities", "/fire/rounds", "/fire/roster", "/fire/hazards?scope=all"):
        assert committee.get(path).status_code == 200, path
    assert committee.get("/fire/labels").status_code == 403
    assert 'id="check-form"' not in committee.get(f"/fire/f/{walk[0]['code']}").get_data(as_text=True)
    assert app.test_client().get("/fire/").status_code == 302


def test_the_leaflet_is_a_pdf(client, owner):
    login(client, owner)
    r = client.get("/fire/leaflet.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data[:5] == b"%PDF-"


def test_staff_plan_a_building_set_dates_retire_and_plan_a_drill(client, staff, walk):
    login(client, staff)
    r = client.post("/fire/plans", data={"building": "1", "name": "1号楼年检", "frequency": "yearly"})
    assert r.status_code == 302
    assert "1号楼年检" in client.get("/fire/rounds").get_data(as_text=True)
    with frozen(T0):
        assert jobs.run(T0)["rounds_created"] == 1, "the new yearly plan's round"
    r = client.post(f"/fire/facilities/{walk[0]['id']}/dates", data={"dates-expires_on": "2027-03-31"})
    assert r.status_code == 302
    page = client.get(f"/fire/facilities/{walk[0]['id']}").get_data(as_text=True)
    assert "2027-03-31" in page and 'id="retire-form"' in page
    client.post(f"/fire/facilities/{walk[0]['id']}/retire", data={})
    assert 'id="retire-form"' in client.get(f"/fire/facilities/{walk[0]['id']}").get_data(as_text=True), \
        "not retired without the confirmation"
    client.post(f"/fire/facilities/{walk[0]['id']}/retire", data={"retire-confirm": "y"})
    assert 'id="retire-form"' not in client.get(f"/fire/facilities/{walk[0]['id']}").get_data(as_text=True)
    r = client.post("/fire/drills/new", data={"building": "1", "title": "消防演练", "place": "广场",
                                              "starts_at": "2027-01-15T19:30"})
    assert r.status_code == 302
    page = client.get("/fire/drills").get_data(as_text=True)
    assert "消防演练" in page and page.count('class="segno"') == 1
    drill_id = int(re.search(r'/fire/drills/(\d+)/report', page).group(1))
    client.post(f"/fire/drills/{drill_id}/report", data={"report": "到场 30 人，疏散用时 5 分钟"})
    page = client.get("/fire/drills").get_data(as_text=True)
    assert "到场 30 人" in page and "/report" not in page


def test_the_reporter_is_notified_of_each_step(client, api, owner, staff, roster):
    r = api.post("/fire/hazards", user=owner, json={"building": "1", "kind": "ebike_charging", "spot": "1单元楼道",
                                                    "description": "楼道里充电"})
    api.post(f"/fire/hazards/{r.get_json()['id']}/acknowledge", user=staff, json={})
    login(client, owner)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('data-kind="fire_hazard"') == 1 and f'href="/fire/hazards/{r.get_json()["id"]}"' in page
    staff_page = api.client.application.test_client()
    login(staff_page, staff)
    assert 'data-kind="fire_hazard"' in staff_page.get("/notifications").get_data(as_text=True), "a new report"
