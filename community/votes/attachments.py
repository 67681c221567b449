"""Documents attached to a vote's announcement (the rules of procedure, a contract, a quote): PDFs or images
within the bounds of every upload. The committee attaches and removes them while the vote is a draft; once it is
announced they are fixed, listed on the vote's page and in the printed announcement with their size and
SHA-256, and a correction is a new document that supersedes one, never a removal, of which the electorate's
owners are notified."""

from sqlalchemy import func, select

from ..assembly import files
from ..assembly.models import AssemblyFile
from ..audit import services as audit
from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..extensions import db
from .common import find, form_id
from .lifecycle import notify_scope
from .models import Vote

MAX_DOCUMENTS = 20


def _document(vote: Vote, file_id) -> AssemblyFile:
    found = db.session.get(AssemblyFile, file_id) if is_id(file_id) else None
    if found is None or found.vote_id != vote.id:
        raise NotFound(_("No such document of this vote."))
    return found


def attach(actor, vote_id, content: bytes, name, supersedes=None) -> AssemblyFile:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    previous = None
    if supersedes not in (None, ""):
        try:
            previous = _document(vote, form_id(supersedes))
        except NotFound:
            raise Invalid(_("No such document of this vote."), field="supersedes") from None
        if db.session.scalar(select(AssemblyFile.id).where(AssemblyFile.supersedes_id == previous.id)):
            raise Conflict(_("This document has been corrected already; correct the newer one."))
    if vote.status not in ("draft", "announced", "open"):
        raise Conflict(_("Documents are attached before the vote closes."))
    if vote.status != "draft" and previous is None:
        raise Conflict(_("Once the vote is announced its documents are fixed: a correction supersedes one."))
    if db.session.scalar(select(func.count(AssemblyFile.id)).where(AssemblyFile.vote_id == vote.id)) \
            >= MAX_DOCUMENTS:
        raise Conflict(_("A vote carries at most %(n)d documents.", n=MAX_DOCUMENTS))
    found = files.store(actor, content, name, vote_id=vote.id, supersedes_id=previous.id if previous else None)
    # Owners were told of the announcement and its documents: a correction after it is told to them too.
    told = notify_scope(vote, "corrected") if vote.status != "draft" else 0
    audit.record(actor, "vote.document_attached", f"vote:{vote.id}",
                 {"file": found.id, "name": found.name, "size": found.size, "sha256": found.sha256,
                  "supersedes": found.supersedes_id, "notified": told})
    db.session.commit()
    return found


def remove(actor, vote_id, file_id) -> None:
    policy.require(actor, "vote.manage")
    vote = find(actor, vote_id)
    found = _document(vote, file_id)
    if vote.status != "draft":
        raise Conflict(_("Once the vote is announced its documents are fixed: a correction supersedes one."))
    files.detach(found)
    audit.record(actor, "vote.document_removed", f"vote:{vote.id}",
                 {"file": found.id, "name": found.name, "sha256": found.sha256})
    db.session.commit()


def listed(vote: Vote) -> list[dict]:
    """The vote's documents in the order they were attached, each saying what it corrects and what corrects it."""
    found = list(db.session.scalars(select(AssemblyFile).where(AssemblyFile.vote_id == vote.id)
                                    .order_by(AssemblyFile.id)))
    by = {f.supersedes_id: f.id for f in found if f.supersedes_id}
    return [serialize(f, by.get(f.id)) for f in found]


def serialize(found: AssemblyFile, superseded_by: int | None = None) -> dict:
    return files.serialize(found) | {"sha256": found.sha256, "supersedes": found.supersedes_id,
                                     "superseded_by": superseded_by}
