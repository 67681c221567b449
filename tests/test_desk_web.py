"""The front-desk pages over the test client: the forms post to the same services as the API, errors show
beside their fields, and nothing on them needs inline script or style."""

import io
import re
from datetime import datetime

import pytest
from PIL import Image

from community.core.timeutil import frozen
from community.desk import surveys as desk_surveys
from community.desk import tickets as desk_tickets
from community.desk.views import width_class
from tests.test_desk_access import log_in


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def page(client, path) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    html = r.get_data(as_text=True)
    assert not re.search(r"\sstyle\s*=", html), f"{path}: the CSP forbids style attributes"
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and not re.search(r"\son[a-z]+\s*=", html), path
    return html


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 100, 20)).save(out, "PNG")
    return out.getvalue()


def test_notice_posted_read_and_acknowledged_on_the_web(make_app, staff, owner, committee_member):
    app = make_app()
    desk_client, owner_client = app.test_client(), app.test_client()
    log_in(desk_client, staff)
    form = page(desk_client, "/desk/notices/new")
    assert 'name="buildings" type="checkbox" value="1"' in form
    r = desk_client.post("/desk/notices/new", data={"title": "", "category": "fire_safety", "body": "x"})
    assert r.status_code == 200 and 'class="field has-error"' in r.get_data(as_text=True)
    r = desk_client.post("/desk/notices/new", data={
        "title": "1号楼消防演练", "category": "fire_safety", "body": "周六上午十点，请配合。", "buildings": ["1"],
        "must_acknowledge": "y"})
    assert r.status_code == 302
    notice_path = r.headers["Location"]
    tracking = page(desk_client, notice_path)
    assert 'id="receipts"' in tracking and 'data-unit="1-1-101"' in tracking and 'data-unit="1-1-201"' in tracking

    log_in(owner_client, owner)
    listed = page(owner_client, "/desk/notices?category=fire_safety")
    assert "1号楼消防演练" in listed and "unread-dot" in listed
    shown = page(owner_client, notice_path)
    assert 'id="acknowledge"' in shown and 'id="receipts"' not in shown
    notice_id = int(notice_path.rsplit("/", 1)[1])
    r = owner_client.post(f"/desk/notices/{notice_id}/acknowledge", data={})
    assert r.status_code == 302
    assert 'id="acknowledged"' in page(owner_client, notice_path)
    tracking = page(desk_client, notice_path)
    assert 'data-unit="1-1-101"' not in tracking and 'data-unit="1-1-201"' in tracking

    notifications = page(owner_client, "/notifications")
    assert 'data-kind="notice"' in notifications and f'href="/desk/notices/{notice_id}"' in notifications, "it opens the notice"
    assert 'No notices found' in page(owner_client, "/desk/notices?q=不存在&lang=en")


