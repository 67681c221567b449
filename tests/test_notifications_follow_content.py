"""Reply and mention notifications are written when content becomes visible, whichever path makes it so, one
entry per person and post."""

import pytest

from tests.fixtures.people import set_policy
from tests.test_boards import start


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0)


def kinds(api, user) -> list[tuple[str, int]]:
    return [(n["kind"], n["post_id"]) for n in api.get("/notifications", user=user).get_json()["items"]]


def approve(api, staff, target: str) -> None:
    r = api.post("/moderation/actions", user=staff, json={"action": "approve", "target": target})
    assert r.status_code == 201, r.get_json()


def test_held_reply_with_a_mention_notifies_once_when_approved(api, owner, resident, committee_member, staff):
    thread_id = start(api, owner).get_json()["id"]
    r = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "@李老师 低息贷款请联系我"})
    assert r.get_json()["status"] == "held"
    post_id = r.get_json()["id"]
    assert kinds(api, committee_member) == [] and kinds(api, owner) == []
    approve(api, staff, f"post:{post_id}")
    assert kinds(api, committee_member) == [("mention", post_id)]
    assert kinds(api, owner) == [("reply", post_id)]
    # hiding and restoring it again is no news
    for action in ("hide", "restore"):
        assert api.post("/moderation/actions", user=staff, json={
            "action": action, "target": f"post:{post_id}", "clause": "2.2", "reason": "复核"}).status_code == 201
    assert kinds(api, committee_member) == [("mention", post_id)]


def test_held_thread_mentioning_someone_notifies_when_approved(api, owner, committee_member, staff):
    r = start(api, owner, body="@李老师 低息贷款请联系我")
    assert r.get_json()["status"] == "held"
    assert kinds(api, committee_member) == []
    approve(api, staff, f"thread:{r.get_json()['id']}")
    (only,) = kinds(api, committee_member)
    assert only[0] == "mention"


def test_a_reply_that_also_mentions_the_author_is_one_notification(api, owner, resident):
    thread_id = start(api, owner).get_json()["id"]
    owner_name = api.get("/me", user=owner).get_json()["display_name"]
    post_id = api.post(f"/threads/{thread_id}/posts", user=resident,
                       json={"body": f"@{owner_name} 同意您的看法"}).get_json()["id"]
    assert kinds(api, owner) == [("reply", post_id)]


def test_an_edit_that_adds_a_mention_notifies_the_new_name_only(api, owner, resident, committee_member):
    thread_id = start(api, owner).get_json()["id"]
    post_id = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "先写一句"}).get_json()["id"]
    assert kinds(api, committee_member) == []
    assert api.patch(f"/posts/{post_id}", user=resident, json={"body": "先写一句 @李老师 请看"}).status_code == 200
    assert kinds(api, committee_member) == [("mention", post_id)]
    assert api.patch(f"/posts/{post_id}", user=resident, json={"body": "改一下 @李老师 请看看"}).status_code == 200
    assert kinds(api, committee_member) == [("mention", post_id)]
    assert kinds(api, owner) == [("reply", post_id)]
