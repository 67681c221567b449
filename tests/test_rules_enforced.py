"""Each outcome of the one rules check, through the boards API (chat uses the same function)."""

from datetime import timedelta

import pytest

from community.extensions import db
from community.rules import services as rules
from tests.conftest import error_of
from tests.fixtures.people import set_policy


@pytest.fixture
def quiet(app):
    set_policy(post_interval_s=0)


def post(api, user, body, title="普通标题"):
    return api.post("/boards/neighbours/threads", user=user, json={"title": title, "body": body})


def test_block_word_is_422_with_clause(api, owner, quiet):
    r = post(api, owner, "这里有赌博网站推荐")
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "rule_violation" and err["clause"] == "2.1" and "2.1" in err["message"]


@pytest.mark.parametrize("evasion", ["赌 博 网 站", "赌.博.网.站", "赌😀博😀网😀站", "赌\u200b博网站", "赌-博_网*站"])
def test_evasions_still_block(api, owner, quiet, evasion):
    assert post(api, owner, f"推荐一个{evasion}给大家").status_code == 422


def test_fullwidth_and_case_evasions(api, owner, admin, quiet):
    set_policy(words=[{"word": "spam", "action": "block", "clause": "3.1"}])
    for text in ("buy ＳＰＡＭ now", "buy SpAm now", "buy s p a m now"):
        assert post(api, owner, text).status_code == 422, text
    assert post(api, owner, "a spammer-free estate").status_code in (201, 422)


def test_title_is_checked_too(api, owner, quiet):
    assert post(api, owner, "正常内容正常内容", title="赌博网站").status_code == 422


def test_mask_word_is_replaced(api, owner, resident, quiet):
    r = post(api, owner, "这个人真是个王八蛋")
    assert r.status_code == 201 and r.get_json()["status"] == "visible"
    html = api.get(f"/threads/{r.get_json()['id']}", user=resident).get_json()["body_html"]
    assert "王八蛋" not in html and "***" in html


def test_review_word_is_held(api, owner, resident, staff, quiet):
    r = post(api, owner, "低息贷款请联系我")
    assert r.status_code == 201 and r.get_json()["status"] == "held"
    thread_id = r.get_json()["id"]
    assert api.get(f"/threads/{thread_id}", user=resident).status_code == 404
    assert api.get(f"/threads/{thread_id}", user=owner).get_json()["status"] == "held"
    assert api.get(f"/threads/{thread_id}", user=staff).status_code == 200
    assert thread_id not in [t["id"] for t in api.get("/boards/neighbours/threads", user=resident).get_json()["items"]]


def test_held_reply_not_seen_by_others(api, owner, resident, staff, quiet):
    thread_id = post(api, owner, "正常的话题内容").get_json()["id"]
    r = api.post(f"/threads/{thread_id}/posts", user=resident, json={"body": "有需要加微信聊"})
    assert r.get_json()["status"] == "held"
    assert api.get(f"/threads/{thread_id}", user=owner).get_json()["posts"] == []
    assert len(api.get(f"/threads/{thread_id}", user=resident).get_json()["posts"]) == 1
    assert len(api.get(f"/threads/{thread_id}", user=staff).get_json()["posts"]) == 1


def test_links_limited_for_new_users(api, owner, quiet):
    set_policy(new_user_days=7, new_user_max_links=1)
    assert post(api, owner, "看这里 https://example.com/a").status_code == 201
    r = post(api, owner, "看 https://example.com/a 和 https://example.org/b")
    assert r.status_code == 422 and error_of(r)["clause"]


def test_links_allowed_for_established_users(api, owner, quiet):
    set_policy(new_user_days=7, new_user_max_links=0)
    owner.registration.decided_at -= timedelta(days=30)
    db.session.commit()
    assert post(api, owner, "看 https://example.com/a 和 https://example.org/b").status_code == 201


def test_post_interval(api, owner):
    set_policy(post_interval_s=30)
    assert post(api, owner, "第一条消息内容").status_code == 201
    r = post(api, owner, "第二条消息内容")
    assert r.status_code == 422 and error_of(r)["code"] == "rule_violation"


def test_daily_cap(api, owner, quiet):
    set_policy(daily_cap_post=3)
    for i in range(3):
        assert post(api, owner, f"第{i}条内容不同").status_code == 201
    assert post(api, owner, "第四条内容也不同").status_code == 422


def test_same_text_again_is_refused(api, owner, quiet):
    assert post(api, owner, "出售九成新婴儿车").status_code == 201
    assert post(api, owner, "出售九成新婴儿车").status_code == 422
    assert post(api, owner, "出售 九成新 婴儿车！").status_code == 422


def test_minimum_length(api, owner, quiet):
    assert post(api, owner, "嗯").status_code == 422


def test_refusal_in_english(api, owner, quiet):
    r = api.post("/boards/neighbours/threads", user=owner, json={"title": "t t", "body": "赌博网站"},
                 headers={"Accept-Language": "en"})
    assert "clause 2.1" in error_of(r)["message"]


