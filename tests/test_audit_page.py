"""The committee's audit page: actions in words, local times, newest first, filters by person, kind and date,
keyset paging, links to the objects, raw detail behind a disclosure, and a statement count that does not grow
with the page."""

import re
from datetime import datetime, timedelta

import pytest

from community.audit import services as audit
from community.audit.models import AuditEntry
from community.core.timeutil import frozen
from community.extensions import db
from tests.statements import recorded

START = datetime(2026, 11, 1, 1, 0)  # 09:00 in Shanghai


def sign_in(client, user, lang="en"):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    client.set_cookie("lang", lang)
    return client


def entries_of(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'data-seq="(\d+)"', html)]


@pytest.fixture
def trail(app, staff, admin):
    """120 entries over 120 hours: staff approve registrations, the admin changes the roster, in turns."""
    for i in range(120):
        with frozen(START + timedelta(hours=i)):
            if i % 2:
                audit.record(admin, "roster.import", "units", {"rows": i})
            else:
                audit.record(staff, "registration.approved", f"user:{1000 + i}", {"unit": f"1-1-{i:03d}"})
    db.session.commit()
    return db.session.query(AuditEntry).count()


def test_words_local_time_newest_first_and_disclosure(client, committee_member, trail, staff):
    with frozen(START + timedelta(hours=130)):
        html = sign_in(client, committee_member).get("/committee/audit").get_data(as_text=True)
    seqs = entries_of(html)
    assert len(seqs) == 50 and seqs == sorted(seqs, reverse=True) and seqs[0] == trail, "newest first"
    assert "approved a registration" in html and "imported the roster" in html
    assert f'href="/users/{1000 + 118}"' in html, "the target opens the object's page"
    assert "<details class=\"audit-detail\">" in html and "<code>registration.approved</code>" in html
    assert not re.search(r">\s*\d{4}-\d\d-\d\dT", html), "no raw UTC stamps as text"
    # the newest, 2026-11-06 00:00 UTC, is 08:00 today in Shanghai; 2026-11-05 05:00 UTC is 13:00 the day before
    assert ">08:00<" in html and ">11-05 13:00<" in html
    with frozen(START + timedelta(hours=130)):
        zh = sign_in(client, committee_member, "zh").get("/committee/audit").get_data(as_text=True)
    assert "批准了一份注册申请" in zh and "导入了房屋名册" in zh


def test_unknown_actions_fall_back_to_their_key(client, committee_member, staff):
    audit.record(staff, "petition.signed", "petition:3", {})
    db.session.commit()
    html = sign_in(client, committee_member).get("/committee/audit").get_data(as_text=True)
    assert "petition.signed" in html and "petition:3" in html


def test_keyset_paging_reaches_every_entry_once(client, committee_member, trail):
    sign_in(client, committee_member)
    seen, path = [], "/committee/audit"
    while path:
        html = client.get(path).get_data(as_text=True)
        seen += entries_of(html)
        found = re.search(r'id="audit-older" href="([^"]+)"', html)
        path = found.group(1).replace("&amp;", "&") if found else None
    assert seen == list(range(trail, 0, -1))


def test_filters_by_person_kind_and_date(client, committee_member, trail, staff, admin):
    sign_in(client, committee_member)
    by_staff = entries_of(client.get(f"/committee/audit?actor={staff.id}").get_data(as_text=True))
    rows = {e.seq: e for e in db.session.query(AuditEntry)}
    assert by_staff and all(rows[s].actor_id == staff.id for s in by_staff)
    estate = entries_of(client.get("/committee/audit?kind=estate").get_data(as_text=True))
    assert estate and all(rows[s].kind == "estate" for s in estate)
    # 2026-11-02 in Shanghai is 2026-11-01 16:00 to 2026-11-02 16:00 UTC: hours 15 to 38 of the trail.
    html = client.get("/committee/audit?from=2026-11-02&to=2026-11-02").get_data(as_text=True)
    day = entries_of(html)
    assert len(day) == 24
    assert all(datetime(2026, 11, 1, 16) <= rows[s].at < datetime(2026, 11, 2, 16) for s in day)
    both = entries_of(client.get(f"/committee/audit?from=2026-11-02&to=2026-11-02&actor={admin.id}&kind=estate")
                      .get_data(as_text=True))
    assert len(both) == 12 and set(both) < set(day)
    # the filters ride along the older-entries link
    html = client.get(f"/committee/audit?actor={staff.id}").get_data(as_text=True)
    assert f"actor={staff.id}" in re.search(r'id="audit-older" href="([^"]+)"', html).group(1)
    assert entries_of(client.get("/committee/audit?from=2030-01-01").get_data(as_text=True)) == []
    assert client.get("/committee/audit?from=nonsense&kind=nonsense&actor=x").status_code == 200


def test_objects_without_a_direct_page_open_through_a_lookup(client, committee_member, owner, staff):
    from community.desk import tickets
    filed = tickets.file_ticket(owner, "repair", {"category": "plumbing", "unit": "1-1-101",
                                                 "description": "厨房水管漏水。"})
    tickets.accept(staff, "repair", filed.id, {"department": "engineering", "worker": "李师傅"})
    html = sign_in(client, committee_member).get("/committee/audit").get_data(as_text=True)
    assert f'href="/committee/audit/open/ticket/{filed.id}"' in html and "Request #" in html
    r = client.get(f"/committee/audit/open/ticket/{filed.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/desk/repairs/{filed.id}")
    assert client.get("/committee/audit/open/ticket/99999").status_code == 404


def test_only_auditors_read_it(client, owner, staff):
    assert sign_in(client, owner).get("/committee/audit").status_code == 403
    assert sign_in(client, owner).get("/committee/audit/open/ticket/1").status_code == 403


def test_statement_count_does_not_grow_with_the_page(app, client, committee_member, staff, admin):
    statements: list[str] = []

    def count(path) -> int:
        client.get(path)  # warm: session, standing
        with recorded() as seen:
            assert client.get(path).status_code == 200
        statements[:] = seen
        return len(statements)

    sign_in(client, committee_member)
    audit.record(staff, "registration.approved", "user:1", {})
    db.session.commit()
    few = {p: count(p) for p in ("/committee/audit", f"/committee/audit?kind=accounts&from=2000-01-01&actor={staff.id}")}
    people = [staff, admin, committee_member]
    for i in range(60):
        audit.record(people[i % 3], "registration.approved", f"user:{i}", {"i": i})
    db.session.commit()
    more = {p: count(p) for p in few}
    assert more == few, "\n".join(statements)
