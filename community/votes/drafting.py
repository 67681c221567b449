"""Drafting a vote: its text, its items (motions and elections), its scope and its closing time. A vote with
one motion is written with ``matter``; an assembly's ballot with ``items``. Either way each item is a row, so
counting and publication treat both alike."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from ..audit import services as audit
from ..core import policy, sanitize
from ..core.errors import Conflict, Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Building, Unit
from ..extensions import db
from . import procedure, tally
from .common import BODY_MAX, TITLE_MAX, body_of, dumps, find, text, whole
from .models import Vote, VoteCandidate, VoteItem

LONGEST_WINDOW = timedelta(days=366)
EDITABLE = ("title", "body", "matter", "secret", "closes_at")
ITEMS_MAX = 20
CANDIDATES_MAX = 60
SEATS_MAX = 30
NAME_MAX = 64
STATEMENT_MAX = 2000


def _matter(value, field="matter") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in tally.MATTERS:
        raise Invalid(_("The matter is a number from 1 to 9 (Civil Code art. 278)."), field=field)
    return value


def _secret(value) -> bool:
    if not isinstance(value, bool):
        raise Invalid(_("Expected true or false."), field="secret")
    return value


def _closes_at(value) -> datetime:
    """An ISO 8601 time (UTC if it names no zone), in the future and within a year; stored as naive UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise Invalid(_("Give the closing time as an ISO 8601 date and time."), field="closes_at")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    now = utcnow()
    if value <= now:
        raise Invalid(_("The closing time must be in the future."), field="closes_at")
    if value > now + LONGEST_WINDOW:
        raise Invalid(_("The closing time must be within a year."), field="closes_at")
    return value


parse_closes_at = _closes_at


PARSERS = {"title": lambda v: text(v, "title", TITLE_MAX), "body": lambda v: text(v, "body", BODY_MAX),
           "matter": _matter, "secret": _secret, "closes_at": _closes_at}


def _fields(data, *, partial: bool, multi: bool) -> dict:
    data = body_of(data)
    if not partial and "secret" not in data:
        data = {**data, "secret": False}
    values = {}
    for name in EDITABLE:
        if name == "matter" and multi:
            continue
        if name in data:
            values[name] = PARSERS[name](data[name])
        elif not partial:
            PARSERS[name](None)  # raises "required" with the field
    return values


def _item(raw, n: int) -> dict:
    field = f"items.{n}"
    if not isinstance(raw, dict):
        raise Invalid(_("Each item is an object."), field=field)
    kind = raw.get("kind")
    item = {"kind": kind, "title": text(raw.get("title"), f"{field}.title", TITLE_MAX),
            "body": text(raw.get("body"), f"{field}.body", BODY_MAX)}
    if kind == "motion":
        return item | {"matter": _matter(raw.get("matter"), f"{field}.matter"), "seats": None, "candidates": []}
    if kind != "election":
        raise Invalid(_("An item is a motion or an election."), field=f"{field}.kind")
    seats = whole(raw.get("seats"), f"{field}.seats", 1, SEATS_MAX)
    candidates = raw.get("candidates")
    if not isinstance(candidates, list) or not 1 <= len(candidates) <= CANDIDATES_MAX:
        raise Invalid(_("An election needs at least one candidate."), field=f"{field}.candidates")
    found = []
    for m, candidate in enumerate(candidates):
        at = f"{field}.candidates.{m}"
        if not isinstance(candidate, dict):
            raise Invalid(_("Each candidate is an object."), field=at)
        statement = candidate.get("statement") or ""
        if not isinstance(statement, str) or len(statement.strip()) > STATEMENT_MAX:
            raise Invalid(_("This field is too long."), field=f"{at}.statement")
        found.append({"name": text(candidate.get("name"), f"{at}.name", NAME_MAX), "statement": statement.strip()})
    return item | {"matter": 3, "seats": seats, "candidates": found}


def _items(raw) -> list[dict]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= ITEMS_MAX:
        raise Invalid(_("Give between 1 and 20 items."), field="items")
    return [_item(entry, n) for n, entry in enumerate(raw)]


