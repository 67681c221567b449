"""Fire safety in Chromium at 360 px: staff print the QR labels, walk a round by opening each label's URL (what
scanning it does) and record a defect with a photo; an owner reports a blocked fire lane and follows it to
closure while staff climb the ladder; the committee opens the estate's status."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from community.core.timeutil import utcnow
from community.fire import jobs
from tests.browser.test_foundation_pages import assert_fits, login, path_of

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}


@pytest.fixture
def make_app(make_app, tmp_path):
    def make(**overrides):
        return make_app(MEDIA_DIR=str(tmp_path / "media"), **overrides)
    return make


@pytest.fixture
def walk(api, staff, roster):
    made = [api.post("/fire/facilities", user=staff, json={
        "building": "1", "floor": str(n), "kind": kind, "location": f"{n}楼电梯厅东侧"}).get_json()
        for n, kind in ((1, "extinguisher"), (2, "hydrant"))]
    route = api.post("/fire/routes", user=staff, json={"name": "1号楼月度巡检", "building": "1",
                                                       "facility_ids": [f["id"] for f in made]}).get_json()
    api.post("/fire/plans", user=staff, json={"route_id": route["id"], "frequency": "monthly"})
    jobs.run(utcnow())
    return made


def photo(tmp_path) -> str:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 40)).save(out, "PNG")
    path = tmp_path / "defect.png"
    path.write_bytes(out.getvalue())
    return str(path)


def test_staff_print_labels_and_walk_a_round_recording_a_defect(phones, staff, walk, tmp_path):
    page = phones.open(**NARROW)
    login(page, staff.phone, then="/fire/")
    with page.expect_navigation():
        page.locator("#fire-labels").click()
    page.locator("nav.tabs a", has_text="1").first.click()
    expect(page.locator("#labels .label")).to_have_count(2)
    expect(page.locator("#labels .label svg")).to_have_count(2)
    assert_fits(page, 360)
    page.screenshot(path=str(tmp_path / "labels.png"), full_page=True)

    for n, f in enumerate(walk):
        page.goto(f"/fire/f/{f['code']}")  # the URL in the QR code
        expect(page.locator("#check-form")).to_be_visible()
        assert_fits(page, 360)
        if n == 1:
            page.locator("input[name=result][value=defect]").check()
            page.locator("#note").fill("消火栓箱内水带缺失")
            page.locator("#photo").set_input_files(photo(tmp_path))
            page.screenshot(path=str(tmp_path / "scan.png"), full_page=True)
        with page.expect_navigation():
            page.locator("#check-form button[type=submit]").click()
        expect(page.locator(".flash")).to_be_visible()
    assert re.fullmatch(r"/fire/rounds/\d+", path_of(page))
    expect(page.locator("#round")).to_have_attribute("data-status", "done")
    expect(page.locator("li[data-result=defect]")).to_have_count(1)
    page.goto("/fire/")
    expect(page.locator("text=fire_defect:")).to_have_count(1)
    page.goto("/desk/repairs")
    expect(page.locator("text=消火栓箱内水带缺失")).to_have_count(1)


def test_an_owner_reports_a_blocked_fire_lane_and_follows_it_to_closure(phones, owner, staff, roster, tmp_path):
    home = phones.open(**NARROW)
    login(home, owner.phone)
    with home.expect_navigation():
        home.locator("#home-fire").click()
    with home.expect_navigation():
        home.locator("#fire-report").click()
    home.locator("#kind").select_option("blocked_fire_lane")
    home.locator("#spot").fill("1号楼北侧消防通道")
    home.locator("#description").fill("一辆白色面包车停在消防通道上两天了")
    home.locator("#photo").set_input_files(photo(tmp_path))
    assert_fits(home, 360)
    with home.expect_navigation():
        home.locator("#hazard-form button[type=submit]").click()
    expect(home.locator("#hazard")).to_have_attribute("data-status", "reported")
    hazard_url = home.url
    assert home.locator("img.photo").evaluate("img => img.decode().then(() => img.naturalWidth > 0)")

    office = phones.open(**NARROW)
    login(office, staff.phone, then=path_of(home))
    steps = [("acknowledge", {}), ("ask", {"note": "已电话通知车主挪车"}), ("recheck", {"cleared": "no"}),
             ("report_authority", {"note": "已报辖区派出所"}), ("close", {"note": "车辆已移走"})]
    for step, fields in steps:
        form = office.locator(f"#step-{step}")
        if "note" in fields:
            form.locator("textarea").fill(fields["note"])
        if "cleared" in fields:
            form.locator(f"input[name=cleared][value={fields['cleared']}]").check()
        if step in ("report_authority", "close"):
            form.locator("input[name=confirm]").check()
        with office.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(office.locator(".flash")).to_be_visible()

    home.goto(hazard_url)
    expect(home.locator("#hazard")).to_have_attribute("data-status", "closed")
    expect(home.locator("#steps li")).to_have_count(6)
    assert_fits(home, 360)
    home.screenshot(path=str(tmp_path / "hazard.png"), full_page=True)


def test_the_committee_opens_the_status(phones, committee_member, owner, walk, tmp_path):
    page = phones.open(**NARROW)
    login(page, committee_member.phone, then="/fire/")
    with page.expect_navigation():
        page.locator("#fire-estate-status").click()
    expect(page.locator("#estate-status")).to_be_visible()
    expect(page.locator(".status-table tbody tr")).to_have_count(3)
    assert_fits(page, 360)
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
    assert page.locator("form[method=post]").count() == 0, "the committee reads, it does not write"
    for path in ("/fire/", "/fire/rounds", "/fire/roster", "/fire/facilities", "/fire/drills", "/fire/hazards?scope=all"):
        page.goto(path)
        assert_fits(page, 360)
        assert page.locator("form[method=post]").count() == 0, path

    resident = phones.open(**NARROW)
    login(resident, owner.phone, then="/fire/")
    with resident.expect_navigation():
        resident.locator("#fire-my-status").first.click()
    expect(resident.locator("#building-status")).to_have_attribute("data-building", "1")
    assert_fits(resident, 360)