def test_repair_filed_handled_and_rated_on_the_web(make_app, staff, owner, committee_member):
    app = make_app()
    mine, theirs = app.test_client(), app.test_client()
    log_in(mine, owner)
    form = page(mine, "/desk/repairs/new")
    assert '<option value="1-1-101">' in form and '<option value="">' in form
    r = mine.post("/desk/repairs/new", data={"category": "plumbing", "unit": "", "description": "漏水"},
                  content_type="multipart/form-data")
    assert r.status_code == 200 and "has-error" in r.get_data(as_text=True), "a place is needed"
    r = mine.post("/desk/repairs/new", data={
        "category": "plumbing", "unit": "1-1-101", "description": "卫生间地漏堵塞。",
        "images": [(io.BytesIO(png()), "drain.png")]}, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    ticket_path = r.headers["Location"]
    ticket_id = int(ticket_path.rsplit("/", 1)[1])
    shown = page(mine, ticket_path)
    assert re.search(r'<ul class="photos".*?<img src="/media/[\w-]+"', shown, re.S)
    assert 'id="triage"' not in shown and 'id="return-visit"' not in shown

    log_in(theirs, staff)
    queue = page(theirs, "/desk/repairs?scope=all")
    assert f'data-id="{ticket_id}"' in queue and "王伟" not in queue
    assert 'id="triage"' in page(theirs, ticket_path)
    r = theirs.post(f"{ticket_path}/accept", data={"accept-department": "engineering", "accept-worker": ""})
    assert r.status_code == 302
    assert "flash-error" in page(theirs, ticket_path), "a repair needs a worker"
    theirs.post(f"{ticket_path}/accept", data={"accept-department": "engineering", "accept-worker": "李师傅"})
    theirs.post(f"{ticket_path}/start", data={"note-note": "下午两点上门"})
    theirs.post(f"{ticket_path}/done", data={"note-note": "已疏通"})
    assert desk_tickets.ticket(staff, "repair", ticket_id).status == "done"

    shown = page(mine, ticket_path)
    assert 'id="return-visit"' in shown and "李师傅" in shown and "下午两点上门" in shown
    r = mine.post(f"{ticket_path}/confirm", data={"confirm-rating": "5", "confirm-comment": "很快"})
    assert r.status_code == 302
    shown = page(mine, ticket_path)
    assert 'data-rating="5"' in shown and 'data-action="confirmed"' in shown
    assert mine.post(f"{ticket_path}/accept", data={"accept-department": "security"}).status_code == 403

    figures = page(theirs, "/desk/figures")
    assert re.search(r'class="figure satisfaction" data-rate="100.0"', figures)
    assert "w-100" in figures
    notifications = page(mine, "/notifications")
    assert 'data-kind="repair"' in notifications and f'href="/desk/repairs/{ticket_id}"' in notifications, "it opens the request"


def test_not_fixed_at_the_return_visit_on_the_web(make_app, staff, owner):
    found = desk_tickets.file_ticket(owner, "repair", {"category": "electrical", "unit": "1-1-101", "description": "插座没电"})
    desk_tickets.accept(staff, "repair", found.id, {"department": "engineering", "worker": "李师傅"})
    desk_tickets.start(staff, "repair", found.id, {})
    desk_tickets.finish(staff, "repair", found.id, {})
    app = make_app()
    mine, theirs = app.test_client(), app.test_client()
    log_in(mine, owner)
    ticket_path = f"/desk/repairs/{found.id}"
    shown = page(mine, ticket_path)
    assert 'id="return-visit"' in shown and 'id="not-fixed"' in shown
    r = mine.post(f"{ticket_path}/reopen", data={"reopen-reason": ""})
    assert r.status_code == 302 and "flash-error" in page(mine, ticket_path), "a reason is needed"
    r = mine.post(f"{ticket_path}/reopen", data={"reopen-reason": "厨房插座还是没电。"})
    assert r.status_code == 302
    shown = page(mine, ticket_path)
    assert 'data-status="in_progress"' in shown and 'data-action="reopened"' in shown
    assert 'id="reopened" data-reopened="1"' in shown and "厨房插座还是没电。" in shown
    assert 'id="return-visit"' not in shown

    log_in(theirs, staff)
    assert f'data-id="{found.id}" data-status="in_progress"' in page(theirs, "/desk/repairs?scope=all")
    assert 'data-reopened="1"' in page(theirs, "/desk/repairs?scope=all")
    assert 'id="progress"' in page(theirs, ticket_path)
    assert "Not fixed: sent back by the resident" in page(theirs, ticket_path + "?lang=en")


def test_complaint_form_offers_publishing(make_app, owner, resident):
    app = make_app()
    client = app.test_client()
    log_in(client, owner)
    assert 'name="public"' in page(client, "/desk/complaints/new")
    r = client.post("/desk/complaints/new", data={"unit": "", "description": "快递柜经常满。", "public": "y"},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    other = app.test_client()
    log_in(other, resident)
    listed = page(other, "/desk/complaints?scope=public")
    assert "快递柜经常满" in listed and "一栋老王" not in listed


def test_survey_built_answered_and_charted_on_the_web(make_app, staff, owner, committee_member):
    app = make_app()
    builder, answerer = app.test_client(), app.test_client()
    log_in(builder, committee_member)
    page(builder, "/desk/surveys/new")
    data = {"title": "停车管理意见", "description": "", "per": "unit",
            "questions-0-kind": "single", "questions-0-text": "是否支持划线车位？", "questions-0-options": "支持\n反对",
            "questions-0-required": "y", "questions-1-kind": "", "questions-2-kind": "rating",
            "questions-2-text": "对现状打分", "questions-2-required": "y"}
    r = builder.post("/desk/surveys/new", data={**data, "questions-0-options": "只有一个"})
    assert r.status_code == 200 and "has-error" in r.get_data(as_text=True)
    r = builder.post("/desk/surveys/new", data=data)
    assert r.status_code == 302
    survey_path = r.headers["Location"]
    survey = desk_surveys.survey_page(owner, int(survey_path.rsplit("/", 1)[1]))
    single, rating = survey["questions"]

    log_in(answerer, owner)
    form = page(answerer, survey_path)
    assert 'id="answer-form"' in form and '<option value="1-1-101">' in form
    r = answerer.post(survey_path, data={"unit": "1-1-101", f"q{single['id']}": "0"})
    assert r.status_code == 200 and "has-error" in r.get_data(as_text=True), "the rating is required"
    r = answerer.post(survey_path, data={"unit": "1-1-101", f"q{single['id']}": "0", f"q{rating['id']}": "4"})
    assert r.status_code == 302
    r = answerer.post(survey_path, data={"unit": "1-1-101", f"q{single['id']}": "1", f"q{rating['id']}": "2"})
    assert r.status_code == 409

    charted = page(builder, survey_path)
    assert 'id="results"' in charted and 'data-average="4.0"' in charted
    assert re.search(r'data-option="0" data-count="1">.*?fill w-100', charted, re.S)
    assert 'id="results"' not in page(answerer, survey_path), "residents see results once it closes"
    assert builder.post(f"{survey_path}/close", data={}).status_code == 302
    assert 'id="results"' in page(answerer, survey_path)


def test_a_survey_closing_time_is_given_in_local_time(client, staff, owner):
    log_in(client, staff)
    assert 'name="closes_at" type="datetime-local"' in page(client, "/desk/surveys/new")
    data = {"title": "绿化满意度", "per": "user", "questions-0-kind": "rating", "questions-0-text": "打分",
            "questions-0-required": "y"}
    with frozen(datetime(2026, 3, 2, 1, 0)):  # 09:00 in Shanghai
        r = client.post("/desk/surveys/new", data={**data, "closes_at": "2026-03-02T08:30"})
        assert r.status_code == 200 and "has-error" in r.get_data(as_text=True), "already past, in local time"
        r = client.post("/desk/surveys/new", data={**data, "closes_at": "2026-03-10T18:00"})
        assert r.status_code == 302
        found = desk_surveys.survey(staff, int(r.headers["Location"].rsplit("/", 1)[1]))
        assert found.closes_at == datetime(2026, 3, 10, 10, 0)
        r = client.post("/desk/surveys/new", data={**data, "closes_at": ""})
        assert desk_surveys.survey(staff, int(r.headers["Location"].rsplit("/", 1)[1])).closes_at is None
    with frozen(datetime(2026, 3, 10, 10, 0)):
        assert desk_surveys.survey_page(owner, found.id)["open"] is False


def test_csv_from_the_figures_page(client, staff):
    log_in(client, staff)
    r = client.get("/desk/figures.csv?table=requests")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.get_data(as_text=True).startswith("\ufeffid,kind,category")


@pytest.mark.parametrize("percent,cls", [(None, "w-0"), (0, "w-0"), (1, "w-5"), (33.3, "w-35"), (66.7, "w-65"),
                                         (97.4, "w-95"), (97.5, "w-100"), (100, "w-100")])
def test_bar_widths_are_classes(percent, cls):
    assert width_class(percent) == cls


def test_every_width_class_exists_in_the_stylesheet():
    from pathlib import Path
    css = (Path(__file__).resolve().parent.parent / "static" / "css" / "desk.css").read_text()
    for n in range(0, 101, 5):
        assert f".w-{n} {{ width: {n}%; }}" in css