def _scope(raw, scope_units) -> str | None:
    if scope_units is not None:
        ids = sorted(set(scope_units)) if isinstance(scope_units, list | tuple | set) else None
        if not ids or any(isinstance(i, bool) or not isinstance(i, int) for i in ids) or \
                len(db.session.scalars(select(Unit.id).where(Unit.id.in_(ids))).all()) != len(ids):
            raise Invalid(_("Name units that are on the roster."), field="scope")
        return dumps({"units": ids})
    if raw is None:
        return None
    buildings = raw.get("buildings") if isinstance(raw, dict) else None
    if not isinstance(buildings, list) or not buildings or not all(isinstance(b, str) for b in buildings):
        raise Invalid(_("The scope is a list of buildings."), field="scope")
    codes = sorted({b.strip() for b in buildings})
    known = set(db.session.scalars(select(Building.code).where(Building.code.in_(codes))))
    if known != set(codes):
        raise Invalid(_("No such building: %(code)s.", code=", ".join(sorted(set(codes) - known))), field="scope")
    return dumps({"buildings": codes})


def _write_items(vote: Vote, items: list[dict]) -> None:
    db.session.execute(delete(VoteCandidate).where(VoteCandidate.vote_id == vote.id))
    db.session.execute(delete(VoteItem).where(VoteItem.vote_id == vote.id))
    for n, item in enumerate(items, 1):
        row = VoteItem(vote_id=vote.id, position=n, kind=item["kind"], title=item["title"], body=item["body"],
                       body_html=sanitize.render(item["body"]), matter=item["matter"], seats=item["seats"])
        db.session.add(row)
        db.session.flush()
        db.session.add_all(VoteCandidate(vote_id=vote.id, item_id=row.id, position=m, name=c["name"],
                                         statement=c["statement"]) for m, c in enumerate(item["candidates"], 1))


def _single(vote: Vote) -> list[dict]:
    return [{"kind": "motion", "title": vote.title, "body": vote.body, "matter": vote.matter, "seats": None,
             "candidates": []}]


def create(actor, data, *, scope_units: list[int] | None = None, commit: bool = True) -> Vote:
    """A draft. ``scope_units`` (for other domains, such as a maintenance fund use charged to some units)
    limits the electorate to those unit ids, as ``data["scope"]`` does to buildings. With ``commit`` False the
    caller commits (a petition convened writes its answer in the same transaction)."""
    policy.require(actor, "vote.create")
    data = body_of(data)
    multi = "items" in data and "matter" not in data
    values = _fields(data, partial=False, multi=multi)
    items = _items(data["items"]) if multi else None
    scope = _scope(data.get("scope"), scope_units)
    now = utcnow()
    vote = Vote(**values, body_html=sanitize.render(values["body"]), status="draft", created_by_id=actor.id,
                created_at=now, updated_at=now, multi=multi, scope=scope, **procedure.current())
    if multi:
        vote.matter = items[0]["matter"]
    db.session.add(vote)
    db.session.flush()
    _write_items(vote, items if multi else _single(vote))
    detail = {"title": vote.title, "matter": vote.matter, "secret": vote.secret, "closes_at": iso(vote.closes_at)}
    if multi:
        detail["items"] = [{"kind": i["kind"], "title": i["title"], "matter": i["matter"]} for i in items]
    if scope:
        detail["scope"] = scope
    audit.record(actor, "vote.created", f"vote:{vote.id}", detail)
    if commit:
        db.session.commit()
    return vote


def edit(actor, vote_id: int, data) -> Vote:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    if vote.status != "draft":
        raise Conflict(_("Only a draft can be edited."))
    values = _fields(data, partial=True, multi=vote.multi)
    changed = sorted(name for name, value in values.items() if getattr(vote, name) != value)
    items = _items(data["items"]) if vote.multi and "items" in data else None
    if not changed and items is None:
        return vote
    for name in changed:
        setattr(vote, name, values[name])
    vote.body_html = sanitize.render(vote.body)
    vote.updated_at = utcnow()
    if items is not None:
        vote.matter = items[0]["matter"]
        _write_items(vote, items)
        changed.append("items")
    elif not vote.multi:
        _write_items(vote, _single(vote))
    audit.record(actor, "vote.edited", f"vote:{vote.id}",
                 {"fields": changed, **{n: iso(values[n]) if n == "closes_at" else values[n]
                                        for n in changed if n not in ("body", "items")}})
    db.session.commit()
    return vote
