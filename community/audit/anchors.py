"""The audit chain's anchors: each committed entry's ``(seq, hash)`` is appended, signed, to a log outside the
main database. Someone who can edit the database but not this log (and not its key) cannot delete, alter or
re-hash entries without verify naming the first one they touched.

The log is one JSON object a line: ``{"seq", "hash", "at", "sig"}``, ``sig`` an HMAC-SHA256 of
``seq:hash:at`` under the anchor key, which lives in ``COMMUNITY_AUDIT_KEY`` or ``instance/audit_key``.
"""

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.keys import write_once

PENDING = "audit_anchor_pending"


def _key() -> str:
    key = current_app.config.get("AUDIT_KEY")
    if not key:
        path = Path(current_app.instance_path) / "audit_key"
        write_once(path, secrets.token_hex(32))
        key = path.read_text().strip()
        current_app.config["AUDIT_KEY"] = key
    return key


def _path() -> Path:
    return Path(current_app.config["AUDIT_ANCHOR_PATH"])


def sign(key: str, seq: int, hash_: str, at: str) -> str:
    return hmac.new(key.encode(), f"{seq}:{hash_}:{at}".encode(), hashlib.sha256).hexdigest()


def queue(session, seq: int, hash_: str, at: str) -> None:
    """Remember an entry written in this transaction; it is anchored only if the transaction commits."""
    session.info.setdefault(PENDING, []).append((str(_path()), _key(), seq, hash_, at))


@event.listens_for(Session, "after_commit")
def _anchor_committed(session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        by_path: dict[str, list[str]] = {}
        for path, key, seq, hash_, at in pending:
            line = json.dumps({"seq": seq, "hash": hash_, "at": at, "sig": sign(key, seq, hash_, at)},
                              separators=(",", ":"))
            by_path.setdefault(path, []).append(line + "\n")
        for path, lines in by_path.items():
            try:
                append(Path(path), lines)
            except OSError:
                # The write it records is committed; verify will name the unanchored entry.
                logging.getLogger(__name__).exception("audit anchor log %s could not be written", path)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(PENDING, None)


def append(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)  # several workers append to one log
        try:
            out.write("".join(lines))
            out.flush()
            os.fsync(out.fileno())
        finally:
            fcntl.flock(out, fcntl.LOCK_UN)


def anchor_now(rows) -> int:
    """Anchor rows that are already in the database (an installation that had entries before anchors)."""
    key = _key()
    lines = [json.dumps({"seq": seq, "hash": hash_, "at": at, "sig": sign(key, seq, hash_, at)},
                        separators=(",", ":")) + "\n" for seq, hash_, at in rows]
    if lines:
        append(_path(), lines)
    return len(lines)


def load() -> tuple[dict[int, str], int | None]:
    """Answer the anchored hashes by seq, and the first seq whose anchor line is forged or unreadable."""
    path = _path()
    anchors: dict[int, str] = {}
    bad: int | None = None
    if not path.exists():
        return anchors, None
    key = _key()
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError:
        return {}, 1  # a log that cannot be read proves nothing
    with handle:
        for line in handle:
            try:
                item = json.loads(line)
                seq, hash_, at, sig = int(item["seq"]), str(item["hash"]), str(item["at"]), str(item["sig"])
            except (ValueError, KeyError, TypeError):
                bad = 1 if bad is None else bad  # a line nobody can read: the log was edited
                continue
            if not hmac.compare_digest(sig, sign(key, seq, hash_, at)) or anchors.get(seq, hash_) != hash_:
                bad = seq if bad is None else min(bad, seq)
                continue
            anchors[seq] = hash_
    return anchors, bad


def head() -> dict | None:
    """The newest anchored entry, as written (and signed) when it was committed."""
    path = _path()
    if not path.exists():
        return None
    with open(path, "rb") as log:
        log.seek(0, os.SEEK_END)
        size = log.tell()
        log.seek(max(0, size - 8192))
        tail = log.read().decode("utf-8", "replace").splitlines()
    best = None
    for line in tail[-64:]:  # concurrent commits may append a little out of order
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and isinstance(item.get("seq"), int) and (best is None or item["seq"] > best["seq"]):
            best = item
    if best is None:
        return None
    return {"seq": best["seq"], "hash": best["hash"], "at": best["at"], "signature": best["sig"]}
