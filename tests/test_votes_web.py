"""The vote pages over the test client: who sees which page, the ballot form, the receipt shown once, checking a
receipt, the committee's forms, and no inline script or style anywhere (CSP)."""

import re
from datetime import timedelta

import pytest

from community.core.timeutil import utcnow
from community.extensions import db
from community.votes.models import Vote
from tests import test_votes
from tests.fixtures.people import PASSWORD
from tests.fixtures.votes import no_notice  # noqa: F401
from tests.test_votes import ballot, draft, opened
from tests.test_web import csrf_from

owners = test_votes.owners  # the fixtures, shared
second_member = test_votes.second_member
pytestmark = pytest.mark.usefixtures("no_notice")  # single-motion votes open at once, as they always did

ROLES = ["owner", "committee", "resident", "vendor", "staff", "admin"]


def log_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def page(client, path: str, status: int = 200) -> str:
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code)
    html = r.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
    assert not re.search(r"\son[a-z]+\s*=", html) and " style=" not in html, path
    return html


@pytest.fixture
def csrf_app(make_app, roster, staff):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_list_vote_and_result(client, api, everyone, role):
    member = everyone["committee"]
    vote_id = opened(api, member)
    closed = opened(api, member, title="已结束的表决", secret=True)
    api.post(f"/votes/{closed}/close", user=member, json={"reason": "测试"})
    log_in(client, everyone[role])
    assert "更换物业服务企业" in page(client, "/votes")
    html = page(client, f"/votes/{vote_id}")
    assert 'data-turnout-url="/api/v1/votes/' in html and "<meter" in html
    assert (f"/votes/{vote_id}/paper" in html) is (role == "committee")
    html = page(client, f"/votes/{closed}/result")
    assert 'id="check-participation-persons"' in html and "0 / 5" in html
    assert client.get(f"/votes/{vote_id}/result").status_code == 302  # not closed yet
    assert client.get(f"/votes/{closed}/result.csv").status_code == 200


@pytest.mark.parametrize("path", ["/votes/new", "/votes/{id}/edit", "/votes/{id}/paper"])
@pytest.mark.parametrize("role", ["owner", "resident", "vendor", "staff", "admin"])
def test_committee_pages_refuse_others(client, api, everyone, path, role):
    vote_id = draft(api, everyone["committee"])
    log_in(client, everyone[role])
    assert client.get(path.format(id=vote_id)).status_code == 403
    for action in ("open", "close"):
        assert client.post(f"/votes/{vote_id}/{action}").status_code == 403


def test_pages_send_anonymous_to_login(client):
    for path in ("/votes", "/votes/1", "/votes/new", "/votes/1/result", "/votes/1/paper"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"], path


def test_unknown_vote_pages_are_404(client, committee_member):
    log_in(client, committee_member)
    for path in ("/votes/99", "/votes/99/result", "/votes/99/edit", "/votes/99/paper"):
        assert client.get(path).status_code == 404, path


def test_an_owner_votes_through_the_page_and_sees_the_receipt_once(csrf_app, api, committee_member, owner):
    vote_id = opened(api, committee_member, secret=True)
    client = csrf_app.test_client()
    login = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"phone": owner.phone, "password": PASSWORD, "csrf_token": csrf_from(login)})
    html = page(client, f"/votes/{vote_id}")
    assert "1-1-101, 1-1-102" in html and 'name="choice" value="yes"' in html
    assert client.post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "unit": "1-1-101"}).status_code == 400

    r = client.post(f"/votes/{vote_id}/ballot", data={"choice": "no", "unit": "1-1-101", "csrf_token": csrf_from(html)})
    assert r.status_code == 302
    html = page(client, f"/votes/{vote_id}")
    code = re.search(r'<p class="receipt-code"><code>([0-9A-Z-]{23})</code>', html).group(1)
    assert 'name="choice"' not in html and "1-1-101, 1-1-102" in html
    assert code not in page(client, f"/votes/{vote_id}")  # shown once

    r = client.post(f"/votes/{vote_id}/receipt", data={"code": code.lower(), "csrf_token": csrf_from(html)})
    assert r.status_code == 200 and "Counted, as:" not in r.get_data(as_text=True)  # Chinese by default
    assert "否" in r.get_data(as_text=True)
    r = client.post(f"/votes/{vote_id}/receipt", data={"code": "0000000000", "csrf_token": csrf_from(html)})
    assert r.status_code == 200 and 'role="alert"' in r.get_data(as_text=True)
    r = client.post(f"/votes/{vote_id}/ballot", data={"choice": "yes", "unit": "1-1-101",
                                                       "csrf_token": csrf_from(html)}, follow_redirects=True)
    assert 'flash-error' in r.get_data(as_text=True)


def test_a_missing_choice_is_shown_on_the_form(client, api, committee_member, owner):
    vote_id = opened(api, committee_member)
    log_in(client, owner)
    r = client.post(f"/votes/{vote_id}/ballot", data={"unit": "1-1-101"})
    assert r.status_code == 400 and 'role="alert"' in r.get_data(as_text=True)


