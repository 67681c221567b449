from flask import Blueprint, send_file

from ..accounts.services import user_for_token
from ..core.http import bearer_token
from ..core.web import actor
from . import media

bp = Blueprint("boards", __name__)


@bp.get("/media/<key>")
def media_file(key: str):
    token = bearer_token()
    viewer = user_for_token(token) if token else actor()
    path, mime = media.find(viewer, key)
    response = send_file(path, mimetype=mime, max_age=86400)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
