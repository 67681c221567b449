"""The moderation pages over the test client: who may open each one, forms that act through the services,
errors shown beside their fields, what the sanctioned person reads, and what the committee oversees."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.boards import services as boards
from community.core.timeutil import frozen, utcnow
from community.extensions import db
from community.moderation import services as moderation
from community.moderation.models import Appeal, ModerationAction, ModeratorNote, Sanction
from tests.fixtures.people import PASSWORD, set_policy
from tests.test_web import csrf_from

STAFF_PAGES = ["/staff/moderation", "/staff/appeals", "/staff/appeals?status=lifted"]
OVERSIGHT_PAGES = [f"/committee/moderation?tab={tab}" for tab in
                   ("log", "hidden", "registrations", "appeals", "notes", "figures")] + \
                  ["/committee/moderation?tab=notes&user=1"]
STAFF_WRITES = [("/staff/moderation/act", {"target": "user:1", "sanction": "warn", "clause": "2.2", "reason": "x"}),
                ("/staff/moderation/claim", {"target": "user:1"}),
                ("/staff/moderation/notes", {"user_id": "1", "text": "x"}),
                ("/staff/appeals/1/decide", {"outcome": "lifted", "reason": "x"})]


def ids(paths) -> list[str]:
    """Test ids name the database file, so no query-string characters."""
    return ["".join(c if c.isascii() and c.isalnum() else "-" for c in p) for p in paths]


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0, chat_interval_s=0)


def sign_in(client, user):
    """Log in as ``user`` and read the pages in English, so that assertions can quote the interface."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    client.set_cookie("lang", "en")
    return client


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def errors(html: str) -> list[str]:
    return re.findall(r'<p class="error" role="alert">([^<]*)</p>', html)


@pytest.fixture
def thread(owner):
    return boards.start_thread(owner, "neighbours", "楼道堆放杂物", "五楼楼道又堆了纸箱，谁家的赶紧搬走。")


@pytest.fixture
def reported(thread, resident, vendor):
    moderation.report(resident, f"thread:{thread.id}", "2.2", "说话太冲")
    moderation.report(vendor, f"thread:{thread.id}", "2.4")
    return thread


def decide(client, target, **fields):
    return client.post("/staff/moderation/act", data={"target": target, **fields})


def actions(target=None) -> list[str]:
    query = select(ModerationAction.action).order_by(ModerationAction.id)
    if target:
        query = query.where(ModerationAction.target == target)
    return list(db.session.scalars(query))


# ---- who may open what ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", STAFF_PAGES + OVERSIGHT_PAGES + ["/standing"],
                         ids=ids(STAFF_PAGES + OVERSIGHT_PAGES + ["/standing"]))
def test_pages_need_a_login(client, path):
    r = client.get(path)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["owner", "resident", "vendor", "committee", "staff", "admin"])
@pytest.mark.parametrize("path", STAFF_PAGES, ids=ids(STAFF_PAGES))
def test_staff_pages_are_for_staff(client, everyone, role, path):
    expected = 200 if role in ("staff", "admin") else 403
    assert sign_in(client, everyone[role]).get(path).status_code == expected


@pytest.mark.parametrize("role", ["owner", "resident", "vendor", "committee", "staff", "admin"])
@pytest.mark.parametrize("path", OVERSIGHT_PAGES, ids=ids(OVERSIGHT_PAGES))
def test_oversight_is_for_committee_and_staff(client, everyone, role, path):
    expected = 200 if role in ("committee", "staff", "admin") else 403
    assert sign_in(client, everyone[role]).get(path).status_code == expected


@pytest.mark.parametrize("path,data", STAFF_WRITES, ids=ids(p for p, _ in STAFF_WRITES))
def test_committee_gets_403_on_every_staff_form(client, everyone, path, data):
    assert sign_in(client, everyone["committee"]).post(path, data=data).status_code == 403
    assert sign_in(client, everyone["owner"]).post(path, data=data).status_code == 403
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0
    assert db.session.scalar(select(func.count(ModeratorNote.id))) == 0


