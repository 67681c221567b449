"""The audit trail: every staff and admin write records itself here, in the same transaction."""

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import func, select, text

from ..core import policy
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import anchors
from .models import AuditEntry
from .words import kind_of

GENESIS = "0" * 64
ANCHOR_GRACE = timedelta(minutes=1)


def canonical(seq: int, at, actor_id, action: str, target: str, detail: dict) -> str:
    return json.dumps(
        {"seq": seq, "at": iso_exact(at), "actor": actor_id, "action": action, "target": target,
         "detail": detail or {}},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def iso_exact(at) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _lock_chain() -> None:
    # SQLite serialises writers already; PostgreSQL needs a lock so two transactions can't fork the chain.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(727001)"))


def record(actor, action: str, target: str, detail: dict | None = None) -> AuditEntry:
    """Append an entry to the chain. The caller commits, together with the write it records."""
    _lock_chain()
    last = db.session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else GENESIS
    at = utcnow()
    detail = detail or {}
    actor_id = actor.id if actor is not None else None
    entry = AuditEntry(seq=seq, at=at, actor_id=actor_id, action=action, kind=kind_of(action), target=target,
                       detail=detail,
                       prev_hash=prev, hash=entry_hash(prev, canonical(seq, at, actor_id, action, target, detail)))
    db.session.add(entry)
    db.session.flush()
    anchors.queue(db.session(), seq, entry.hash, iso_exact(at))
    return entry


def entries(actor, *, after: int = 0, limit: int = 50) -> list[dict]:
    """A page of the trail, serialised, with each acting account loaded once."""
    from ..accounts.models import User

    policy.require(actor, "audit.read")
    rows = list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)))
    ids = {r.actor_id for r in rows if r.actor_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [serialize(r, actors) for r in rows]


def browse(actor, *, before: int | None = None, actor_id: int | None = None, kind: str | None = None,
           since=None, until=None, limit: int = 50) -> dict:
    """A page of the trail for people: newest first, filtered by who acted, the action's family and a time range
    (naive UTC, ``since`` included, ``until`` not), paged by seq (keyset: as fast at entry 100,000 as at the top).
    A fixed number of statements whatever the page size: the entries, their actors, and the time bounds."""
    from ..accounts.models import User

    policy.require(actor, "audit.read")
    query = select(AuditEntry)
    if before:
        query = query.where(AuditEntry.seq < before)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if kind:
        query = query.where(AuditEntry.kind == kind)
    if since is not None or until is not None:
        bounds = _seq_bounds(since, until)
        if bounds is None:
            return {"items": [], "next": None}
        query = query.where(AuditEntry.seq.between(*bounds))
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
    rows = list(db.session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    ids = {r.actor_id for r in rows if r.actor_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return {"items": [serialize(r, actors) for r in rows], "next": rows[-1].seq if more else None}


def _seq_bounds(since, until) -> tuple[int, int] | None:
    """The seqs that can hold entries of a time range, read from the (at, seq) index in one statement. Entries
    are written in time order, so this narrows the walk to the range; the page still checks ``at`` itself."""
    low = select(func.min(AuditEntry.seq))
    high = select(func.max(AuditEntry.seq))
    if since is not None:
        low, high = low.where(AuditEntry.at >= since), high.where(AuditEntry.at >= since)
    if until is not None:
        low, high = low.where(AuditEntry.at < until), high.where(AuditEntry.at < until)
    found = db.session.execute(select(low.scalar_subquery(), high.scalar_subquery())).one()
    return None if found[0] is None else (found[0], found[1])


def actors_seen(actor) -> list[dict]:
    """The people who appear in the trail, for the filter: staff, admins and the committee, by name."""
    from ..accounts.models import User

    policy.require(actor, "audit.read")
    rows = db.session.execute(select(User.id, User.display_name).where(
        User.role.in_(policy.STAFF) | User.committee.is_(True)).order_by(User.display_name)).all()
    return [{"id": i, "display_name": name} for i, name in rows]


def verify(batch: int = 5000) -> tuple[bool, int, int | None]:
    """Walk the chain and hold it against the anchors outside the database; answer (ok, entries checked, first
    bad seq). A removed, altered or re-hashed entry, or a missing tail, names the first seq that differs."""
    anchored, bad = anchors.load()
    settled = utcnow() - ANCHOR_GRACE  # an entry younger than this may be committed but not yet anchored
    prev = GENESIS
    count = 0
    expected_seq = 1
    for row in _stream(batch):
        seq, at, actor_id, action, target, detail, prev_hash, hash_ = row
        if seq != expected_seq:
            bad = _first(bad, expected_seq)
            break
        body = canonical(seq, at, actor_id, action, target, detail)
        anchor = anchored.get(seq)
        if prev_hash != prev or entry_hash(prev, body) != hash_ or (anchor is not None and anchor != hash_) \
                or (anchor is None and at < settled):
            bad = _first(bad, seq)
            break
        prev = hash_
        count += 1
        expected_seq += 1
    if count and not anchored:
        bad = _first(bad, 1)  # the anchor log itself is gone
    if anchored and max(anchored) >= expected_seq:  # entries the anchors know of are gone from the table
        bad = _first(bad, expected_seq)
    return bad is None, count, bad


def _first(bad: int | None, seq: int) -> int:
    return seq if bad is None else min(bad, seq)


def head_for(actor) -> dict:
    """The newest anchored entry with its signature: what the committee writes down and documents carry."""
    policy.require(actor, "audit.read")
    return current_head()


def current_head() -> dict:
    found = anchors.head()
    if found is None:
        return {"seq": 0, "hash": GENESIS, "at": None, "signature": None}
    return found


def anchor_existing() -> int:
    """Anchor the entries an installation wrote before it had anchors; refuse if the chain is broken."""
    anchored, _bad = anchors.load()
    prev, rows = GENESIS, []
    for seq, at, actor_id, action, target, detail, prev_hash, hash_ in _stream(5000):
        if prev_hash != prev or entry_hash(prev, canonical(seq, at, actor_id, action, target, detail)) != hash_:
            raise ValueError(f"audit chain broken at entry {seq}")
        if seq not in anchored:
            rows.append((seq, hash_, iso_exact(at)))
        prev = hash_
    return anchors.anchor_now(rows)


def _stream(batch: int) -> Iterator[tuple]:
    last = 0
    cols = (AuditEntry.seq, AuditEntry.at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.target,
            AuditEntry.detail, AuditEntry.prev_hash, AuditEntry.hash)
    while True:
        rows = db.session.execute(
            select(*cols).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify_for(actor) -> dict:
    policy.require(actor, "audit.read")
    ok, count, bad = verify()
    return {"ok": True, "entries": count} if ok else {"ok": False, "first_bad_seq": bad, "entries": count}


def serialize(entry: AuditEntry, actors: dict) -> dict:
    actor = actors.get(entry.actor_id)
    return {
        "seq": entry.seq,
        "at": iso(entry.at),
        "actor": ({"id": actor.id, "display_name": actor.display_name, "role": actor.role} if actor else None),
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def chain_head() -> dict:
    """The latest entry's sequence number and hash, for documents that vouch for the trail as it stood."""
    last = db.session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return {"seq": last.seq, "hash": last.hash} if last else {"seq": 0, "hash": GENESIS}
