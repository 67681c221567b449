"""The demo that `make run` seeds: it runs on a fresh database through the real services, leaves something on
every front-desk page and an open owners' vote, keeps the audit chain intact, and seeds only once."""

from sqlalchemy import func, select

from community import demo
from community.accounts.models import User
from community.audit import services as audit
from community.desk import figures as desk_figures
from community.desk import notices as desk_notices
from community.desk import surveys as desk_surveys
from community.desk import tickets as desk_tickets
from community.desk.models import Notice, NoticeReceipt, Survey, SurveyResponse, Ticket
from community.extensions import db
from community.votes.models import Vote


def user(phone: str) -> User:
    return db.session.scalar(select(User).where(User.phone == phone))


def test_the_demo_fills_the_front_desk_and_opens_a_vote(app):
    logins = demo.seed()
    assert len(logins) == 14 and {phone for _label, phone, _pw in logins} >= {"13800000002", "13900000001"}
    staff, owner, committee = user("13800000002"), user("13900000001"), user("13900000002")

    notices = {n.category: n for n in db.session.scalars(select(Notice))}
    fire, outage = notices["fire_safety"], notices["outage"]
    assert fire.whole_estate and fire.must_acknowledge
    assert outage.building_codes == {"2"} and not outage.must_acknowledge
    reach = desk_notices.receipts(staff, fire.id)["totals"]
    assert reach["units"] == 120 and 0 < reach["units_acknowledged"] < reach["units_read"] < reach["units"]
    assert db.session.scalar(select(func.count(NoticeReceipt.id)).where(NoticeReceipt.notice_id == outage.id)) > 0

    repairs = list(db.session.scalars(select(Ticket).where(Ticket.kind == "repair")))
    assert {t.status for t in repairs} == set(desk_tickets.STATUSES)
    accepted = [t for t in repairs if t.status == "accepted"]
    assert accepted and all(t.department and t.worker for t in accepted)
    assert all(t.rating for t in repairs if t.status == "confirmed")
    complaint = db.session.scalar(select(Ticket).where(Ticket.kind == "complaint", Ticket.status != "confirmed"))
    assert complaint.department == "security" and not complaint.public
    suggestion = db.session.scalar(select(Ticket).where(Ticket.kind == "suggestion"))
    assert suggestion.public
    seen = desk_tickets.ticket_page(owner, "suggestion", suggestion.id)
    assert seen["author"] is None and seen["mine"] is False, "anonymous to other owners"
    assert desk_tickets.ticket_page(staff, "suggestion", suggestion.id)["author"]["phone"], "never to staff"
    overdue, _next = desk_tickets.tickets(staff, "repair", overdue_only=True)
    assert [t["status"] for t in overdue] == ["submitted"]
    assert any(e["action"] == "reopened" for t in repairs if t.status == "confirmed"
               for e in desk_tickets.ticket_page(staff, "repair", t.id)["timeline"])
    mine, _next = desk_tickets.tickets(owner, "repair")
    assert any(t["can"]["confirm"] for t in mine), "the first owner has a return visit waiting"

    figures = desk_figures.figures(committee)
    assert figures["done"] >= 6 and figures["satisfaction"]["count"] >= 6
    assert len([m for m in figures["monthly"] if m["filed"]]) >= 2, "a history over more than one month"

    survey = db.session.scalar(select(Survey))
    assert survey.per == "unit" and desk_surveys.survey_page(owner, survey.id)["open"]
    assert db.session.scalar(select(func.count(SurveyResponse.id))) == 3

    vote = db.session.scalar(select(Vote))
    assert (vote.status, vote.matter, vote.persons_total) == ("open", 5, 116)
    assert vote.persons_participating == 2, "two ballots in"

    ok, entries, first_bad = audit.verify()
    assert ok and first_bad is None and entries > 30


def test_seeding_from_the_command_line_happens_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo estate ready" in first.output and "13900000001" in first.output
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (User, Notice, Ticket, Survey, Vote)]

    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert again.exit_code == 0 and "demo not added" in again.output
    assert [db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Notice, Ticket, Survey, Vote)] == counts
    refused = runner.invoke(args=["demo", "seed"])
    assert refused.exit_code != 0 and "already has accounts" in refused.output
