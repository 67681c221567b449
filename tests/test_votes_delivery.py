"""The delivery ledger of a vote: per unit in scope, seen in the app (read from the owners' notifications, never
written on a read) or paper handed over with a signature photo; append-only entries corrected by superseding
ones, audited, the committee's only; the page, its CSV of units not reached, and its statement count."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from community.audit.models import AuditEntry
from community.core.timeutil import utcnow
from community.extensions import db
from community.notifications.models import Notification
from community.votes.models import VoteDelivery
from tests import test_votes
from tests.conftest import error_of
from tests.statements import recorded
from tests.test_votes_assembly import announced
from tests.test_votes_web import log_in, page

owners = test_votes.owners


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def signature(fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (20, 20, 20)).save(out, fmt)
    return out.getvalue()


def hand_over(api, member, vote_id, photo=True, **fields):
    data = {"unit": "2-1-102", "received_by": "刘洋", **fields}
    if photo:
        data["photo"] = (io.BytesIO(signature() if photo is True else photo), "sign.jpg")
    return api.post(f"/votes/{vote_id}/deliveries", user=member, data=data, content_type="multipart/form-data")


def ledger(api, user, vote_id, **query):
    return api.get(f"/votes/{vote_id}/deliveries", user=user, query_string=query)


def states(api, member, vote_id) -> dict:
    return {line["unit"]: line["state"] for line in ledger(api, member, vote_id).get_json()["items"]}


def test_seen_in_the_app_is_read_from_the_owners_notifications(api, committee_member, owners):
    vote_id = announced(api, committee_member)
    assert set(states(api, committee_member, vote_id).values()) == {"undelivered"}
    before = db.session.query(Notification).filter(Notification.read_at.is_not(None)).count()
    # 王伟 opens his notifications: both his units are reached; reading the ledger wrote nothing.
    assert api.post("/notifications/read", user=owners["王伟"]).status_code == 200
    seen = states(api, committee_member, vote_id)
    assert seen["1-1-101"] == seen["1-1-102"] == "seen" and seen["2-1-101"] == "undelivered"
    assert db.session.query(Notification).filter(Notification.read_at.is_not(None)).count() > before
    counts = ledger(api, committee_member, vote_id).get_json()["counts"]
    assert counts == {"units": 6, "seen": 2, "paper": 0, "undelivered": 4, "delivered": 2}
    only_two = ledger(api, committee_member, vote_id, building="2").get_json()
    assert [line["unit"] for line in only_two["items"]] == ["2-1-101", "2-1-102"]


def test_a_paper_hand_over_is_recorded_with_its_photo_audited_and_masked(api, client, committee_member, owners):
    vote_id = announced(api, committee_member)
    r = hand_over(api, committee_member, vote_id)
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    assert entry["unit"] == "2-1-102" and entry["kind"] == "paper" and entry["received_by"] == "刘*"
    assert states(api, committee_member, vote_id)["2-1-102"] == "paper"
    audit = db.session.query(AuditEntry).filter_by(action="vote.delivery_recorded").one()
    assert audit.detail["unit"] == "2-1-102" and audit.detail["received_by"] == "刘*"
    # The photo was re-encoded as every upload is, and only the committee may open it.
    log_in(client, owners["刘洋"])
    assert client.get(entry["photo"]).status_code == 404
    log_in(client, committee_member)
    got = client.get(entry["photo"])
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    got.close()


def test_entries_are_append_only_and_corrected_by_superseding_ones(api, committee_member, owners):
    vote_id = announced(api, committee_member)
    first = hand_over(api, committee_member, vote_id, unit="2-1-101", received_by="张敏").get_json()
    no_note = hand_over(api, committee_member, vote_id, supersedes=str(first["id"]), received_by="张敏的母亲")
    assert no_note.status_code == 400 and error_of(no_note)["field"] == "note"
    fixed = hand_over(api, committee_member, vote_id, supersedes=str(first["id"]), received_by="张敏的母亲",
                      note="签收人写错").get_json()
    assert fixed["supersedes"] == first["id"] and fixed["unit"] == "2-1-101"
    again = hand_over(api, committee_member, vote_id, supersedes=str(first["id"]), note="再改", photo=False,
                      kind="withdrawn")
    assert again.status_code == 409  # correct the newer entry, not the corrected one
    withdrawn = api.post(f"/votes/{vote_id}/deliveries", user=committee_member, content_type="multipart/form-data",
                         data={"supersedes": str(fixed["id"]), "kind": "withdrawn", "note": "其实未送达"})
    assert withdrawn.status_code == 201, withdrawn.get_json()
    assert states(api, committee_member, vote_id)["2-1-101"] == "undelivered"
    entries = ledger(api, committee_member, vote_id).get_json()["entries"]
    assert [(e["id"], e["superseded"]) for e in entries] == [
        (withdrawn.get_json()["id"], False), (fixed["id"], True), (first["id"], True)]
    assert db.session.query(VoteDelivery).count() == 3  # nothing edited, nothing removed
    assert api.patch(f"/votes/{vote_id}/deliveries", user=committee_member, json={}).status_code == 405


def test_the_ledger_is_the_committees_and_bad_input_is_a_400(api, committee_member, owners, staff):
    vote_id = announced(api, committee_member)
    for user in (owners["王伟"], staff):
        assert ledger(api, user, vote_id).status_code == 403
        assert hand_over(api, user, vote_id).status_code == 403
    for fields, field in (({"unit": "9-9-999"}, "unit"), ({"received_by": ""}, "received_by"),
                          ({"photo": False}, "photo"), ({"photo": b"%PDF-1.4 a pdf"}, "photo"),
                          ({"photo": b"not an image"}, "photo"), ({"handed_at": "yesterday"}, "handed_at"),
                          ({"handed_at": (utcnow() + timedelta(days=2)).isoformat()}, "handed_at"),
                          ({"kind": "lost"}, "kind"), ({"kind": "withdrawn"}, "kind"),
                          ({"supersedes": "999999", "note": "x"}, "supersedes")):
        r = hand_over(api, committee_member, vote_id, **fields)
        assert r.status_code == 400 and error_of(r)["field"] == field, (fields, r.get_json())
    draft = test_votes.draft(api, committee_member)
    assert ledger(api, committee_member, draft).status_code == 409
    assert ledger(api, committee_member, 999999).status_code == 404


def test_the_ledger_is_kept_with_the_vote_after_the_result(api, committee_member, owners):
    from community.core.timeutil import frozen
    vote_id = announced(api, committee_member)
    assert hand_over(api, committee_member, vote_id).status_code == 201
    vote = db.session.get(__import__("community.votes.models", fromlist=["Vote"]).Vote, vote_id)
    with frozen(vote.opens_at + timedelta(minutes=1)):
        assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 200
    with frozen(vote.closes_at + timedelta(minutes=1)):
        assert api.get(f"/votes/{vote_id}", user=committee_member).get_json()["status"] == "closed"
        assert states(api, committee_member, vote_id)["2-1-102"] == "paper"
        assert hand_over(api, committee_member, vote_id, unit="2-1-101").status_code == 409


def test_the_page_records_filters_and_lists_undelivered_units_as_csv(client, api, committee_member, owners):
    vote_id = announced(api, committee_member)
    log_in(client, owners["王伟"])
    assert client.get(f"/votes/{vote_id}/delivery").status_code == 403
    log_in(client, committee_member)
    html = page(client, f"/votes/{vote_id}/delivery")
    assert 'id="ledger-counts"' in html and "0 / 6" not in html and 'name="photo"' in html
    r = client.post(f"/votes/{vote_id}/delivery", content_type="multipart/form-data", data={
        "unit": "2-1-101", "received_by": "张敏", "handed_at": "", "photo": (io.BytesIO(signature("PNG")), "s.png")})
    assert r.status_code == 302
    html = page(client, f"/votes/{vote_id}/delivery?building=2")
    assert 'data-unit="2-1-101" data-state="paper"' in html and 'data-unit="1-1-101"' not in html and "张*" in html
    assert "张敏" not in html
    r = client.post(f"/votes/{vote_id}/delivery", content_type="multipart/form-data",
                    data={"unit": "2-1-102", "received_by": "刘洋"})  # no photo: refused, shown as a message
    assert r.status_code == 302 and states(api, committee_member, vote_id)["2-1-102"] == "undelivered"
    csv = client.get(f"/votes/{vote_id}/delivery.csv")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "building,unit" and "2,2-1-102" in lines and "2,2-1-101" not in lines
    assert len(lines) == 1 + 5


def test_the_page_costs_the_same_statements_for_more_units(client, api, committee_member, owners, staff):
    """The statements of the page do not grow with the units, entries or readers: a fixed number per page."""
    def count(vote_id) -> int:
        page(client, f"/votes/{vote_id}/delivery")  # the first read of a vote settles it; count the next one
        with recorded(request_path_only=True) as seen:
            page(client, f"/votes/{vote_id}/delivery")
        return len(seen)

    log_in(client, committee_member)
    small = announced(api, committee_member)
    few = count(small)
    test_votes.import_units(api, staff, *[test_votes.unit(f"4-1-{n:03d}", "80.00", (f"业主{n}", 100 + n))
                                          for n in range(1, 41)])
    large = announced(api, committee_member)
    for n in range(3):
        assert hand_over(api, committee_member, large, unit=f"4-1-00{n + 1}", received_by="某").status_code == 201
    assert api.post("/notifications/read", user=owners["刘洋"]).status_code == 200
    assert count(large) == few
