"""The petition pages over the test client: the list and the start form, a petition with its progress bar,
signing and withdrawing from the page, the committee's response form; no inline script or style (CSP)."""

from community.extensions import db
from community.notifications.models import Notification
from tests import test_votes
from tests.test_votes import later
from tests.test_votes_web import log_in, page

owners = test_votes.owners
second_member = test_votes.second_member


def test_start_sign_withdraw_and_respond_from_the_pages(client, api, owners, committee_member, resident):
    log_in(client, owners["王伟"])
    html = page(client, "/petitions")
    assert 'name="title"' in html
    r = client.post("/petitions", data={"title": "", "body": "x"})
    assert r.status_code == 400 and 'role="alert"' in r.get_data(as_text=True)
    r = client.post("/petitions", data={"title": "提议召开临时业主大会", "body": "审议停车收费。"})
    assert r.status_code == 302
    path = r.headers["Location"]
    html = page(client, path)
    assert "<meter" in html and 'data-open-sheet="sign-sheet"' in html and "<dialog" in html
    assert client.post(path + "/sign").status_code == 302
    seen = api.get(path.replace("/petitions", "/petitions"), user=owners["王伟"]).get_json()
    assert seen["persons_signed"] == 1 and seen["status"] == "reached"  # one voter of five is a fifth
    html = page(client, path)
    assert "已签名" in html or "signed" in html
    assert client.post(path + "/withdraw").status_code == 302  # refused once reached: shown as a message
    assert "flash-error" in page(client, path)
    assert db.session.query(Notification).filter_by(kind="petition", user_id=committee_member.id).count() == 1

    log_in(client, resident)
    html = page(client, path)
    assert 'data-open-sheet' not in html and 'name="response"' not in html

    log_in(client, committee_member)
    html = page(client, path)
    assert 'name="response"' in html and 'name="closes_at"' in html
    r = client.post(path + "/respond", data={"action": "convene", "closes_at": later(days=40)[:16],
                                             "response": "下月召开"})
    assert r.status_code == 302 and "/votes/" in r.headers["Location"]
    html = page(client, path)
    assert "下月召开" in html and 'name="response"' not in html


def test_a_missing_petition_is_a_404_page(client, owners):
    log_in(client, owners["王伟"])
    page(client, "/petitions/999", status=404)
    assert client.post("/petitions/999/sign").status_code == 404
