import itertools

from click.testing import CliRunner
from sqlalchemy import text

from community.audit import services as audit
from community.audit.models import AuditEntry
from community.extensions import db


def actions(api, user):
    return [e["action"] for e in api.get("/audit?limit=200", user=user).get_json()["items"]]


def test_every_staff_write_is_audited(api, everyone, pending, admin):
    api.post(f"/registrations/{pending.id}/approve", user=everyone["staff"])
    log = actions(api, admin)
    assert log.count("registration.approved") == 5  # the fixtures' four approvals plus this one
    assert {"roster.import", "staff.created", "committee.appointed"} <= set(log)


def test_entries_chain_and_fields(api, everyone):
    items = api.get("/audit", user=everyone["committee"]).get_json()["items"]
    assert items[0]["prev_hash"] == "0" * 64
    for before, after in itertools.pairwise(items):
        assert after["prev_hash"] == before["hash"] and after["seq"] == before["seq"] + 1
    entry = next(e for e in items if e["action"] == "registration.approved")
    assert set(entry) == {"seq", "at", "actor", "action", "target", "detail", "prev_hash", "hash"}
    assert entry["at"].endswith("Z") and entry["target"].startswith("user:")
    assert entry["actor"]["role"] == "staff"


def test_paging_with_after(api, everyone):
    first = api.get("/audit?limit=2", user=everyone["admin"]).get_json()
    assert len(first["items"]) == 2 and first["next"] == first["items"][-1]["seq"]
    rest = api.get(f"/audit?after={first['next']}", user=everyone["admin"]).get_json()
    assert rest["items"][0]["seq"] == first["next"] + 1


def test_verify_ok(api, everyone):
    body = api.get("/audit/verify", user=everyone["committee"]).get_json()
    assert body["ok"] is True and body["entries"] > 5


def _tamper(sql: str, **params) -> None:
    db.session.execute(text(sql), params)
    db.session.commit()


def test_altered_detail_is_named(api, everyone):
    _tamper("UPDATE audit_entries SET detail = :d WHERE seq = 3", d='{"reason": "forged"}')
    body = api.get("/audit/verify", user=everyone["admin"]).get_json()
    assert body["ok"] is False and body["first_bad_seq"] == 3


def test_altered_actor_is_named(api, everyone):
    _tamper("UPDATE audit_entries SET actor_id = NULL WHERE seq = 4")
    assert api.get("/audit/verify", user=everyone["admin"]).get_json()["first_bad_seq"] == 4


def test_rehashed_entry_is_named_by_its_anchor(api, everyone):
    row = db.session.get(AuditEntry, 2)
    body = audit.canonical(row.seq, row.at, row.actor_id, "forged.action", row.target, {})
    forged = audit.entry_hash(row.prev_hash, body)
    _tamper("UPDATE audit_entries SET action='forged.action', detail='{}', hash=:h WHERE seq = 2", h=forged)
    assert api.get("/audit/verify", user=everyone["admin"]).get_json()["first_bad_seq"] == 2


def test_deleted_entry_is_named(api, everyone):
    _tamper("DELETE FROM audit_entries WHERE seq = 2")
    assert api.get("/audit/verify", user=everyone["admin"]).get_json()["first_bad_seq"] == 2


def test_cli_verify(app, everyone):
    runner = CliRunner()
    result = runner.invoke(app.cli, ["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    _tamper("UPDATE audit_entries SET target = 'user:999' WHERE seq = 5")
    result = runner.invoke(app.cli, ["audit", "verify"])
    assert result.exit_code == 1 and "entry 5" in result.output


def test_committee_cannot_write(api, everyone, pending):
    committee = everyone["committee"]
    assert api.post(f"/registrations/{pending.id}/approve", user=committee).status_code == 403
    assert api.post("/units", user=committee, json={"units": [{"code": "9-1-1", "area": "1.00"}]}).status_code == 403
    assert api.post("/staff", user=committee, json={}).status_code == 403