def test_forms_need_csrf(make_app, staff, reported):
    client = sign_in(make_app(WTF_CSRF_ENABLED=True).test_client(), staff)
    html = page(client.get("/staff/moderation"))
    target = f"thread:{reported.id}"
    fields = {"target": target, "action": "hide", "clause": "2.2", "reason": "核实属实"}
    assert decide(client, **fields).status_code == 400
    assert decide(client, **fields, csrf_token=csrf_from(html)).status_code == 302
    assert actions(target) == ["hide"]


def test_links_for_each_role(client, everyone):
    staff_home = page(sign_in(client, everyone["staff"]).get("/"))
    assert 'href="/staff/moderation"' in staff_home and 'href="/staff/appeals"' in staff_home
    nav = staff_home.split('class="bottomnav"')[1]
    assert 'href="/staff/moderation"' in nav and nav.count("<a ") <= 6
    admin_nav = page(sign_in(client, everyone["admin"]).get("/")).split('class="bottomnav"')[1]
    assert admin_nav.count("<a ") <= 6
    committee_home = page(sign_in(client, everyone["committee"]).get("/"))
    assert 'href="/committee/moderation"' in committee_home and 'href="/staff/moderation"' not in committee_home
    owner_home = page(sign_in(client, everyone["owner"]).get("/"))
    assert 'href="/standing"' in owner_home and "/committee/moderation" not in owner_home


# ---- the review queue ------------------------------------------------------------------------------

def test_queue_groups_reports_with_reporters_clauses_and_notes(client, staff, owner, reported):
    html = page(sign_in(client, staff).get("/staff/moderation"))
    item = html.split(f'data-target="thread:{reported.id}"')[1].split("</article>")[0]
    assert "2 reports" in item and "2 people" in item and "楼道堆放杂物" in item
    assert "不得辱骂" in item and "不得散布谣言" in item, "both cited clauses, with their text"
    assert "说话太冲" in item and owner.display_name in item
    assert 'value="lock"' in item and 'value="pin"' in item and 'value="restore"' not in item
    assert "Suggested next step for this person:" in item and "Warning" in item


def test_held_and_auto_hidden_items_are_marked(client, staff, owner, resident, vendor, committee_member, thread):
    set_policy(auto_hide_reports=2)
    held = boards.reply(resident, thread.id, "需要的话加微信")
    assert held.status == "held"
    moderation.report(vendor, f"thread:{thread.id}", "2.2")
    moderation.report(committee_member, f"thread:{thread.id}", "2.2")
    html = page(sign_in(client, staff).get("/staff/moderation"))
    held_item = html.split(f'data-target="post:{held.id}"')[1].split("</article>")[0]
    hidden_item = html.split(f'data-target="thread:{thread.id}"')[1].split("</article>")[0]
    assert "Held for review" in held_item and 'value="approve"' in held_item
    assert "Hidden after reports" in hidden_item and 'value="restore"' in hidden_item
    assert 'value="hide"' not in hidden_item


def test_hide_and_mute_in_one_decision(client, staff, owner, reported):
    target = f"thread:{reported.id}"
    r = decide(sign_in(client, staff), target, action="hide", sanction="mute", clause="2.2", reason="辱骂邻居",
               hours="72")
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/moderation")
    assert actions(target) == ["mute", "hide"]
    db.session.refresh(reported)
    assert reported.status == "hidden"
    sanction = db.session.scalar(select(Sanction).where(Sanction.user_id == owner.id))
    assert sanction.kind == "mute" and sanction.clause == "2.2" and sanction.reason == "辱骂邻居"
    assert timedelta(hours=71) < sanction.ends_at - sanction.created_at <= timedelta(hours=72)
    html = page(client.get("/staff/moderation"))
    assert f'data-target="{target}"' not in html and "Decision recorded" in html


def test_suspend_and_hide_while_the_author_has_chat_open(app, api, client, staff, owner, reported):
    from tests.test_chat import Socket
    sock = Socket(app, api, owner)
    assert sock.emit("join", {"room": "lobby"})["ok"] is True
    target = f"thread:{reported.id}"
    r = decide(sign_in(client, staff), target, action="hide", sanction="suspend", clause="2.2", reason="屡教不改",
               hours="24")
    assert r.status_code == 302 and r.headers["Location"].endswith("/staff/moderation")
    assert actions(target) == ["suspend", "hide"]
    db.session.refresh(reported)
    assert reported.status == "hidden"
    assert sock.connected is False and [e["kind"] for e in sock.received("sanctioned")] == ["suspend"]
    assert "Decision recorded" in page(client.get("/staff/moderation"))