def test_new_rules_version_must_be_accepted(api, owner, admin, quiet):
    current = rules.current()
    r = api.post("/rules", user=admin, json={"text": "第二版", "clauses": current.clauses + [
        {"id": "5.2", "text": "新增条款"}], "policy": current.policy})
    assert r.status_code == 201 and r.get_json()["version"] == 2
    assert api.post("/rules/2/adopt", user=admin, json={}).status_code == 200
    r = post(api, owner, "规则更新后发帖")
    assert r.status_code == 403 and error_of(r)["code"] == "rules_not_accepted"
    assert api.post("/me/accept-rules", user=owner, json={"version": 2}).status_code == 200
    assert post(api, owner, "规则更新后发帖").status_code == 201
    assert api.get("/rules", user=owner).get_json()["version"] == 2


def test_only_admin_drafts_and_adopts(api, owner, staff, committee_member):
    current = rules.current()
    body = {"text": "x", "clauses": current.clauses, "policy": current.policy}
    for user in (owner, staff, committee_member):
        assert api.post("/rules", user=user, json=body).status_code == 403
        assert api.post("/rules/1/adopt", user=user, json={}).status_code == 403


def test_bad_drafts(api, admin):
    current = rules.current()
    good = {"text": "x", "clauses": current.clauses, "policy": current.policy}
    for bad, field in [({**good, "clauses": []}, "clauses"),
                       ({**good, "policy": {**current.policy, "post_interval_s": -1}}, "policy.post_interval_s"),
                       ({**good, "policy": {**current.policy, "words": [{"word": "x", "action": "zap",
                                                                        "clause": "2.1"}]}}, "policy.words[0].action"),
                       ({**good, "policy": {**current.policy, "words": [{"word": "x", "action": "block",
                                                                        "clause": "9.9"}]}}, "policy.words[0].clause")]:
        r = api.post("/rules", user=admin, json=bad)
        assert r.status_code == 400 and error_of(r)["field"] == field


def test_adopting_twice_conflicts(api, admin):
    assert api.post("/rules/1/adopt", user=admin, json={}).status_code == 409


def test_staff_edit_words_audited(api, staff, admin, owner, quiet):
    current = rules.current()
    words = current.policy["words"] + [{"word": "团购群", "action": "block", "clause": "3.1"}]
    r = api.patch("/rules/policy", user=staff, json={"words": words})
    assert r.status_code == 200
    assert post(api, owner, "欢迎加入团购群").status_code == 422
    log = api.get("/audit?limit=200", user=admin).get_json()["items"]
    entry = next(e for e in log if e["action"] == "rules.policy_edited")
    assert entry["detail"]["words_added"] == ["团购群"]
    assert api.patch("/rules/policy", user=owner, json={"words": []}).status_code == 403
    assert api.patch("/rules/policy", user=staff, json={"text": "x"}).status_code == 400


def test_adoption_may_cite_only_a_vote_that_passed(api, admin, committee_member, no_notice, second_member):
    from tests.fixtures.people import ROSTER
    from tests.test_votes import opened, paper

    def vote(choice: str) -> int:
        vote_id = opened(api, committee_member, matter=2, title="修订交互规则")
        for unit in ROSTER:
            # 1-1-101 and 1-1-102 are one voter (王伟): the second of them is a conflict, as a second ballot is
            assert paper(api, committee_member, vote_id, unit["code"], choice, confirm=second_member) \
                .get_json()["status"] in ("counted", "conflict")
        return vote_id

    carried, refused, still_open = vote("yes"), vote("no"), opened(api, committee_member, matter=2)
    for vote_id in (carried, refused):
        assert api.post(f"/votes/{vote_id}/close", user=committee_member,
                        json={"reason": "全体业主均已表决"}).status_code == 200
    current = rules.current()
    version = api.post("/rules", user=admin, json={"text": "第二版", "clauses": current.clauses,
                                                   "policy": current.policy}).get_json()["version"]
    for cited in (refused, still_open, 987654, "1", True):
        r = api.post(f"/rules/{version}/adopt", user=admin, json={"vote_id": cited})
        assert r.status_code == 400 and error_of(r)["field"] == "vote_id", cited
    assert rules.current_version() == current.version
    assert api.post(f"/rules/{version}/adopt", user=admin, json={"vote_id": carried}).status_code == 200
    assert rules.current().vote_id == carried


def test_an_adopted_policy_sets_the_length_limits(api, owner, quiet):
    """No service keeps a limit of its own below the rules': raising max_length_post lets longer posts in."""
    long_body = "小区停车位的分配办法建议如下。" * 1700  # 25,500 characters
    assert post(api, owner, long_body).status_code == 422
    set_policy(max_length_post=30000)
    assert post(api, owner, long_body).status_code == 201
    set_policy(max_length_post=100)
    r = post(api, owner, "小区停车位的分配办法建议如下。" * 10)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "rule_violation"
