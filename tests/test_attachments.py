"""Image uploads: formats, size, and metadata stripped by re-encoding."""

import io

import pytest
from PIL import Image

from tests.conftest import error_of
from tests.fixtures.people import set_policy


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")
    set_policy(post_interval_s=0)


def image_bytes(fmt="JPEG", size=(64, 48), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"          # Make
        data[0x8825] = {2: (39.0, 54.0, 26.0), 1: "N"}  # GPS info
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def fetch(api, url, user=None):
    """GET a media file and close the response (it streams from disk)."""
    headers = {"Authorization": f"Bearer {api.token_for(user)}"} if user else {}
    response = api.client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def upload(api, user, data: bytes, name="photo.jpg"):
    return api.post("/attachments", user=user, data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_upload_strips_metadata(api, owner, fmt):
    r = upload(api, owner, image_bytes(fmt))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["url"].startswith("/media/") and body["width"] == 64
    stored = fetch(api, body["url"], owner)
    assert stored.status_code == 200
    with Image.open(io.BytesIO(stored.data)) as image:
        assert not image.getexif()
        assert b"SpyCam" not in stored.data and "exif" not in image.info


@pytest.mark.parametrize("data", [b"", b"not an image", b"GIF89a" + b"\x00" * 50])
def test_rejects_non_images(api, owner, data):
    r = upload(api, owner, data)
    assert r.status_code == 400 and error_of(r)["field"] == "file"


def test_rejects_gif(api, owner):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    assert upload(api, owner, out.getvalue(), "a.gif").status_code == 400


def test_rejects_over_5mb(owner):
    from community.boards import media
    from community.core.errors import Invalid
    with pytest.raises(Invalid) as caught:
        media.upload(owner, b"\xff\xd8" + b"\x00" * (5 * 1024 * 1024 + 10))
    assert caught.value.field == "file"


def test_attached_image_is_shown_to_readers_of_the_post(api, owner, resident):
    attachment = upload(api, owner, image_bytes()).get_json()
    thread = api.post("/boards/neighbours/threads", user=owner, json={
        "title": "停车位照片", "body": "请看照片", "attachments": [attachment["id"]]}).get_json()
    html = api.get(f"/threads/{thread['id']}", user=resident).get_json()["body_html"]
    assert f'src="{attachment["url"]}"' in html
    r = fetch(api, attachment["url"], resident)
    assert r.status_code == 200 and r.mimetype == "image/jpeg"


def test_unattached_image_is_private_to_uploader(api, owner, resident):
    attachment = upload(api, owner, image_bytes()).get_json()
    assert fetch(api, attachment["url"], resident).status_code == 404
    assert fetch(api, attachment["url"]).status_code in (302, 401, 404)


def test_someone_elses_attachment_cannot_be_used(api, owner, resident):
    attachment = upload(api, owner, image_bytes()).get_json()
    r = api.post("/boards/neighbours/threads", user=resident, json={
        "title": "借用图片", "body": "别人的图", "attachments": [attachment["id"]]})
    assert r.status_code == 400 and error_of(r)["field"] == "attachments"
