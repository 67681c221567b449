"""Confirmations and what they stand on, over the test client: registration showing every problem at once and
keeping the fields, the pending page (wait, front desk, correct, withdraw), the forms that open the confirm
sheet, closing a vote early refused without a reason, and the receipt naming the recorded choice."""

import re

import pytest
from sqlalchemy import select

from community.accounts.models import Registration
from community.audit.models import AuditEntry
from community.extensions import db
from community.votes import services as votes
from tests import test_votes
from tests.fixtures.people import PASSWORD, id_number
from tests.fixtures.votes import no_notice  # noqa: F401
from tests.test_votes import opened

owners = test_votes.owners

FORM = {"real_name": "孙九", "phone": "13512345678", "password": PASSWORD, "id_number": id_number(321),
        "relation": "owner", "unit": "2-1-102", "accept_rules": "y", "accepted_rules_version": "1",
        "display_name": ""}


def log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    client.set_cookie("lang", "en")
    return client


def errors(html: str) -> dict[str, list[str]]:
    """Field id -> the errors shown beside it."""
    found = {}
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', html, re.S):
        name = re.search(r'(?:id|for)="([\w-]+)"', block).group(1)
        found[name] = re.findall(r'<p class="error" role="alert">([^<]*)</p>', block)
    return found


def test_registration_shows_every_problem_at_once_and_keeps_the_fields(client, roster, staff):
    client.set_cookie("lang", "en")
    bad = dict(FORM, phone="12345", id_number="110101199001011234", unit="", password="short")
    r = client.post("/register", data=bad)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    shown = errors(html)
    assert {"phone", "password", "id_number", "unit"} <= set(shown), shown
    assert "the property company checks it against the roster" in shown["unit"][0]
    assert "4 things to fix" in html
    assert 'value="孙九"' in html and 'value="12345"' in html  # everything but the password is kept
    assert "short" not in re.findall(r'<input[^>]*name="password"[^>]*>', html)[0]


def test_a_good_password_is_asked_again_when_other_fields_fail(client, roster, staff):
    client.set_cookie("lang", "en")
    html = client.post("/register", data=dict(FORM, unit="9-9-999")).get_data(as_text=True)
    assert errors(html) == {"unit": ["There is no such unit on the roster."]}
    assert "Type your password again" in html and PASSWORD not in html


def test_a_vendor_gives_no_unit_but_an_organisation(client, roster, staff):
    client.set_cookie("lang", "en")
    html = client.post("/register", data=dict(FORM, relation="vendor", unit="")).get_data(as_text=True)
    assert set(errors(html)) == {"organization"}


def test_the_pending_page_says_the_wait_and_the_desk(make_app, roster, staff):
    app = make_app(REVIEW_WAIT=3, DESK_HOURS="周一至周六 9:00–18:00", DESK_PHONE="0571-88886666")
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.post("/register", data=FORM).status_code == 302
    html = client.get("/status").get_data(as_text=True)
    assert "usually takes 3 working days" in html and "周一至周六 9:00–18:00" in html
    assert 'href="tel:0571-88886666"' in html
    assert 'action="/status/withdraw"' in html and "data-confirm=" in html.split('id="withdraw"')[1][:400]


def test_the_applicant_corrects_name_and_unit_while_pending(client, pending):
    client.set_cookie("lang", "en")
    with client.session_transaction() as session:
        session["_user_id"] = pending.get_id()
    r = client.post("/status/correct", data={"real_name": "张敏", "unit": "9-9-999"})
    assert r.status_code == 400 and "There is no such unit" in r.get_data(as_text=True)
    r = client.post("/status/correct", data={"real_name": "张敏", "unit": ""})
    assert r.status_code == 400 and "the property company checks it" in r.get_data(as_text=True)
    r = client.post("/status/correct", data={"real_name": "张小敏", "unit": "2-1-102"})
    assert r.status_code == 302
    reg = db.session.get(Registration, pending.id)
    db.session.refresh(reg)
    db.session.refresh(reg.user)
    assert reg.unit.code == "2-1-102" and reg.user.real_name == "张小敏" and reg.user.status == "pending"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.corrected"))
    assert entry.detail["unit"] == "2-1-102" and entry.detail["unit_before"] == "2-1-101"