def test_the_committee_drafts_edits_opens_records_paper_and_closes(client, committee_member, owners,
                                                                   second_member):
    log_in(client, committee_member)
    page(client, "/votes/new")
    closes = (utcnow() + timedelta(days=30)).replace(hour=12, minute=0, second=0, microsecond=0)
    local = (closes + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")  # the estate's time zone: Asia/Shanghai
    r = client.post("/votes/new", data={"title": "增设电动车充电桩", "body": "在地下车库增设充电桩。", "matter": "8",
                                        "closes_at": local})
    assert r.status_code == 302
    vote = db.session.query(Vote).order_by(Vote.id.desc()).first()
    assert vote.matter == 8 and vote.secret is False and vote.closes_at == closes
    html = page(client, f"/votes/{vote.id}/edit")
    assert f'value="{local}"' in html
    r = client.post(f"/votes/{vote.id}/edit", data={"title": "增设电动车充电桩（修订）", "body": "在地下车库增设充电桩。",
                                                     "matter": "8", "secret": "y", "closes_at": local})
    assert r.status_code == 302
    r = client.post(f"/votes/{vote.id}/edit", data={"title": "x", "body": "y", "matter": "8",
                                                     "closes_at": "2001-01-01T00:00"})
    assert r.status_code == 200 and 'role="alert"' in r.get_data(as_text=True)
    assert client.post(f"/votes/{vote.id}/open").status_code == 302
    assert 'id="turnout"' in page(client, f"/votes/{vote.id}")
    db.session.refresh(vote)
    assert vote.status == "open" and vote.secret is True

    html = page(client, f"/votes/{vote.id}/paper")
    assert 'name="evidence"' in html
    r = client.post(f"/votes/{vote.id}/paper", data={"unit": "2-1-101", "choice": "yes", "evidence": "第 3 号纸质票"})
    assert r.status_code == 200 and 'class="paper paper-pending"' in r.get_data(as_text=True)
    r = client.post(f"/votes/{vote.id}/paper", data={"unit": "2-1-101", "choice": "no", "evidence": "重复的纸质票"})
    assert 'name="confirm"' not in r.get_data(as_text=True)  # the member who entered them cannot confirm
    first, second = (int(n) for n in re.findall(r'id="paper-(\d+)" class="paper paper-pending"', r.get_data(as_text=True)))
    log_in(client, second_member)
    for paper_id in (first, second):
        r = client.post(f"/votes/{vote.id}/paper/{paper_id}/confirm")
        assert r.status_code == 302
    html = page(client, f"/votes/{vote.id}/paper")
    assert 'class="paper paper-counted"' in html and 'class="paper paper-conflict"' in html
    paper_id = int(re.search(r'id="paper-(\d+)" class="paper paper-conflict"', html).group(1))
    r = client.post(f"/votes/{vote.id}/paper", data={"unit": "9-9-9", "choice": "no", "evidence": "x"})
    assert 'role="alert"' in r.get_data(as_text=True)
    r = client.post(f"/votes/{vote.id}/paper/{paper_id}/review", data={"note": "业主确认第一张为准"})
    assert r.status_code == 302
    assert "业主确认第一张为准" in page(client, f"/votes/{vote.id}/paper")

    assert client.post(f"/votes/{vote.id}/close", data={"reason": "全体业主已表决"}).status_code == 302
    html = page(client, f"/votes/{vote.id}/result")
    assert "1 / 1" in html and "1 / 5" in html  # yes of those taking part; taking part of all owners
    assert 'id="ballots"' not in html  # a secret vote publishes no unit's ballot


def test_an_open_vote_result_lists_units_without_names(client, api, committee_member, owners):
    vote_id = opened(api, committee_member)
    ballot(api, owners["王伟"], vote_id, "yes")
    api.post(f"/votes/{vote_id}/close", user=committee_member, json={"reason": "测试"})
    log_in(client, owners["张敏"])
    html = page(client, f"/votes/{vote_id}/result")
    assert 'id="ballots"' in html and "1-1-102" in html and "王伟" not in html


def test_home_links_to_votes(client, owner):
    log_in(client, owner)
    assert 'href="/votes"' in page(client, "/")


def test_the_committee_sees_turnout_by_building_and_extends_once(client, api, committee_member, owner):
    vote_id = opened(api, committee_member)
    ballot(api, owner, vote_id, "yes")
    log_in(client, committee_member)
    html = page(client, f"/votes/{vote_id}")
    assert 'id="turnout-by-building"' in html and "2 / 3" in html and "2-1-101, 2-1-102" in html
    later = (utcnow() + timedelta(days=20, hours=8)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/votes/{vote_id}/extend", data={"closes_at": later}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Vote, vote_id).extended_at is not None
    assert 'name="extend"' not in page(client, f"/votes/{vote_id}")
    log_in(client, owner)
    assert 'id="turnout-by-building"' not in page(client, f"/votes/{vote_id}")


def test_the_assembly_form_makes_a_draft_of_several_items(client, committee_member, owner):
    log_in(client, owner)
    assert client.get("/votes/new-assembly").status_code == 403
    log_in(client, committee_member)
    assert 'name="candidates"' in page(client, "/votes/new-assembly")
    local = (utcnow() + timedelta(days=30, hours=8)).strftime("%Y-%m-%dT%H:%M")
    r = client.post("/votes/new-assembly", data={
        "title": "业主大会", "body": "两项", "closes_at": local, "buildings": "1，2",
        "motion1_title": "修订议事规则", "motion1_body": "内容", "motion1_matter": "1",
        "motion2_title": "", "motion2_matter": "4",
        "election_title": "选举委员", "seats": "2", "candidates": "李娜：连任\n王伟：财务"})
    assert r.status_code == 302
    vote = db.session.query(Vote).filter_by(title="业主大会").one()
    html = page(client, f"/votes/{vote.id}")
    assert vote.multi and 'name="open"' in html and "李娜" in html and "1, 2" in html  # no notice here
    r = client.post("/votes/new-assembly", data={"title": "空", "body": "没有事项", "closes_at": local,
                                                 "motion1_matter": "1", "motion2_matter": "1"})
    assert r.status_code == 200 and 'role="alert"' in r.get_data(as_text=True)
