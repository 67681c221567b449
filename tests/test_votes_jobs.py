"""Scheduled work with a moved clock: announced votes open when their notice has run, votes close at their
deadline, owners who have not voted are reminded once; running twice does nothing more."""

from datetime import timedelta

from community.audit.models import AuditEntry
from community.core.timeutil import frozen, utcnow
from community.extensions import db
from community.jobs import run_all
from community.votes import jobs
from tests import test_votes
from tests.test_votes import ballot, detail
from tests.test_votes_assembly import announced

owners = test_votes.owners


def vote_notifications(api, user) -> list[str]:
    """The vote notifications a person has, oldest first: each says which step of which vote."""
    items = api.get("/notifications", user=user).get_json()["items"]
    return [n["kind"] for n in reversed(items) if n["kind"].startswith("vote")]


def test_the_jobs_open_remind_and_close_on_time(api, committee_member, owners):
    start = utcnow()
    vote_id = announced(api, committee_member, closes_at=test_votes.later(days=20))
    assert vote_notifications(api, owners["王伟"]) == ["vote_announced"]
    assert jobs.run(start + timedelta(days=14)) == {"opened": 0, "closed": 0, "reminded": 0}
    assert run_all(start + timedelta(days=15, minutes=1))["votes"] == {"opened": 1, "closed": 0, "reminded": 0}
    assert jobs.run(start + timedelta(days=15, minutes=2)) == {"opened": 0, "closed": 0, "reminded": 0}
    opened = db.session.query(AuditEntry).filter_by(action="vote.opened", target=f"vote:{vote_id}").one()
    assert opened.actor_id is None and opened.detail == {"by": "schedule"}
    with frozen(start + timedelta(days=16)):
        seen = detail(api, owners["王伟"], vote_id)
        choices = {str(seen["items"][0]["id"]): "yes", str(seen["items"][1]["id"]): [],
                   str(seen["items"][2]["id"]): "no"}
        assert api.post(f"/votes/{vote_id}/ballots", user=owners["王伟"], json={"choices": choices}).status_code == 201
    # A day before the deadline: the owners who have not voted are told, once.
    assert jobs.run(start + timedelta(days=19, hours=1))["reminded"] == 1
    assert jobs.run(start + timedelta(days=19, hours=2))["reminded"] == 0
    assert vote_notifications(api, owners["王伟"]) == ["vote_announced", "vote_opened"]
    assert vote_notifications(api, owners["张敏"]) == ["vote_announced", "vote_opened", "vote_closing"]
    assert jobs.run(start + timedelta(days=20, minutes=1)) == {"opened": 0, "closed": 1, "reminded": 0}
    assert jobs.run(start + timedelta(days=20, minutes=2))["closed"] == 0
    with frozen(start + timedelta(days=20, minutes=3)):
        seen = detail(api, owners["王伟"], vote_id)
    assert seen["status"] == "closed" and seen["closed_by"] == "deadline" and seen["close_reason"] is None
    assert seen["objection_until"] is not None and seen["persons_participating"] == 1


def test_a_deadline_close_needs_no_reason(api, committee_member, owner):
    api.patch("/votes/procedure", user=committee_member, json={"notice_days": 0})
    vote_id = test_votes.opened(api, committee_member, closes_at=test_votes.later(hours=1))
    assert ballot(api, owner, vote_id).status_code == 201
    with frozen(utcnow() + timedelta(hours=2)):
        assert jobs.run(utcnow()) == {"opened": 0, "closed": 1, "reminded": 0}
        assert api.post(f"/votes/{vote_id}/close", user=committee_member).status_code == 409
