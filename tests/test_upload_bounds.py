"""Uploads within bounds: refused by header dimensions, decoded reduced, few at once, rate-limited."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from community.boards import media
from tests.conftest import error_of
from tests.test_attachments import upload


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(width=20_000, height=20_000) -> bytes:
    """A valid PNG header for an enormous black image, with a little compressed data: tiny on the wire."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + width * 3) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


def _jpeg(size, orientation=None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_20000_by_20000_png_is_refused_without_decoding(api, owner, monkeypatch):
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self.size))
    data = huge_png()
    assert len(data) < 200_000
    r = upload(api, owner, data, "bomb.png")
    assert r.status_code == 400 and error_of(r)["field"] == "file"
    assert decoded == []


def test_the_pixel_cap_is_configurable(make_app, owner):
    app = make_app(UPLOAD_MAX_PIXELS=1_000_000)
    with app.app_context():
        with pytest.raises(media.Invalid):
            media._decode(_jpeg((1200, 1000)))
        image, kind = media._decode(_jpeg((1000, 1000)))
        assert kind == "JPEG" and image.size == (1000, 1000)


def test_large_jpeg_is_decoded_at_reduced_size(app, monkeypatch):
    from PIL import JpegImagePlugin
    drafts = []
    real = JpegImagePlugin.JpegImageFile.draft

    def draft(self, mode, size):
        found = real(self, mode, size)
        drafts.append(self.size)  # the size that will be decoded
        return found
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft)
    image, _kind = media._decode(_jpeg((6000, 4000)))
    assert drafts == [(3000, 2000)]  # DCT scaling halves it before a pixel is decoded
    assert max(image.size) == media.MAX_SIDE and image.size == (2048, 1365)


def test_orientation_is_applied_without_keeping_exif(app):
    image, _kind = media._decode(_jpeg((300, 200), orientation=6))
    assert image.size == (200, 300) and not image.getexif()


def test_uploads_per_account_per_hour(make_app, owner):
    from tests.conftest import Api
    app = make_app(UPLOADS_PER_HOUR=2)
    app.config["MEDIA_DIR"] = app.config.get("MEDIA_DIR") or "/tmp"
    api = Api(app.test_client())
    with app.app_context():
        token = api.token_for(owner)
    small = _jpeg((40, 30))
    for _ in range(2):
        assert api.post("/attachments", token=token, data={"file": (io.BytesIO(small), "a.jpg")},
                        content_type="multipart/form-data").status_code == 201
    r = api.post("/attachments", token=token, data={"file": (io.BytesIO(small), "a.jpg")},
                 content_type="multipart/form-data")
    assert r.status_code == 429 and error_of(r)["code"] == "rate_limited" and int(r.headers["Retry-After"]) > 0


def test_decodes_wait_for_a_free_slot(app, owner, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_CONCURRENT_DECODES", 1)
    slot = media._decode_slot()
    assert slot.acquire(timeout=1)
    real_acquire = slot.acquire
    try:
        monkeypatch.setattr(slot, "acquire", lambda timeout: real_acquire(timeout=0.05))
        with pytest.raises(media.RateLimited):
            media.upload(owner, _jpeg((40, 30)))
    finally:
        slot.release()
    assert media.upload(owner, _jpeg((40, 30))).width == 40
