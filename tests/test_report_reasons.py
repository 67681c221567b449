"""Report reasons as people think of them (辱骂攻击 / 广告 / 谣言 / 泄露隐私 / 其他), each standing for the prohibiting
clauses of the adopted rules only: the mapping, the API's additive ``reason``, the report page (posts, threads,
people and chat messages) and the queue, where staff still see the clauses."""

import pytest

from community.boards import services as boards
from community.chat import services as chat
from community.extensions import db
from community.moderation.models import Report
from community.rules import reasons
from community.rules import services as rules
from tests.conftest import error_of
from tests.fixtures.people import set_policy
from tests.test_board_views import sign_in

NOT_PROHIBITIONS = ("1.1", "3.2", "4.1", "4.2", "4.3", "5.1")


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0, auto_hide_reports=0)


@pytest.fixture
def post(owner):
    found = boards.start_thread(owner, "neighbours", "楼下噪音", "每天晚上十二点还有装修声音。")
    return boards.reply(owner, found.id, "谁再吵我就去找他算账。")


def test_the_adopted_rules_map_each_reason_to_prohibiting_clauses_only(app):
    found = reasons.mapping(rules.current().clauses)
    assert found == {"abuse": ["2.2"], "advertising": ["3.1"], "rumour": ["2.4"], "privacy": ["2.3"],
                     "other": ["1.2", "2.1", "3.3"]}
    offered = {c["id"] for r in reasons.offered(rules.current().clauses) for c in r["clauses"]}
    assert offered.isdisjoint(NOT_PROHIBITIONS)


def test_clause_metadata_wins_and_renumbered_text_falls_back_to_prohibitions():
    clauses = [{"id": "1.1", "text": "本规则由物业与业委会共同制定。"},
               {"id": "2.2", "text": "小区绿化由物业负责。"},  # renumbered: 2.2 is no longer about abuse
               {"id": "2.5", "text": "不得在群内辱骂他人。", "reason": "abuse"},
               {"id": "2.6", "text": "不得遛狗不牵绳。"},
               {"id": "2.7", "text": "不得张贴小广告。", "reason": "none"}]
    assert reasons.mapping(clauses) == {"abuse": ["2.5"], "advertising": [], "rumour": [], "privacy": [],
                                        "other": ["2.6"]}
    assert [r["reason"] for r in reasons.offered(clauses)] == ["abuse", "other"]


def test_api_reason_cites_its_clause_and_clause_alone_still_works(api, owner, resident, post):
    r = api.post("/reports", user=resident, json={"target": f"post:{post.id}", "reason": "abuse"})
    assert r.status_code == 201 and r.get_json()["clause"] == "2.2" and r.get_json()["reason"] == "abuse"
    r = api.post("/reports", user=resident, json={"target": f"user:{owner.id}", "clause": "2.4"})
    assert r.status_code == 201 and r.get_json()["reason"] == "rumour"
    thread = f"thread:{post.thread_id}"
    r = api.post("/reports", user=resident, json={"target": thread, "reason": "other", "clause": "2.1"})
    assert r.status_code == 201 and r.get_json()["clause"] == "2.1"


@pytest.mark.parametrize("body,field", [
    ({"reason": "spam"}, "reason"), ({"reason": 3}, "reason"), ({"reason": "abuse", "clause": "2.4"}, "clause"),
    ({"reason": "other", "clause": "1.1"}, "clause"), ({"reason": "other"}, "note"), ({}, "clause")])
def test_api_refuses_reasons_and_clauses_that_do_not_fit(api, resident, post, body, field):
    r = api.post("/reports", user=resident, json={"target": f"post:{post.id}"} | body)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_other_with_a_note_leaves_the_clause_to_staff(api, resident, staff, post):
    r = api.post("/reports", user=resident, json={"target": f"post:{post.id}", "reason": "other",
                                                  "note": "他在群里发了别人的车牌"})
    assert r.status_code == 201 and r.get_json()["clause"] is None
    item = next(i for i in api.get("/moderation/queue", user=staff).get_json()["items"]
                if i["target"] == f"post:{post.id}")
    assert item["reasons"] == ["other"] and item["clauses"] == [] and item["notes"] == ["他在群里发了别人的车牌"]


def test_rules_api_lists_the_reasons(api):
    body = api.get("/rules").get_json()
    assert body["reasons"]["abuse"] == ["2.2"] and all("1.1" not in ids for ids in body["reasons"].values())


def test_report_page_offers_the_short_list_and_never_a_clause_that_prohibits_nothing(client, resident, post):
    page = sign_in(client, resident).get(f"/report?target=post:{post.id}").get_data(as_text=True)
    for label in ("辱骂攻击", "广告", "谣言", "泄露隐私", "其他"):
        assert label in page
    assert "共同制定" not in page and 'value="1.1"' not in page and "链接数量" not in page
    assert 'value="2.1"' in page  # "other" may name its clause
    r = client.post(f"/report?target=post:{post.id}", data={"reason": "privacy"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#post-{post.id}")
    stored = db.session.scalars(db.select(Report).where(Report.target == f"post:{post.id}")).one()
    assert (stored.reason, stored.clause) == ("privacy", "2.3")


def test_report_page_in_english(client, resident, post):
    page = sign_in(client, resident).get(f"/report?target=post:{post.id}&lang=en").get_data(as_text=True)
    for label in ("Abuse or attack", "Advertising", "Rumour", "Privacy leak", "Other"):
        assert label in page


def test_report_page_asks_for_a_reason_and_for_a_note_under_other(client, resident, post):
    sign_in(client, resident)
    r = client.post(f"/report?target=post:{post.id}", data={})
    assert r.status_code == 200 and "请选择举报原因" in r.get_data(as_text=True)
    r = client.post(f"/report?target=post:{post.id}", data={"reason": "other"})
    assert r.status_code == 200 and 'role="alert"' in r.get_data(as_text=True)
    assert db.session.scalar(db.select(Report.id)) is None
    r = client.post(f"/report?target=post:{post.id}", data={"reason": "other", "clause": "3.3"})
    assert r.status_code == 302


def test_a_chat_message_is_reported_from_its_page_and_back_to_its_room(client, owner, resident):
    message, _created = chat.send(owner, "lobby", "加我微信买便宜烟", "c-1")
    sign_in(client, resident)
    page = client.get(f"/report?target=message:{message['id']}").get_data(as_text=True)
    assert "加我微信买便宜烟" in page and "举报消息" in page
    r = client.post(f"/report?target=message:{message['id']}", data={"reason": "advertising"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/chat/lobby")
    assert db.session.scalar(db.select(Report.clause).where(Report.target == f"message:{message['id']}")) == "3.1"


def test_the_queue_shows_the_reason_and_the_clause(client, resident, staff, post):
    sign_in(client, resident).post(f"/report?target=post:{post.id}", data={"reason": "abuse"})
    page = sign_in(client, staff).get("/staff/moderation").get_data(as_text=True)
    assert "辱骂攻击" in page and "不得辱骂、人身攻击" in page
