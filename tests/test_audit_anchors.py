"""The audit chain against its anchors outside the database: every way of rewriting history is named."""

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, text

from community.audit import anchors
from community.audit import services as audit
from community.audit.models import AuditEntry
from community.extensions import db


def _tamper(sql: str, **params) -> None:
    db.session.execute(text(sql), params)
    db.session.commit()


def _verify(api, user) -> dict:
    return api.get("/audit/verify", user=user).get_json()


def _last_seq() -> int:
    return db.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))


def _anchor_log(app) -> Path:
    return Path(app.config["AUDIT_ANCHOR_PATH"])


def test_every_committed_entry_is_anchored_and_signed(app, everyone):
    lines = [json.loads(line) for line in _anchor_log(app).read_text().splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, _last_seq() + 1))
    row = db.session.get(AuditEntry, 3)
    assert lines[2]["hash"] == row.hash
    assert lines[2]["sig"] == anchors.sign(app.config["AUDIT_KEY"], 3, row.hash, lines[2]["at"])
    assert "test-audit-anchor-key" not in _anchor_log(app).read_text()


def test_a_rolled_back_entry_is_not_anchored(app, admin):
    before = _anchor_log(app).read_text()
    audit.record(admin, "test.rolled_back", "user:1", {})
    db.session.rollback()
    assert _anchor_log(app).read_text() == before


def test_truncated_tail_is_named(api, everyone):
    last = _last_seq()
    _tamper("DELETE FROM audit_entries WHERE seq > :s", s=last - 5)
    body = _verify(api, everyone["admin"])
    assert body == {"ok": False, "first_bad_seq": last - 4, "entries": last - 5}


def test_deleted_middle_row_is_named(api, everyone):
    _tamper("DELETE FROM audit_entries WHERE seq = 4")
    body = _verify(api, everyone["committee"])
    assert body["ok"] is False and body["first_bad_seq"] == 4


def test_altered_row_is_named(api, everyone):
    _tamper("UPDATE audit_entries SET target = 'user:999' WHERE seq = 5")
    assert _verify(api, everyone["admin"])["first_bad_seq"] == 5


def test_chain_rehashed_from_a_row_on_is_named(api, everyone):
    """The attack the anchors exist for: rewrite one entry and recompute every later hash, so that the chain
    in the database is consistent again."""
    rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.seq >= 3).order_by(AuditEntry.seq)))
    prev = db.session.get(AuditEntry, 2).hash
    for row in rows:
        action = "forged.action" if row.seq == 3 else row.action
        new = audit.entry_hash(prev, audit.canonical(row.seq, row.at, row.actor_id, action, row.target, row.detail))
        _tamper("UPDATE audit_entries SET action = :a, prev_hash = :p, hash = :h WHERE seq = :s",
                a=action, p=prev, h=new, s=row.seq)
        prev = new
    # The chain alone looks intact ...
    db.session.expire_all()
    walked = GENESIS = audit.GENESIS
    for row in db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        assert row.prev_hash == walked
        walked = row.hash
    assert walked != GENESIS
    # ... but not against the anchors.
    body = _verify(api, everyone["admin"])
    assert body["ok"] is False and body["first_bad_seq"] == 3


def test_inserted_row_is_named(api, everyone, admin):
    last = _last_seq()
    _tamper("DELETE FROM audit_entries WHERE seq = :s", s=last)
    # A forged entry in the freed place, chained correctly to the one before it.
    prev = db.session.get(AuditEntry, last - 1).hash
    at = db.session.get(AuditEntry, last - 1).at
    forged = audit.entry_hash(prev, audit.canonical(last, at, admin.id, "forged", "user:1", {}))
    _tamper("INSERT INTO audit_entries (seq, at, actor_id, action, target, detail, prev_hash, hash) "
            "VALUES (:s, :at, :a, 'forged', 'user:1', '{}', :p, :h)", s=last, at=at, a=admin.id, p=prev, h=forged)
    assert _verify(api, everyone["admin"])["first_bad_seq"] == last


def test_deleted_anchor_log_fails_verification(app, api, everyone):
    _anchor_log(app).unlink()
    assert _verify(api, everyone["admin"]) == {"ok": False, "first_bad_seq": 1, "entries": _last_seq()}


def test_forged_anchor_line_is_named(app, api, everyone):
    lines = _anchor_log(app).read_text().splitlines()
    item = json.loads(lines[1])
    lines[1] = json.dumps(item | {"hash": "f" * 64})  # without the key, the signature cannot follow
    _anchor_log(app).write_text("\n".join(lines) + "\n")
    assert _verify(api, everyone["admin"])["first_bad_seq"] == 2


