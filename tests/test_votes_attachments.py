"""Documents of a vote's announcement: attached by the committee to a draft (PDFs as sent, images re-encoded,
within the bounds of every upload), fixed once announced (a correction supersedes, nothing is removed), listed
for every owner with size and SHA-256, and in the printed announcement."""

import hashlib
import io

import pytest

from community.audit.models import AuditEntry
from community.extensions import db
from tests import test_votes
from tests.conftest import error_of
from tests.test_votes_assembly import assembly
from tests.test_votes_delivery import signature
from tests.test_votes_documents import text_of
from tests.test_votes_web import log_in, page

owners = test_votes.owners

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def attach(api, user, vote_id, data=PDF, name="物业服务合同.pdf", **form):
    return api.post(f"/votes/{vote_id}/documents", user=user, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(data), name), **form})


def documents(api, user, vote_id) -> list[dict]:
    r = api.get(f"/votes/{vote_id}/documents", user=user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_a_draft_takes_documents_and_lets_them_go(api, client, committee_member, owners):
    vote_id = assembly(api, committee_member)
    assert attach(api, owners["王伟"], vote_id).status_code == 403
    r = attach(api, committee_member, vote_id)
    assert r.status_code == 201, r.get_json()
    pdf = r.get_json()
    assert pdf["sha256"] == hashlib.sha256(PDF).hexdigest() and pdf["size"] == len(PDF)
    image = attach(api, committee_member, vote_id, data=signature("PNG"), name="报价单.png").get_json()
    assert image["mime"] == "image/png"
    for data, name in ((b"", "empty.pdf"), (b"MZ\x90\x00not a document", "x.exe")):
        bad = attach(api, committee_member, vote_id, data=data, name=name)
        assert bad.status_code == 400 and error_of(bad)["field"] == "file"
    assert api.get(f"/votes/{vote_id}/documents", user=owners["王伟"]).status_code == 404  # a draft's
    log_in(client, owners["王伟"])
    assert client.get(pdf["url"]).status_code == 404
    assert api.delete(f"/votes/{vote_id}/documents/{image['id']}", user=committee_member).status_code == 200
    assert [d["id"] for d in documents(api, committee_member, vote_id)] == [pdf["id"]]
    actions = [e.action for e in db.session.query(AuditEntry).filter(AuditEntry.action.like("vote.document%"))]
    assert actions == ["vote.document_attached", "vote.document_attached", "vote.document_removed"]


def test_once_announced_documents_are_fixed_and_corrected_by_superseding(api, client, committee_member, owners,
                                                                        tmp_path):
    vote_id = assembly(api, committee_member)
    first = attach(api, committee_member, vote_id).get_json()
    assert api.post(f"/votes/{vote_id}/announce", user=committee_member).status_code == 200
    assert [d["name"] for d in documents(api, owners["王伟"], vote_id)] == ["物业服务合同.pdf"]
    assert test_votes.detail(api, owners["刘洋"], vote_id)["documents"][0]["sha256"] == first["sha256"]
    log_in(client, owners["王伟"])
    got = client.get(first["url"])
    assert got.status_code == 200 and got.data == PDF
    got.close()
    assert api.delete(f"/votes/{vote_id}/documents/{first['id']}", user=committee_member).status_code == 409
    assert attach(api, committee_member, vote_id).status_code == 409  # a new document must say what it corrects
    bad = attach(api, committee_member, vote_id, supersedes="999999")
    assert bad.status_code == 400 and error_of(bad)["field"] == "supersedes"
    fixed = PDF.replace(b"1 0 obj", b"2 0 obj")
    second = attach(api, committee_member, vote_id, data=fixed, name="物业服务合同（更正）.pdf",
                    supersedes=str(first["id"])).get_json()
    assert second["supersedes"] == first["id"]
    assert attach(api, committee_member, vote_id, supersedes=str(first["id"])).status_code == 409
    # the owners told of the announcement are told of its correction, and the notice opens the vote
    told = {name: [n for n in api.get("/notifications", user=owner).get_json()["items"]
                   if n["kind"] == "vote_corrected"] for name, owner in owners.items()}
    assert len(told["王伟"]) == 1 and told["王伟"][0]["link"].endswith(f"/votes/{vote_id}")
    assert "更正" in told["王伟"][0]["text"]
    entry = db.session.query(AuditEntry).filter_by(action="vote.document_attached").order_by(
        AuditEntry.seq.desc()).first()
    assert entry.detail["notified"] == sum(len(found) for found in told.values()) > 1
    listed = documents(api, owners["王伟"], vote_id)
    assert [(d["id"], d["superseded_by"]) for d in listed] == [(first["id"], second["id"]), (second["id"], None)]
    log_in(client, committee_member)
    text = text_of(client.get(f"/votes/{vote_id}/announcement.pdf").data, tmp_path)
    assert "物业服务合同.pdf" in text and "物业服务合同（更正）.pdf" in text
    assert first["sha256"] in text.replace("\n", "").replace(" ", "")


def test_the_vote_page_lists_documents_and_the_committee_attaches_them(client, api, committee_member, owners):
    vote_id = assembly(api, committee_member)
    log_in(client, committee_member)
    assert 'id="document-file"' in page(client, f"/votes/{vote_id}")
    r = client.post(f"/votes/{vote_id}/documents", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(PDF), "议事规则.pdf")})
    assert r.status_code == 302
    assert api.post(f"/votes/{vote_id}/announce", user=committee_member).status_code == 200
    log_in(client, owners["张敏"])
    html = page(client, f"/votes/{vote_id}")
    assert "议事规则.pdf" in html and hashlib.sha256(PDF).hexdigest() in html and 'id="document-file"' not in html
