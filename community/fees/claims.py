"""An owner's transfer screenshot, for staff to confirm: confirming records the payment (with its receipt);
rejecting says why. The screenshot is shown only to staff and the unit's owners of record."""

from pathlib import Path

from sqlalchemy import select

from ..core import policy
from ..core.errors import Conflict, Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..extensions import db
from . import services
from .ledger import parse_money, show
from .models import Claim

STATUSES = ("pending", "confirmed", "rejected")


def submit(actor, code, data: dict) -> Claim:
    from ..boards.models import Attachment

    unit = services.viewable_unit(actor, code)
    policy.require(actor, "fees.dispute", services.unit_target(unit), hide=True)
    amount = parse_money(data.get("amount"), "amount")
    reference = services._text(data.get("reference"), "reference", services.REF_MAX)
    note = services._text(data.get("note"), "note", services.TEXT_MAX, required=False)
    attachment_id = data.get("attachment_id")
    attachment = db.session.get(Attachment, attachment_id) if is_id(attachment_id) else None
    if attachment is None or attachment.uploader_id != actor.id or attachment.post_id is not None \
            or db.session.scalar(select(Claim.id).where(Claim.attachment_id == attachment.id)):
        raise Invalid(_("Upload the screenshot of your transfer first."), field="attachment_id")
    claim = Claim(unit_id=unit.id, by_id=actor.id, attachment_id=attachment.id, amount_fen=amount,
                  reference=reference, note=note, created_at=utcnow())
    db.session.add(claim)
    db.session.commit()
    return claim


def _pending(actor, claim_id: int) -> Claim:
    policy.require(actor, "fees.manage")
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(_("Not found."))
    if claim.status != "pending":
        raise Conflict(_("This claim has been decided already."))
    return claim


def confirm(actor, claim_id: int, data: dict) -> Claim:
    """The money is on the bank statement: record it as a transfer (staff may correct the amount)."""
    claim = _pending(actor, claim_id)
    amount = parse_money(data["amount"], "amount") if data.get("amount") else claim.amount_fen
    unit = db.session.get(services.Unit, claim.unit_id)
    payment, _written = services.write_payment(actor, unit, amount, "transfer", claim.reference, None, None)
    claim.status, claim.payment_id, claim.decided_by_id, claim.decided_at = "confirmed", payment.id, actor.id, utcnow()
    services._audit(actor, None, "fees.claim_confirm", f"fee_claim:{claim.id}",
                    {"payment_id": payment.id, "amount": show(amount), "claimed": show(claim.amount_fen)})
    services._notify([claim.by_id], "fees")
    db.session.commit()
    return claim


def reject(actor, claim_id: int, data: dict) -> Claim:
    claim = _pending(actor, claim_id)
    reason = services._text(data.get("reason"), "reason", services.TEXT_MAX)
    claim.status, claim.reason, claim.decided_by_id, claim.decided_at = "rejected", reason, actor.id, utcnow()
    services._audit(actor, None, "fees.claim_reject", f"fee_claim:{claim.id}", {"reason": reason})
    services._notify([claim.by_id], "fees")
    db.session.commit()
    return claim


def serialize(claim: Claim, code: str | None = None) -> dict:
    return {"id": claim.id, "unit": code, "amount": show(claim.amount_fen), "reference": claim.reference,
            "note": claim.note, "status": claim.status, "payment_id": claim.payment_id, "reason": claim.reason,
            "created_at": iso(claim.created_at), "decided_at": iso(claim.decided_at),
            "image": f"/api/v1/fees/claims/{claim.id}/image"}


def of_unit(unit_id: int) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(Claim.unit_id == unit_id).order_by(Claim.id)))


def listing(actor, status: str | None = "pending") -> list[dict]:
    from ..estate.models import Unit

    policy.require(actor, "fees.manage")
    if status is not None and status not in STATUSES:
        raise Invalid(_("Choose one of the offered values."), field="status")
    query = select(Claim, Unit.code).join(Unit, Unit.id == Claim.unit_id).order_by(Claim.id)
    if status:
        query = query.where(Claim.status == status)
    return [serialize(claim, code) for claim, code in db.session.execute(query)]


def _file(attachment_id: int) -> tuple[Path, str]:
    from ..boards import media
    from ..boards.models import Attachment

    attachment = db.session.get(Attachment, attachment_id)
    ext = next(e for m, e in media.FORMATS.values() if m == attachment.mime)
    path = media.media_dir() / f"{attachment.key}.{ext}"
    if not path.exists():
        raise NotFound(_("Not found."))
    return path, attachment.mime


def _unit_visible(actor, unit_id: int) -> None:
    from ..estate.models import Unit
    policy.require(actor, "fees.view_unit", services.unit_target(db.session.get(Unit, unit_id)), hide=True)


def image(actor, claim_id: int) -> tuple[Path, str]:
    """The screenshot's file, for staff and the unit's owners of record; anyone else is told 404."""
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        policy.require_member(actor)
        raise NotFound(_("Not found."))
    _unit_visible(actor, claim.unit_id)
    return _file(claim.attachment_id)


def proof_image(actor, reminder_id: int) -> tuple[Path, str]:
    """A reminder's proof of delivery (the signature photo), for the same people as the unit's ledger."""
    from .models import Reminder

    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or reminder.proof_attachment_id is None:
        policy.require_member(actor)
        raise NotFound(_("Not found."))
    _unit_visible(actor, reminder.unit_id)
    return _file(reminder.proof_attachment_id)
