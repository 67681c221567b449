"""A secret vote keeps no link from a choice to a voter, a user or a unit, anywhere in the database.

The strongest form we can test: run two secret votes at the same instant where two owners cast swapped
choices. If anything stored linked a choice to a voter, the two votes would differ somewhere; apart from the
receipt rows (random codes' hashes and seals), every row of every table is the same for both."""

from datetime import datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError

from community.core.timeutil import frozen
from community.extensions import db
from tests import test_votes
from tests.fixtures.votes import no_notice  # noqa: F401
from tests.test_votes import ballot, detail, import_units, opened, paper, unit

owners = test_votes.owners  # the fixtures, shared
second_member = test_votes.second_member
pytestmark = pytest.mark.usefixtures("no_notice")

CHOICES = {"yes", "no", "abstain"}
VOTE_TABLES = ("votes", "vote_voters", "vote_voter_units", "vote_counts", "vote_paper_ballots")


def dump() -> dict[str, list[dict]]:
    """Every row of every table, in the order the database gives them without ORDER BY."""
    names = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    with db.engine.connect() as conn:
        return {t: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{t}"'))] for t in names}


def rows_of(tables: dict, vote_id: int) -> dict[str, list[dict]]:
    """A vote's rows with the ids that only say which vote they belong to replaced by placeholders."""
    voter_ids = {r["id"]: r["position"] for r in tables["vote_voters"] if r["vote_id"] == vote_id}
    out = {}
    for name in VOTE_TABLES:
        key = "id" if name == "votes" else "vote_id"
        rows = []
        for row in tables[name]:
            if row[key] != vote_id:
                continue
            row = {k: v for k, v in row.items() if k not in ("id", "vote_id")}
            if "voter_id" in row:
                row["voter_id"] = voter_ids[row["voter_id"]]
            rows.append(row)
        out[name] = rows
    return out


@pytest.fixture
def equal_voters(api, staff, owners):
    """张敏's unit is made as large as 刘洋's, so swapping their choices leaves every total the same."""
    import_units(api, staff, unit("2-1-101", "95.25", ("张敏", 3)))
    return owners


def test_swapped_choices_leave_the_database_the_same(api, committee_member, equal_voters, second_member):
    at = datetime(2030, 5, 1, 9, 0)
    with frozen(at):
        first = opened(api, committee_member, secret=True, closes_at="2030-05-08T00:00:00Z")
        second = opened(api, committee_member, secret=True, closes_at="2030-05-08T00:00:00Z")
        for vote_id, choices in ((first, ("yes", "no")), (second, ("no", "yes"))):
            assert ballot(api, equal_voters["张敏"], vote_id, choices[0]).status_code == 201
            assert ballot(api, equal_voters["刘洋"], vote_id, choices[1]).status_code == 201
            assert ballot(api, equal_voters["王伟"], vote_id, "abstain").status_code == 201
            assert paper(api, committee_member, vote_id, "3-1-1001", "yes", confirm=second_member).status_code == 200
            assert paper(api, committee_member, vote_id, "1-1-102", choices[0],
                         confirm=second_member).get_json()["status"] == "conflict"
    tables = dump()
    assert rows_of(tables, first) == rows_of(tables, second)
    assert [r["title"] for r in tables["votes"]] == ["更换物业服务企业"] * 2


def test_no_row_anywhere_holds_a_secret_choice(api, committee_member, equal_voters, second_member):
    vote_id = opened(api, committee_member, secret=True)
    for name, choice in (("张敏", "yes"), ("刘洋", "no"), ("王伟", "abstain")):
        ballot(api, equal_voters[name], vote_id, choice)
    paper(api, committee_member, vote_id, "3-1-1001", "no", confirm=second_member)
    paper(api, committee_member, vote_id, "1-1-101", "yes", confirm=second_member)  # a conflict: no choice kept
    for table, rows in dump().items():
        for row in rows:
            for column, value in row.items():
                assert not (isinstance(value, str) and value in CHOICES), (table, column, row)
                if isinstance(value, dict):  # the audit trail's details
                    assert not CHOICES & {str(v) for v in value.values()}, (table, column, row)


def test_receipt_rows_carry_no_choice_order_or_time(api, committee_member, equal_voters):
    vote_id = opened(api, committee_member, secret=True)
    receipts = [ballot(api, equal_voters[name], vote_id, "yes").get_json()["receipt"]
                for name in ("王伟", "张敏", "刘洋", "李娜")]
    rows = dump()["vote_receipts"]
    assert set(rows[0]) == {"receipt_id", "vote_id", "seal"}
    assert len({r["seal"] for r in rows}) == 4  # the same choice seals differently under each code
    assert not {r.replace("-", "") for r in receipts} & {v for row in rows for v in map(str, row.values())}
    if db.engine.dialect.name == "sqlite":
        # A WITHOUT ROWID table: stored, and read back, in receipt-hash order rather than in casting order.
        assert [r["receipt_id"] for r in rows] == sorted(r["receipt_id"] for r in rows)
        with pytest.raises(OperationalError), db.engine.connect() as conn:
            conn.execute(text("SELECT rowid FROM vote_receipts"))
    for code in receipts:
        assert api.get(f"/votes/{vote_id}/receipts/{code}", user=committee_member).get_json()["choice"] == "yes"


def test_nothing_tells_the_choices_before_the_close(api, committee_member, owner):
    vote_id = opened(api, committee_member, secret=True)
    ballot(api, owner, vote_id, "no")
    for path in (f"/votes/{vote_id}", f"/votes/{vote_id}/electorate", f"/votes/{vote_id}/paper-ballots", "/votes"):
        body = str(api.get(path, user=committee_member).get_json())
        assert "'no'" not in body and "no_persons" not in body and "no_area" not in body, path
    assert detail(api, owner, vote_id)["result"] is None


def test_a_secret_assembly_keeps_no_choice_item_by_item(api, committee_member, owners, second_member):
    from tests.test_votes_assembly import assembly, choices_for
    vote_id = assembly(api, committee_member, secret=True)
    assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 200
    seen = detail(api, owners["王伟"], vote_id)
    for name, kw in (("王伟", {}), ("刘洋", {"motion": "no", "marked": (1, 2)})):
        r = api.post(f"/votes/{vote_id}/ballots", user=owners[name], json={"choices": choices_for(seen, **kw)})
        assert r.status_code == 201
    entered = api.post(f"/votes/{vote_id}/paper-ballots", user=committee_member, json={
        "unit": "1-1-201", "evidence": "纸质票", "choices": choices_for(seen, motion="abstain", marked=())})
    api.post(f"/votes/{vote_id}/paper-ballots/{entered.get_json()['id']}/confirm", user=second_member)
    tables = dump()
    for name in ("vote_voters", "vote_paper_ballots", "vote_item_counts", "vote_receipts", "votes", "vote_items"):
        for row in tables[name]:
            for column, value in row.items():
                assert not (isinstance(value, str) and any(c in value for c in ('"yes"', '"no"', '"abstain"'))), (
                    name, column)
                assert not (isinstance(value, str) and value in CHOICES), (name, column)
    for row in tables["vote_voters"]:
        if row["vote_id"] == vote_id:
            assert row["choice"] is None and row["choices"] is None
    # The totals live in the item counts only: two motions, the election's blank row and three candidates.
    counts = [r for r in tables["vote_item_counts"] if r["vote_id"] == vote_id]
    assert len(counts) == 6 and sum(r["yes_persons"] + r["no_persons"] + r["abstain_persons"] for r in counts) > 0
