"""The committee's register of decisions and minutes (SPC interpretation art. 13): recorded by the committee
with who was present and how each stood, published to every member, corrected only by a superseding entry,
minutes attached as a bounded upload; audited; and the pages."""

import io
from datetime import date, timedelta

import pytest

from community.assembly import files
from community.audit.models import AuditEntry
from community.core.errors import Invalid
from community.extensions import db
from tests import test_votes
from tests.conftest import error_of
from tests.test_votes_web import log_in, page

owners = test_votes.owners
second_member = test_votes.second_member


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def entry(member, other, **fields) -> dict:
    return {"decided_on": "2026-11-20", "title": "聘请审计机构", "text": "同意聘请某会计师事务所审计维修资金。",
            "present": [member.id, other.id], "agreed": [member.id], "disagreed": [other.id]} | fields


def upload(api, user, data=PDF, name="纪要.pdf"):
    return api.post("/committee/files", user=user, data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


def test_the_committee_records_members_read_and_it_is_audited(api, committee_member, second_member, owners,
                                                               resident, staff):
    for who in (owners["王伟"], resident, staff):
        assert api.post("/committee/decisions", user=who, json=entry(committee_member, second_member)).status_code \
            == 403
    r = api.post("/committee/decisions", user=committee_member, json=entry(committee_member, second_member))
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["present"] == [{"id": committee_member.id, "name": "李娜"}, {"id": second_member.id, "name": "张敏"}]
    assert (made["agreed"], made["abstained"], made["current"], made["minutes"]) == (
        [{"id": committee_member.id, "name": "李娜"}], [], True, None)
    for who in (owners["王伟"], resident, staff):
        assert [d["id"] for d in api.get("/committee/decisions", user=who).get_json()["items"]] == [made["id"]]
    audit = db.session.query(AuditEntry).filter_by(action="committee.decision_recorded").one()
    assert audit.detail["agreed"] == [committee_member.id] and audit.actor_id == committee_member.id
    assert api.get(f"/committee/decisions/{made['id']}", user=resident).get_json()["title"] == "聘请审计机构"
    assert api.get("/committee/decisions/999", user=resident).status_code == 404


@pytest.mark.parametrize(("fields", "field"), [
    ({"present": []}, "present"),
    ({"present": "all"}, "present"),
    ({"agreed": [True]}, "agreed"),
    ({"decided_on": "20-11-2026"}, "decided_on"),
    ({"decided_on": (date.today() + timedelta(days=3)).isoformat()}, "decided_on"),
    ({"title": ""}, "title"),
    ({"abstained": [1_000_000]}, "abstained"),
    ({"supersedes": 12345}, "supersedes"),
    ({"minutes_file_id": 77}, "minutes_file_id"),
])
def test_bad_entries_name_their_field(api, committee_member, second_member, fields, field):
    r = api.post("/committee/decisions", user=committee_member, json=entry(committee_member, second_member, **fields))
    assert r.status_code == 400 and error_of(r)["field"] == field, r.get_json()


def test_present_must_be_the_committee_and_each_member_stands_once(api, committee_member, second_member, owners):
    r = api.post("/committee/decisions", user=committee_member,
                 json=entry(committee_member, owners["王伟"], disagreed=[]))
    assert r.status_code == 400 and error_of(r)["field"] == "present"
    r = api.post("/committee/decisions", user=committee_member,
                 json=entry(committee_member, second_member, disagreed=[committee_member.id]))
    assert r.status_code == 400 and error_of(r)["field"] == "disagreed"


def test_a_correction_supersedes_and_nothing_is_edited(api, committee_member, second_member, owners):
    first = api.post("/committee/decisions", user=committee_member, json=entry(committee_member, second_member))
    first_id = first.get_json()["id"]
    r = api.post("/committee/decisions", user=second_member,
                 json=entry(committee_member, second_member, agreed=[committee_member.id, second_member.id],
                            disagreed=[], supersedes=first_id, text="更正：两名委员均同意。"))
    assert r.status_code == 201 and r.get_json()["supersedes"] == first_id
    old = api.get(f"/committee/decisions/{first_id}", user=owners["王伟"]).get_json()
    assert (old["current"], old["superseded_by"], old["text"]) == (False, r.get_json()["id"],
                                                                   "同意聘请某会计师事务所审计维修资金。")
    again = api.post("/committee/decisions", user=committee_member,
                     json=entry(committee_member, second_member, supersedes=first_id))
    assert again.status_code == 409
    assert api.patch(f"/committee/decisions/{first_id}", user=committee_member, json={}).status_code == 405


def test_minutes_are_a_bounded_upload_every_member_may_open(api, client, committee_member, second_member, owners):
    assert upload(api, owners["王伟"]).status_code == 403
    assert upload(api, committee_member, data=b"MZ\x90\x00not a pdf").status_code == 400
    with pytest.raises(Invalid):  # the bound of every upload (a body that large is refused by the service)
        files.store(committee_member, b"%PDF-" + b"0" * (5 * 1024 * 1024), "big.pdf")
    r = upload(api, committee_member)
    assert r.status_code == 201 and r.get_json()["name"] == "纪要.pdf"
    file_id = r.get_json()["id"]
    log_in(client, owners["王伟"])
    assert client.get(f"/assembly/files/{file_id}").status_code == 404  # not yet published with a decision
    assert api.post("/committee/decisions", user=second_member,
                    json=entry(committee_member, second_member, minutes_file_id=file_id)).status_code == 400
    made = api.post("/committee/decisions", user=committee_member,
                    json=entry(committee_member, second_member, minutes_file_id=file_id)).get_json()
    assert made["minutes"]["url"] == f"/assembly/files/{file_id}"
    got = client.get(made["minutes"]["url"])
    assert got.status_code == 200 and got.mimetype == "application/pdf" and got.data == PDF
    got.close()


def test_the_register_page_records_with_minutes_and_shows_corrections(client, api, committee_member, second_member,
                                                                      owners):
    log_in(client, committee_member)
    html = page(client, "/committee/decisions")
    assert "张敏" in html and 'name="present"' in html
    r = client.post("/committee/decisions", data={
        "decided_on": "2026-11-21", "title": "更换门禁系统", "text": "同意更换。", "present": [
            str(committee_member.id), str(second_member.id)], f"stand-{committee_member.id}": "agreed",
        f"stand-{second_member.id}": "abstained", "minutes": (io.BytesIO(PDF), "minutes.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    made = api.get("/committee/decisions", user=owners["王伟"]).get_json()["items"][0]
    assert [m["name"] for m in made["abstained"]] == ["张敏"] and made["minutes"]["name"] == "minutes.pdf"
    r = client.post("/committee/decisions", data={"decided_on": "2026-11-21", "title": "", "text": "x",
                                                  "present": [str(committee_member.id)]})
    assert r.status_code == 400 and "role=\"alert\"" in r.get_data(as_text=True)
    log_in(client, owners["王伟"])
    html = page(client, "/committee/decisions")
    assert "更换门禁系统" in html and 'name="present"' not in html and "minutes.pdf" in html
