"""Files the committee attaches: minutes of a decision, documents of a vote's announcement. The bounds are
those of every upload (``boards.media``): at most 5 MB, a number per account per hour; an image goes through
the attachments service (decoded, cleaned, re-encoded), a PDF is kept as sent once its header says it is one."""

import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..core import policy
from ..core.errors import Invalid, NotFound, RateLimited, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..extensions import db
from .models import AssemblyFile, CommitteeDecision

NAME_MAX = 120


def _clean_name(name) -> str:
    name = Path(str(name or "")).name.replace("\x00", "").strip()
    return (name or "file")[-NAME_MAX:]


def read_upload(upload) -> tuple[bytes, str | None]:
    """The bytes and name of an uploaded form file (read one byte past the bound, then closed)."""
    from ..boards import media
    if upload is None or not upload.filename:
        return b"", None
    try:
        return upload.stream.read(media.MAX_BYTES + 1), upload.filename
    finally:
        upload.close()


def store(actor, data: bytes, name, *, vote_id: int | None = None, supersedes_id: int | None = None) -> AssemblyFile:
    """Keep one uploaded file with the SHA-256 of what is kept; the caller commits (an image's attachment row is
    committed by its service)."""
    from ..boards import media
    policy.require(actor, "attachment.upload")
    if not data:
        raise Invalid(_("Choose a file to upload."), field="file")
    if len(data) > media.MAX_BYTES:
        raise Invalid(_("A file may be at most 5 MB."), field="file")
    since = utcnow() - timedelta(hours=1)
    if db.session.scalar(select(func.count(AssemblyFile.id)).where(
            AssemblyFile.uploader_id == actor.id, AssemblyFile.created_at > since)) \
            >= current_app.config.get("UPLOADS_PER_HOUR", 30):
        raise RateLimited(_("Too many files this hour; please wait and try again."), retry_after=600)
    if data.startswith(b"%PDF-"):
        key = secrets.token_urlsafe(18)
        (media.media_dir() / f"{key}.pdf").write_bytes(data)
        found = AssemblyFile(key=key, name=_clean_name(name), mime="application/pdf", size=len(data),
                             vote_id=vote_id, uploader_id=actor.id, created_at=utcnow())
    else:
        try:
            attachment = media.upload(actor, data)
        except Invalid:
            raise Invalid(_("Only PDF files and JPEG, PNG or WebP images are accepted."), field="file") from None
        found = AssemblyFile(key=attachment.key, name=_clean_name(name), mime=attachment.mime,
                             size=attachment.size, attachment_id=attachment.id, vote_id=vote_id,
                             uploader_id=actor.id, created_at=utcnow())
    found.supersedes_id = supersedes_id
    found.sha256 = hashlib.sha256(data if found.attachment_id is None else path_of(found).read_bytes()).hexdigest()
    db.session.add(found)
    db.session.flush()
    return found


def detach(found: AssemblyFile) -> None:
    """Take a document off the draft vote it was attached to (the file stays, its uploader's); the caller
    commits."""
    found.vote_id = None


def path_of(found: AssemblyFile) -> Path:
    from ..boards import media
    ext = "pdf" if found.mime == "application/pdf" else next(e for m, e in media.FORMATS.values() if m == found.mime)
    return media.media_dir() / f"{found.key}.{ext}"


def fetch(actor, file_id) -> tuple[AssemblyFile, Path]:
    """A file for someone who may see what carries it: a vote's document follows the vote (a draft's are the
    committee's), minutes are every member's, a delivery's signature photo is the committee's."""
    policy.require_member(actor)
    found = db.session.get(AssemblyFile, file_id) if is_id(file_id) else None
    if found is None:
        raise NotFound(_("Not found."))
    from ..votes import delivery
    photo = delivery.photo_visible(actor, found.id) if found.vote_id is None else None
    if found.vote_id is not None:
        from ..votes import services as votes
        votes.get(actor, found.vote_id)
    elif photo is False:
        raise NotFound(_("Not found."))  # a signature photo of a delivery ledger: the committee's
    elif photo is None and found.uploader_id != actor.id and not db.session.scalar(
            select(CommitteeDecision.id).where(CommitteeDecision.minutes_file_id == found.id)):
        raise NotFound(_("Not found."))  # uploaded but not (yet) published with a decision
    path = path_of(found)
    if not path.exists():
        raise NotFound(_("Not found."))
    return found, path


def serialize(found: AssemblyFile | None) -> dict | None:
    if found is None:
        return None
    return {"id": found.id, "name": found.name, "mime": found.mime, "size": found.size,
            "url": f"/assembly/files/{found.id}"}