def test_cli_verify_exits_1_naming_the_entry(app, everyone):
    runner = CliRunner()
    assert runner.invoke(app.cli, ["audit", "verify"]).exit_code == 0
    _tamper("DELETE FROM audit_entries WHERE seq = :s", s=_last_seq())
    result = runner.invoke(app.cli, ["audit", "verify"])
    assert result.exit_code == 1 and f"entry {_last_seq() + 1}" in result.output


def test_head_is_signed_and_for_committee_and_admin(app, api, everyone):
    head = api.get("/audit/head", user=everyone["committee"]).get_json()
    row = db.session.get(AuditEntry, _last_seq())
    assert set(head) == {"seq", "hash", "at", "signature"}
    assert head["seq"] == row.seq and head["hash"] == row.hash and head["at"].endswith("Z")
    assert head["signature"] == anchors.sign(app.config["AUDIT_KEY"], row.seq, row.hash, head["at"])
    assert api.get("/audit/head", user=everyone["admin"]).status_code == 200
    for role in ("staff", "owner", "resident"):
        assert api.get("/audit/head", user=everyone[role]).status_code == 403
    assert api.get("/audit/head").status_code == 401


def test_audit_page_shows_the_head(client, everyone):
    from tests.fixtures.people import PASSWORD
    client.post("/login", data={"phone": everyone["committee"].phone, "password": PASSWORD})
    page = client.get("/committee/audit").get_data(as_text=True)
    assert 'id="audit-head"' in page and db.session.get(AuditEntry, _last_seq()).hash in page


def test_existing_entries_can_be_anchored_once(app, everyone):
    _anchor_log(app).unlink()
    runner = CliRunner()
    assert runner.invoke(app.cli, ["audit", "verify"]).exit_code == 1
    result = runner.invoke(app.cli, ["audit", "anchor-existing"])
    assert result.exit_code == 0 and f"anchored {_last_seq()}" in result.output
    assert runner.invoke(app.cli, ["audit", "verify"]).exit_code == 0
    assert "anchored 0" in runner.invoke(app.cli, ["audit", "anchor-existing"]).output


def test_vote_result_carries_the_head(client, api, everyone, no_notice):
    from datetime import timedelta

    from community.core.timeutil import iso, utcnow
    from tests.fixtures.people import PASSWORD
    committee = everyone["committee"]
    vote = api.post("/votes", user=committee, json={"title": "更换电梯", "body": "表决", "matter": 5,
                                                    "secret": False,
                                                    "closes_at": iso(utcnow() + timedelta(days=3))})
    assert vote.status_code == 201, vote.get_json()
    vote_id = vote.get_json()["id"]
    api.post(f"/votes/{vote_id}/open", user=committee)
    api.post(f"/votes/{vote_id}/close", user=committee, json={"reason": "测试"})
    client.post("/login", data={"phone": committee.phone, "password": PASSWORD})
    page = client.get(f"/votes/{vote_id}/result").get_data(as_text=True)
    assert 'id="audit-head-stamp"' in page and db.session.get(AuditEntry, _last_seq()).hash in page


def test_an_entry_appended_behind_the_anchors_back_is_named(api, everyone, admin):
    from datetime import timedelta

    from community.core.timeutil import frozen, utcnow
    last = db.session.get(AuditEntry, _last_seq())
    at = last.at
    forged = audit.entry_hash(last.hash, audit.canonical(last.seq + 1, at, admin.id, "forged", "user:1", {}))
    _tamper("INSERT INTO audit_entries (seq, at, actor_id, action, target, detail, prev_hash, hash) "
            "VALUES (:s, :at, :a, 'forged', 'user:1', '{}', :p, :h)", s=last.seq + 1, at=at, a=admin.id,
            p=last.hash, h=forged)
    with frozen(utcnow() + timedelta(minutes=5)):
        assert _verify(api, everyone["admin"])["first_bad_seq"] == last.seq + 1


def test_an_anchor_log_that_cannot_be_written_does_not_fail_the_write(api, admin, monkeypatch):
    from datetime import timedelta

    from community.core.timeutil import frozen, utcnow

    def full_disk(path, lines):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(anchors, "append", full_disk)
    r = api.post("/staff", user=admin, json={"real_name": "吴前台", "phone": "13800000009",
                                             "password": "correct-horse-42", "role": "staff"})
    assert r.status_code == 201
    with frozen(utcnow() + timedelta(minutes=5)):
        body = api.get("/audit/verify", user=admin).get_json()
    assert body["ok"] is False and body["first_bad_seq"] == _last_seq()


def test_an_unreadable_anchor_log_fails_verification(make_app, tmp_path, api, everyone):
    app = make_app(AUDIT_ANCHOR_PATH=str(tmp_path))  # a directory where the log should be
    from tests.conftest import Api
    other = Api(app.test_client())
    with app.app_context():
        token = other.token_for(everyone["admin"])
    assert other.get("/audit/verify", token=token).get_json()["first_bad_seq"] == 1
