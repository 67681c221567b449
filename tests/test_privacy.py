"""What each role may see of someone's personal data, and ID numbers never stored or shown in clear."""

import json
import logging

from sqlalchemy import inspect, text

from community.extensions import db
from tests.fixtures.people import ROSTER, id_number, registration

PUBLIC = {"id", "display_name", "building", "role", "committee"}


def test_peers_see_display_name_and_building_only(api, everyone):
    owner = everyone["owner"]
    for role in ("resident", "vendor", "committee", "owner"):
        body = api.get(f"/users/{owner.id}", user=everyone[role]).get_json()
        assert set(body) == PUBLIC, role
        assert body["display_name"] == "一栋老王" and body["building"] == "1"


def test_staff_see_real_name_and_phone(api, everyone):
    owner = everyone["owner"]
    for role in ("staff", "admin"):
        body = api.get(f"/users/{owner.id}", user=everyone[role]).get_json()
        assert body["real_name"] == "王伟" and body["phone"] == owner.phone


def test_pending_users_are_invisible_to_peers(api, everyone, pending):
    assert api.get(f"/users/{pending.id}", user=everyone["owner"]).status_code == 404
    assert api.get(f"/users/{pending.id}", user=everyone["staff"]).status_code == 200
    assert api.get("/users/99999", user=everyone["owner"]).status_code == 404


def test_committee_sees_registrations_masked(api, everyone, pending):
    items = api.get("/registrations", user=everyone["committee"]).get_json()["items"]
    entry = next(i for i in items if i["id"] == pending.id)
    assert entry["real_name"] == "张*"
    assert entry["phone"] == pending.phone[:3] + "****" + pending.phone[-4:]
    assert entry["id_last4"] is None
    full = api.get("/registrations", user=everyone["staff"]).get_json()["items"]
    entry = next(i for i in full if i["id"] == pending.id)
    assert entry["real_name"] == "张敏" and entry["phone"] == pending.phone and entry["id_last4"] == id_number(3)[-4:]


def test_committee_sees_roster_names_masked(api, everyone):
    masked = api.get("/units", user=everyone["committee"]).get_json()["items"]
    assert {o["name"] for u in masked for o in u["owners"]} <= {"王*", "李*", "张*", "刘*"}
    assert all(o["id_last4"] is None for u in masked for o in u["owners"])
    full = api.get("/units", user=everyone["staff"]).get_json()["items"]
    assert "王伟" in {o["name"] for u in full for o in u["owners"]}


def _dump_database() -> str:
    engine = db.engine
    chunks = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                chunks.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(chunks)


def test_no_id_number_in_clear_anywhere(api, client, everyone, pending, caplog):
    caplog.set_level(logging.DEBUG)
    numbers = [o["id_number"] for u in ROSTER for o in u["owners"]]
    extra = registration(id_number=id_number(4242))
    api.post("/auth/register", json=extra)
    api.post("/auth/register", json=registration(id_number="110101199001011234"))  # bad checksum: logged?
    numbers.append(extra["id_number"])
    responses = []
    for user in everyone.values():
        for path in ("/me", f"/users/{pending.id}", "/registrations", "/registrations?status=approved", "/units",
                     "/audit"):
            responses.append(api.get(path, user=user).get_data(as_text=True))
    with client.session_transaction() as session:
        session["_user_id"] = everyone["staff"].get_id()
    for path in ("/staff/registrations", "/staff/registrations?status=approved", "/staff/roster"):
        responses.append(client.get(path).get_data(as_text=True))
    dump = _dump_database()
    logs = caplog.text
    for number in set(numbers):
        assert number not in dump
        assert number not in logs
        assert all(number not in body for body in responses)
        assert number[:14] not in dump  # not even the birth-date prefix


def test_public_cards_in_bulk_match_one_by_one(everyone, pending):
    """The batch used by thread pages and queues says exactly what the single card says, for people with two
    units, with a unit applied for but not yet granted, and with no unit at all."""
    from community.accounts.services import public_cards, serialize_public

    people = [*everyone.values(), pending]
    cards = public_cards([p.id for p in people] + [None, 99999])
    assert set(cards) == {p.id for p in people}
    for person in people:
        assert cards[person.id] == serialize_public(person), person.display_name
    assert cards[everyone["owner"].id]["building"] == "1"
    assert public_cards([]) == {}
