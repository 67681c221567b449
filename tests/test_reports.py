"""Reports: cite a clause, once per person and target; enough distinct reporters hide the content."""

import pytest

from community.accounts import services as accounts
from community.extensions import db
from tests.conftest import error_of
from tests.fixtures.people import set_policy


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0, auto_hide_reports=3)


@pytest.fixture
def thread_id(api, owner):
    return api.post("/boards/neighbours/threads", user=owner,
                    json={"title": "楼下噪音问题", "body": "每天晚上十二点还有装修声音。"}).get_json()["id"]


def test_report_post_thread_and_user(api, owner, resident, thread_id):
    post_id = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "补充一下情况"}).get_json()["id"]
    for target in (f"thread:{thread_id}", f"post:{post_id}", f"user:{owner.id}"):
        r = api.post("/reports", user=resident, json={"target": target, "clause": "2.2", "note": "辱骂"})
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["target"] == target and r.get_json()["clause"] == "2.2"


def test_second_report_by_same_person_is_409(api, resident, thread_id):
    body = {"target": f"thread:{thread_id}", "clause": "2.2"}
    assert api.post("/reports", user=resident, json=body).status_code == 201
    r = api.post("/reports", user=resident, json=body | {"clause": "2.4"})
    assert r.status_code == 409 and error_of(r)["code"] == "conflict"


@pytest.mark.parametrize("body,field", [
    ({"target": "thread", "clause": "2.2"}, "target"), ({"target": "post:abc", "clause": "2.2"}, "target"),
    ({"target": "planet:1", "clause": "2.2"}, "target"), ({"clause": "2.2"}, "target"),
    ({"target": "user:1", "clause": "9.9"}, "clause"), ({"target": "user:1"}, "clause"),
    ({"target": "user:1", "clause": "2.2", "note": "x" * 1001}, "note"),
])
def test_bad_reports(api, owner, resident, body, field):
    body = {**body, "target": body.get("target", "").replace("user:1", f"user:{owner.id}")} \
        if "target" in body else body
    r = api.post("/reports", user=resident, json=body)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_report_of_missing_or_unseen_content_is_404(api, resident, staff, pending):
    assert api.post("/reports", user=resident, json={"target": "post:9999", "clause": "2.2"}).status_code == 404
    assert api.post("/reports", user=resident, json={"target": f"user:{pending.id}",
                                                      "clause": "2.2"}).status_code == 404


def test_auto_hide_at_threshold(api, owner, resident, vendor, committee_member, staff, thread_id):
    body = {"target": f"thread:{thread_id}", "clause": "2.4"}
    for user in (resident, vendor):
        api.post("/reports", user=user, json=body)
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 200
    api.post("/reports", user=committee_member, json=body)
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 404
    assert api.get(f"/threads/{thread_id}", user=owner).status_code == 404  # hidden even from its author
    assert api.get(f"/threads/{thread_id}", user=staff).get_json()["status"] == "hidden"
    assert api.get(f"/threads/{thread_id}", user=committee_member).status_code == 200
    log = api.get("/audit?limit=200", user=committee_member).get_json()["items"]
    assert any(e["action"] == "content.auto_hidden" and e["target"] == f"thread:{thread_id}" for e in log)


def test_auto_hide_reply(api, owner, resident, vendor, committee_member, thread_id):
    post_id = api.post(f"/threads/{thread_id}/posts", user=owner, json={"body": "一条回复内容"}).get_json()["id"]
    for user in (resident, vendor, committee_member):
        api.post("/reports", user=user, json={"target": f"post:{post_id}", "clause": "2.2"})
    assert api.get(f"/threads/{thread_id}", user=resident).get_json()["posts"] == []
    assert len(api.get(f"/threads/{thread_id}", user=committee_member).get_json()["posts"]) == 1


def test_hidden_content_is_kept(api, owner, resident, vendor, committee_member, thread_id):
    from community.boards.models import Thread
    for user in (resident, vendor, committee_member):
        api.post("/reports", user=user, json={"target": f"thread:{thread_id}", "clause": "2.2"})
    assert db.session.get(Thread, thread_id) is not None


def test_user_reports_do_not_hide_anyone(api, owner, resident, vendor, committee_member):
    for user in (resident, vendor, committee_member):
        api.post("/reports", user=user, json={"target": f"user:{owner.id}", "clause": "2.2"})
    assert accounts.get_user(resident, owner.id).status == "approved"