def test_the_applicant_withdraws_and_may_apply_again(client, pending):
    client.set_cookie("lang", "en")
    with client.session_transaction() as session:
        session["_user_id"] = pending.get_id()
    assert client.post("/status/withdraw").status_code == 302
    html = client.get("/status").get_data(as_text=True)
    assert 'data-status="withdrawn"' in html and "Apply again" in html
    r = client.post("/status/correct", data={"real_name": "张敏", "unit": "2-1-101"}, follow_redirects=True)
    assert "still waiting" in r.get_data(as_text=True)  # decided applications are not corrected
    assert client.post("/status/withdraw", follow_redirects=True).status_code == 200
    again = dict(FORM, real_name="张敏", phone=pending.phone, id_number=id_number(3), unit="2-1-101")
    assert client.post("/register", data=again).status_code == 302
    db.session.refresh(pending)
    assert pending.status == "pending" and pending.registration.attempts == 2


def test_staff_rejecting_a_registration_is_confirmed(client, staff, pending):
    html = log_in(client, staff).get("/staff/registrations").get_data(as_text=True)
    form = html.split(f'/staff/registrations/{pending.id}/reject"')[1].split(">")[0]
    assert "data-confirm=" in form and "张敏" in form


def test_closing_a_survey_is_confirmed_with_its_answers(client, staff, owner):
    from community.desk import surveys
    found = surveys.create_survey(staff, {"title": "保洁满意度", "per": "user",
                                          "questions": [{"kind": "rating", "text": "总体评分"}]})
    surveys.answer(owner, found.id, {"answers": {str(found.questions[0].id): 5}})
    html = log_in(client, staff).get(f"/desk/surveys/{found.id}").get_data(as_text=True)
    form = html.split('id="close-survey"')[1].split(">")[0]
    assert "data-confirm=" in form and "with 1 answer?" in form and "cannot be reopened" in form


@pytest.mark.usefixtures("no_notice")
def test_closing_early_says_the_turnout_and_needs_a_reason(client, api, committee_member, owners):
    vote_id = opened(api, committee_member)
    votes.cast(owners["王伟"], vote_id, "yes")
    html = log_in(client, committee_member).get(f"/votes/{vote_id}").get_data(as_text=True)
    form = html.split('id="close-form"')[1].split("</form>")[0]
    assert re.search(r"days? before its deadline", form) and "with 1 of " in form
    assert re.search(r'<textarea name="reason" id="close-reason"[^>]* required', form)
    r = client.post(f"/votes/{vote_id}/close", data={"reason": "  "}, follow_redirects=True)
    assert "Closing before the deadline needs a reason." in r.get_data(as_text=True)
    assert votes.get(committee_member, vote_id).status == "open"


@pytest.mark.usefixtures("no_notice")
@pytest.mark.parametrize("secret", [True, False])
def test_the_receipt_names_the_recorded_choice_once(client, api, committee_member, owner, secret):
    vote_id = opened(api, committee_member, secret=secret)
    log_in(client, owner)
    html = client.get(f"/votes/{vote_id}").get_data(as_text=True)
    assert "You chose: {choices}" in html  # the sheet fills the marked choice in
    r = client.post(f"/votes/{vote_id}/ballot", data={"choice": "no", "unit": "1-1-101"})
    assert r.status_code == 302
    with client.session_transaction() as session:
        assert "no" not in str(session.get("vote_receipt"))  # the choice is read back from the seal
    html = client.get(f"/votes/{vote_id}").get_data(as_text=True)
    assert re.search(r'id="receipt-choices"><li>No</li>', html)
    assert 'id="receipt-choices"' not in client.get(f"/votes/{vote_id}").get_data(as_text=True)
