"""Image attachments: decoded, checked and re-encoded on arrival so no EXIF, GPS or hidden payload survives."""

import io
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..core import policy
from ..core.errors import Invalid, NotFound
from ..desk import tickets as desk_tickets
from ..extensions import db
from .models import Attachment, Post

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


def media_dir() -> Path:
    folder = Path(current_app.config.get("MEDIA_DIR") or Path(current_app.instance_path) / "media")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload(actor, data: bytes) -> Attachment:
    policy.require(actor, "attachment.upload")
    if not data:
        raise Invalid(_("Choose an image to upload."), field="file")
    if len(data) > MAX_BYTES:
        raise Invalid(_("An image may be at most 5 MB."), field="file")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise Invalid(_("Only JPEG, PNG and WebP images are accepted."), field="file")
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid(_("The image has too many pixels."), field="file")
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise Invalid(_("This file is not a readable image."), field="file") from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    mode = "RGB" if kind == "JPEG" or image.mode in ("RGB", "L", "CMYK", "YCbCr") else "RGBA"
    pixels = image.convert(mode)
    # A new image from the pixels alone: no EXIF, GPS, ICC profile, comment or text chunk comes along.
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    mime, ext = FORMATS[kind]
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    key = secrets.token_urlsafe(18)
    (media_dir() / f"{key}.{ext}").write_bytes(out.getvalue())
    attachment = Attachment(key=key, uploader_id=actor.id, mime=mime, width=image.width, height=image.height,
                            size=out.tell())
    db.session.add(attachment)
    db.session.commit()
    return attachment


def find(actor, key: str) -> tuple[Path, str]:
    """The file behind /media/<key>, for someone who may see the post or the ticket that shows it."""
    policy.require_member(actor)
    attachment = db.session.scalar(db.select(Attachment).where(Attachment.key == key))
    if attachment is None:
        raise NotFound(_("Not found."))
    if attachment.post_id is None:
        on_ticket = desk_tickets.photo_visible(actor, attachment.id)  # a repair photo: whoever may see the request
        if not (attachment.uploader_id == actor.id if on_ticket is None else on_ticket):
            raise NotFound(_("Not found."))
    else:
        post = db.session.get(Post, attachment.post_id)
        if not policy.can(actor, "content.view", post):
            raise NotFound(_("Not found."))
    ext = next(e for m, e in FORMATS.values() if m == attachment.mime)
    path = media_dir() / f"{key}.{ext}"
    if not path.exists():
        raise NotFound(_("Not found."))
    return path, attachment.mime


def serialize(attachment: Attachment) -> dict:
    return {"id": attachment.id, "url": f"/media/{attachment.key}", "mime": attachment.mime,
            "width": attachment.width, "height": attachment.height, "size": attachment.size}