@pytest.mark.parametrize("fields,field,message", [
    ({"action": "hide", "clause": "2.2"}, "reason", "This field is required."),
    ({"sanction": "mute", "reason": "刷屏", "clause": "2.2", "action": "hide"}, "hours",
     "Give the duration in whole hours."),
    ({"sanction": "warn", "reason": "刷屏", "action": "hide"}, "clause", "Cite a clause of the current rules."),
    ({"reason": "刷屏", "clause": "2.2"}, None, "Choose what happens to the content, to its author, or both."),
    ({"sanction": "suspend", "reason": "刷屏", "clause": "2.2", "hours": "0"}, "hours", None),
], ids=["no-reason", "mute-without-hours", "sanction-without-clause", "nothing-chosen", "zero-hours"])
def test_refused_decisions_show_beside_the_field_and_change_nothing(client, staff, reported, fields, field,
                                                                    message):
    target = f"thread:{reported.id}"
    html = page(decide(sign_in(client, staff), target, **fields))
    item = html.split(f'data-target="{target}"')[1].split("</article>")[0]
    found = errors(item)
    assert found and (message is None or message in found), found
    if field:
        assert re.search(rf'<div class="field has-error">\s*<label for="{field}-\d+"', item), item
    assert actions() == [] and reported.status == "visible"
    if "reason" in fields:
        assert fields["reason"] in item, "what was typed is kept"


def test_suggestion_prefills_the_hours(client, staff, owner, reported):
    moderation.act(staff, {"action": "warn", "target": f"user:{owner.id}", "clause": "2.2", "reason": "第一次"})
    html = page(sign_in(client, staff).get("/staff/moderation"))
    item = html.split(f'data-target="thread:{reported.id}"')[1].split("</article>")[0]
    assert "Suggested next step for this person:" in item and "Mute 24 h" in re.sub(r"\s+", " ", item)
    assert re.search(r'id="hours-\d+"[^>]*value="24"', item)


def test_staff_authors_are_not_offered_sanctions(client, staff, admin, resident):
    notice = boards.start_thread(staff, "neighbours", "停水通知", "明天上午九点到十二点停水。")
    moderation.report(resident, f"thread:{notice.id}", "2.4")
    html = page(sign_in(client, admin).get("/staff/moderation"))
    item = html.split(f'data-target="thread:{notice.id}"')[1].split("</article>")[0]
    assert 'name="sanction"' not in item and 'name="action"' in item


def test_claim_and_a_second_staff_member(client, staff, admin, reported):
    target = f"thread:{reported.id}"
    r = sign_in(client, staff).post("/staff/moderation/claim", data={"target": target})
    assert r.status_code == 302
    item = page(client.get("/staff/moderation")).split(f'data-target="{target}"')[1].split("</article>")[0]
    assert "You are handling this" in item and 'action="/staff/moderation/claim"' not in item
    sign_in(client, admin).post("/staff/moderation/claim", data={"target": target})
    html = page(client.get("/staff/moderation"))
    assert "Another staff member is handling this." in html
    assert f"Handled by {staff.display_name}" in html


def test_notes_about_the_author_reach_the_committee(client, staff, committee_member, owner, reported):
    r = sign_in(client, staff).post("/staff/moderation/notes", data={"user_id": str(owner.id), "text": "多次提醒仍不改"})
    assert r.status_code == 302
    html = page(sign_in(client, committee_member).get(f"/committee/moderation?tab=notes&user={owner.id}"))
    assert "多次提醒仍不改" in html and staff.display_name in html and owner.display_name in html
    assert "No notes about this person." in page(client.get(f"/committee/moderation?tab=notes&user={staff.id}"))


# ---- the person's side -----------------------------------------------------------------------------

@pytest.fixture
def muted(staff, owner, reported):
    moderation.act(staff, {"action": "hide", "target": f"thread:{reported.id}", "clause": "2.2", "reason": "辱骂"})
    _record, sanction = moderation.act(staff, {"action": "mute", "target": f"thread:{reported.id}", "clause": "2.2",
                                               "reason": "辱骂邻居", "hours": 72})
    return sanction


