"""Shared plumbing of the JSON API: who is calling, JSON bodies, paging and the error object."""

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from ..extensions import csrf
from .errors import AppError, Invalid

API_PREFIX = "/api/v1"
API_BLUEPRINTS: list[Blueprint] = []


def api_blueprint(name: str) -> Blueprint:
    """A blueprint under /api/v1 that authenticates by bearer token or by web session (with CSRF)."""
    bp = Blueprint(name, __name__, url_prefix=API_PREFIX)
    bp.before_request(_resolve_actor)
    API_BLUEPRINTS.append(bp)
    return bp


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _resolve_actor() -> None:
    from ..accounts.services import user_for_token

    token = bearer_token()
    if token is not None:
        g.actor = user_for_token(token)
        g.via_token = True
        return
    g.via_token = False
    g.actor = current_user if current_user.is_authenticated else None
    if g.actor is not None and request.method not in {"GET", "HEAD", "OPTIONS"}:
        csrf.protect()


def actor():
    return g.get("actor")


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise Invalid(_("The request body must be a JSON object."), field="body")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    return data


def int_arg(name: str, default: int | None = None, *, minimum: int = 0, maximum: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(_("Expected a whole number."), field=name) from None
    if value < minimum or (maximum is not None and value > maximum):
        raise Invalid(_("The number is out of range."), field=name)
    return value


def page_args() -> tuple[int, int]:
    """Answer (after, limit) for keyset paging over ascending ids."""
    return int_arg("after", 0), int_arg("limit", 50, minimum=1, maximum=200)


def page(items: list, limit: int, cursor) -> dict:
    return {"items": items, "next": cursor if len(items) == limit and items else None}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX


def error_response(error: AppError):
    body = error.to_dict()
    body["message"] = _(body["message"])  # messages marked with N_ in pure modules are translated here
    response = jsonify({"error": body})
    response.status_code = error.status
    if error.status == 429 and "retry_after" in error.extra:
        response.headers["Retry-After"] = str(error.extra["retry_after"])
    return response


HTTP_CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "invalid",
              409: "conflict", 413: "invalid", 415: "invalid", 429: "rate_limited"}


def http_error_response(exc: HTTPException):
    code = HTTP_CODES.get(exc.code or 500, "invalid" if (exc.code or 500) < 500 else "server_error")
    messages = {
        400: _("The request could not be understood."), 401: _("Please log in first."),
        403: _("You are not allowed to do this."), 404: _("Not found."), 415: _("Send JSON."),
        500: _("Something went wrong on our side."),
        405: _("This method is not allowed here."), 413: _("The request body is too large."),
        429: _("Too many attempts; please wait and try again."),
    }
    body = {"code": code, "message": messages.get(exc.code, exc.description or "")}
    if exc.code in (400, 413, 415):
        body["field"] = "body"
    response = jsonify({"error": body})
    response.status_code = exc.code or 500
    if exc.code == 429:
        retry = getattr(exc, "retry_after", None) or _retry_after_from_limit(exc)
        response.headers["Retry-After"] = str(retry)
    return response


def _retry_after_from_limit(exc) -> int:
    limit = getattr(exc, "limit", None)
    try:
        return int(limit.limit.get_expiry())
    except AttributeError:
        return 60
