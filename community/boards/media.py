"""Image attachments: decoded, checked and re-encoded on arrival so no EXIF, GPS or hidden payload survives.
Bounded: refused by header dimensions before decoding, decoded reduced where the format allows, few decodes at
once, and a number of uploads per account per hour."""

import io
import math
import secrets
import threading
from datetime import timedelta
from pathlib import Path

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select

from ..core import policy
from ..core.errors import Invalid, NotFound, RateLimited
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..desk import tickets as desk_tickets
from ..extensions import db
from .models import Attachment, Post

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2048
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
# EXIF orientation -> the transposition that shows the picture upright.
ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
               5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
               8: Image.Transpose.ROTATE_90}
_decoding: dict[int, threading.BoundedSemaphore] = {}
_decoding_lock = threading.Lock()


def media_dir() -> Path:
    folder = Path(current_app.config.get("MEDIA_DIR") or Path(current_app.instance_path) / "media")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _decode_slot() -> threading.BoundedSemaphore:
    """Decoding is the memory peak of an upload: at most UPLOAD_CONCURRENT_DECODES at once per process."""
    size = current_app.config.get("UPLOAD_CONCURRENT_DECODES", 2)
    with _decoding_lock:
        return _decoding.setdefault(size, threading.BoundedSemaphore(size))


def _check_rate(actor) -> None:
    """Uploads per account per hour, counted from the table so that every worker sees the same number."""
    per_hour = current_app.config.get("UPLOADS_PER_HOUR", 30)
    since = utcnow() - timedelta(hours=1)
    done = db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.uploader_id == actor.id, Attachment.created_at > since))
    if done >= per_hour:
        raise RateLimited(_("Too many images this hour; please wait and try again."), retry_after=600)


def upload(actor, data: bytes) -> Attachment:
    policy.require(actor, "attachment.upload")
    if not data:
        raise Invalid(_("Choose an image to upload."), field="file")
    if len(data) > MAX_BYTES:
        raise Invalid(_("An image may be at most 5 MB."), field="file")
    _check_rate(actor)
    slot = _decode_slot()
    if not slot.acquire(timeout=10):
        raise RateLimited(_("The server is busy with other images; please try again."), retry_after=5)
    try:
        image, kind = _decode(data)
    finally:
        slot.release()
    mime, ext = FORMATS[kind]
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    key = secrets.token_urlsafe(18)
    (media_dir() / f"{key}.{ext}").write_bytes(out.getvalue())
    attachment = Attachment(key=key, uploader_id=actor.id, mime=mime, width=image.width, height=image.height,
                            size=out.tell())
    db.session.add(attachment)
    db.session.commit()
    return attachment


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """Read the header, refuse by its dimensions before a pixel is decoded, decode JPEGs at a reduced scale,
    shrink to MAX_SIDE, and answer a new image made of the pixels alone (no EXIF, GPS, ICC or text chunk)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise Invalid(_("Only JPEG, PNG and WebP images are accepted."), field="file")
            max_pixels = current_app.config.get("UPLOAD_MAX_PIXELS" if kind == "JPEG" else "UPLOAD_MAX_PIXELS_LOSSLESS",
                                                12_000_000)
            if probe.width * probe.height > max_pixels or getattr(probe, "n_frames", 1) > 1:
                raise Invalid(_("The image has too many pixels."), field="file")
            orientation = probe.getexif().get(0x0112)
            scale = MAX_SIDE / max(probe.width, probe.height)
            if kind == "JPEG" and scale < 1:  # DCT scaling: decoded at 1/2, 1/4 or 1/8 of the size
                probe.draft(None, (math.ceil(probe.width * scale), math.ceil(probe.height * scale)))
            probe.load()
            probe.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=None)
            image = probe
            if orientation in ORIENTATION:
                image = image.transpose(ORIENTATION[orientation])
            mode = "RGB" if kind == "JPEG" or image.mode in ("RGB", "L", "CMYK", "YCbCr") else "RGBA"
            pixels = image.convert(mode)
            return Image.frombytes(mode, pixels.size, pixels.tobytes()), kind
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise Invalid(_("This file is not a readable image."), field="file") from None


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