def test_standing_shows_reason_clause_end_and_appeal(client, owner, muted):
    html = page(sign_in(client, owner).get("/standing"))
    card = html.split(f'id="sanction-{muted.id}"')[1].split("</article>")[0]
    assert "辱骂邻居" in card and "不得辱骂、人身攻击" in card and "In force" in card
    local_end = (muted.ends_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")  # Asia/Shanghai
    assert local_end in card and f"Muted until {local_end}" in html
    assert f'href="/appeal/{muted.id}"' in card and owner.phone not in card


def test_notifications_link_to_standing(client, owner, staff, muted):
    html = page(sign_in(client, owner).get("/notifications"))
    entry = html.split('data-kind="sanction"')[1].split("</li>")[0]
    assert 'href="/standing"' in entry and "see why and how to appeal" in entry


def test_muted_reply_says_until_when(client, staff, owner, muted):
    other = boards.start_thread(staff, "neighbours", "物业通知", "本周六消杀。")
    local_end = (muted.ends_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    html = page(sign_in(client, owner).post(f"/threads/{other.id}", data={"body": "收到", "publish": "1"}))
    assert f"You are muted until {local_end}." in html and 'href="/standing"' in html
    html = page(client.post("/boards/neighbours/new", data={"title": "问一下", "body": "有人吗", "publish": "1"}))
    assert f"You are muted until {local_end}." in html


def test_appeal_from_the_standing_page_returns_there(client, owner, muted):
    sign_in(client, owner)
    form = page(client.get(f"/appeal/{muted.id}"))
    assert "辱骂邻居" in form and 'name="password"' not in form and 'name="sanction_id"' not in form
    r = client.post(f"/appeal/{muted.id}", data={"text": "我没有骂人，是误会"})
    assert r.status_code == 302 and r.headers["Location"] == "/standing"
    card = page(client.get("/standing")).split(f'id="sanction-{muted.id}"')[1].split("</article>")[0]
    assert "waiting for a decision" in card and "Received" in card and "not yet" in card
    assert client.post(f"/appeal/{muted.id}", data={"text": "again"}).headers["Location"] == "/standing"
    assert db.session.scalar(select(func.count()).select_from(Appeal)) == 1


def test_an_appeal_needs_its_text_and_its_own_sanction(client, owner, staff, muted):
    sign_in(client, owner)
    html = client.post(f"/appeal/{muted.id}", data={"text": ""}).get_data(as_text=True)
    assert 'class="error"' in html
    assert client.get(f"/appeal/{muted.id + 999}").status_code == 404
    with client.session_transaction() as session:
        session.clear()
    assert client.get(f"/appeal/{muted.id}").headers["Location"] == "/appeal"
    assert client.get("/appeal").headers["Location"] == "/login"


def test_the_decision_and_its_reason_reach_the_appellant(client, owner, staff, muted):
    moderation.appeal({"phone": owner.phone, "password": PASSWORD, "sanction_id": muted.id, "text": "误会"})
    appeal = db.session.scalar(select(Appeal))
    moderation.decide_appeal(staff, appeal.id, "lifted", "经核实系误会")
    card = page(sign_in(client, owner).get("/standing")).split(f'id="sanction-{muted.id}"')[1].split("</article>")[0]
    assert "the sanction was lifted" in card and "经核实系误会" in card and 'class="decided"' in card
    mine = client.get("/api/v1/appeals/mine").get_json()["items"]
    assert [(a["status"], a["reason"], a["sanction"]["kind"]) for a in mine] == [("lifted", "经核实系误会", "mute")]


def test_suspended_login_shows_the_facts_and_the_appeal(client, staff, owner):
    _record, sanction = moderation.act(staff, {"action": "suspend", "target": f"user:{owner.id}", "clause": "2.2",
                                               "reason": "多次辱骂", "hours": 24})
    client.set_cookie("lang", "en")
    r = client.post("/login", data={"phone": owner.phone, "password": PASSWORD})
    html = r.get_data(as_text=True)
    local_end = (sanction.ends_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert r.status_code == 403 and "多次辱骂" in html and "不得辱骂" in html
    assert f"suspended until {local_end}" in html
    assert f'href="/appeal/{sanction.id}"' in html and owner.phone not in html


def test_a_suspended_person_appeals_without_retyping_and_sees_the_status(client, staff, owner):
    _record, sanction = moderation.act(staff, {"action": "suspend", "target": f"user:{owner.id}", "clause": "2.2",
                                               "reason": "多次辱骂", "hours": 24})
    client.set_cookie("lang", "en")
    assert client.post("/login", data={"phone": owner.phone, "password": PASSWORD}).status_code == 403
    form = client.get(f"/appeal/{sanction.id}").get_data(as_text=True)
    assert "多次辱骂" in form and 'name="password"' not in form and 'name="phone"' not in form
    r = client.post(f"/appeal/{sanction.id}", data={"text": "我愿意道歉"})
    assert r.status_code == 302 and r.headers["Location"] == "/barred"
    r = client.get("/barred")
    html = r.get_data(as_text=True)
    assert r.status_code == 403 and "waiting for a decision" in html and "Received" in html
    assert client.get("/standing").status_code == 302  # the pass opens the appeal pages, not the community
    appeal = db.session.scalar(select(Appeal))
    moderation.decide_appeal(staff, appeal.id, "upheld", "证据充分")
    html = client.get("/barred").get_data(as_text=True)
    assert "the sanction stands" in html and "证据充分" in html


def test_the_appellant_pass_ends_with_the_credentials(client, staff, owner):
    from community.accounts import sessions
    _record, sanction = moderation.act(staff, {"action": "suspend", "target": f"user:{owner.id}", "clause": "2.2",
                                               "reason": "多次辱骂", "hours": 24})
    client.post("/login", data={"phone": owner.phone, "password": PASSWORD})
    code, _expires = sessions.issue_reset_code(staff, owner.id)
    sessions.reset_password(owner.phone, code, "a-new-long-passphrase")
    assert client.get(f"/appeal/{sanction.id}").headers["Location"] == "/appeal"
    assert client.get("/barred").headers["Location"] == "/login"


def test_blacklisted_login_shows_reentry(client, staff, owner):
    moderation.act(staff, {"action": "blacklist", "target": f"user:{owner.id}", "clause": "2.1", "reason": "诈骗",
                           "reentry": "一年后可向物业申请"})
    client.set_cookie("lang", "en")
    html = client.post("/login", data={"phone": owner.phone, "password": PASSWORD}).get_data(as_text=True)
    assert "Removed from the community" in html and "一年后可向物业申请" in html and "further notice" in html


# ---- appeals, for staff ----------------------------------------------------------------------------

@pytest.fixture
def appeal(owner, muted):
    return moderation.appeal({"phone": owner.phone, "password": PASSWORD, "sanction_id": muted.id,
                              "text": "我没有骂人，是误会"})


def test_open_appeals_show_the_facts_and_the_text(client, staff, owner, appeal, muted):
    html = page(sign_in(client, staff).get("/staff/appeals"))
    card = html.split(f'id="appeal-{appeal.id}"')[1].split("</article>")[0]
    assert "我没有骂人，是误会" in card and "辱骂邻居" in card and "不得辱骂" in card
    assert owner.display_name in card and f"#{muted.id}" in card and 'name="outcome"' in card


@pytest.mark.parametrize("fields,message", [({"reason": "证据不足"}, "Choose a decision."),
                                            ({"outcome": "lifted"}, "This field is required.")],
                         ids=["no-outcome", "no-reason"])
def test_a_decision_needs_outcome_and_reason(client, staff, appeal, fields, message):
    html = page(sign_in(client, staff).post(f"/staff/appeals/{appeal.id}/decide", data=fields))
    card = html.split(f'id="appeal-{appeal.id}"')[1].split("</article>")[0]
    assert message in errors(card)
    assert moderation.appeals(staff, "open")[0].id == appeal.id


def test_lifting_on_appeal_is_logged_and_told(client, staff, owner, committee_member, appeal, muted):
    r = sign_in(client, staff).post(f"/staff/appeals/{appeal.id}/decide",
                                    data={"outcome": "lifted", "reason": "证据不足"})
    assert r.status_code == 302
    assert "No appeals here." in page(client.get("/staff/appeals"))
    assert "证据不足" in page(client.get("/staff/appeals?status=lifted"))
    assert actions(f"sanction:{muted.id}") == ["lift"]
    standing = page(sign_in(client, owner).get("/standing"))
    assert "the sanction was lifted" in standing and "Muted until" not in standing
    assert 'data-kind="appeal_decided"' in page(client.get("/notifications"))
    notice = boards.start_thread(staff, "neighbours", "停电通知", "周日上午检修线路。")
    assert boards.reply(owner, notice.id, "收到，谢谢").status == "visible", "may write again"
    log = page(sign_in(client, committee_member).get("/committee/moderation?tab=log"))
    assert [a for a in re.findall(r'data-action="(\w+)"', log)] == ["lift", "mute", "hide"]
    appeals = page(client.get("/committee/moderation?tab=appeals"))
    assert 'data-status="lifted"' in appeals and "证据不足" in appeals and "我没有骂人" in appeals


def test_a_decided_appeal_cannot_be_decided_again(client, staff, admin, appeal):
    moderation.decide_appeal(admin, appeal.id, "upheld", "属实")
    html = page(sign_in(client, staff).post(f"/staff/appeals/{appeal.id}/decide",
                                            data={"outcome": "lifted", "reason": "再看看"}))
    assert "This appeal has already been decided." in html


# ---- oversight -------------------------------------------------------------------------------------

def test_log_and_hidden_tabs(client, staff, owner, committee_member, muted, reported):
    sign_in(client, committee_member)
    log = page(client.get("/committee/moderation"))
    entry = log.split('data-action="mute"')[1].split("</li>")[0]
    assert staff.display_name in entry and owner.display_name in entry and "辱骂邻居" in entry
    assert "不得辱骂" in entry and "楼道堆放杂物" in entry, "clause text and the snapshot of the content"
    hidden = page(client.get("/committee/moderation?tab=hidden"))
    item = hidden.split(f'data-target="thread:{reported.id}"')[1].split("</li>")[0]
    assert f"Hidden by {staff.display_name}" in item and "Clause 2.2" in item


def test_registrations_tab_links_to_decisions(client, committee_member, make_user, staff):
    html = page(sign_in(client, committee_member).get("/committee/moderation?tab=registrations"))
    assert 'href="/staff/registrations?status=rejected"' in html
    assert client.get("/staff/registrations?status=rejected").status_code == 200


def test_figures_tab(client, staff, admin, owner, committee_member, reported, appeal):
    moderation.decide_appeal(admin, appeal.id, "upheld", "属实")
    html = page(sign_in(client, committee_member).get("/committee/moderation?tab=figures"))
    table = html.split('<table class="table figures">')[1].split("</table>")[0]
    month = utcnow().strftime("%Y-%m")
    assert f"<caption>{month}</caption>" in table
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>\s*(.*?)\s*</td>', table, re.S))
    assert rows["Reports received"] == "2" and rows["Appeals upheld"] == "1" and rows["Appeals lifted"] == "0"
    assert f"{staff.display_name}: 2" in rows["Actions per staff member"]
    assert rows["Median time to handle"].endswith("min")


def test_expired_mute_reads_as_ended(client, owner, muted):
    with frozen(utcnow() + timedelta(hours=73)):
        html = page(sign_in(client, owner).get("/standing"))
    assert "In good standing" in html and "Ended" in html


def test_reports_on_acceptable_content_are_dismissed_from_the_page(client, staff, resident, thread):
    moderation.report(resident, f"thread:{thread.id}", "2.4", "我觉得是谣言")
    html = page(sign_in(client, staff).get("/staff/moderation"))
    item = html.split(f'data-target="thread:{thread.id}"')[1].split("</article>")[0]
    assert 'value="dismiss"' in item
    assert decide(client, f"thread:{thread.id}", action="dismiss", sanction="", clause="",
                  reason="经核实内容属实").status_code == 302
    assert f'data-target="thread:{thread.id}"' not in page(client.get("/staff/moderation"))
    assert db.session.scalar(select(func.count(ModerationAction.id)).where(
        ModerationAction.action == "dismiss", ModerationAction.target == f"thread:{thread.id}")) == 1
    db.session.refresh(thread)
    assert thread.status == "visible"
