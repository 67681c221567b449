"""Shared plumbing of the JSON API: who is calling, JSON bodies, paging and the error object."""

from functools import wraps

from flask import Blueprint, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from ..extensions import csrf
from . import policy
from .errors import ID_MAX, AppError, Invalid, Unauthenticated
from .i18n import gettext as _

API_PREFIX = "/api/v1"
API_BLUEPRINTS: list[Blueprint] = []

# The endpoints that answer callers who are not logged in. Every other one asks for a login before it looks at
# the request, so that an anonymous caller gets 401 whatever body they sent.
PUBLIC_ENDPOINTS = frozenset({"accounts_api.register", "accounts_api.token", "accounts_api.reset_password",
                              "moderation_api.appeal",
                              "rules_api.current", "rules_api.version"})


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
    from ..accounts.services import standing, user_for_token

    _refuse_nul()
    token = bearer_token()
    if token is not None:
        g.actor = user_for_token(token)
        g.via_token = True
    else:
        g.via_token = False
        g.actor = current_user if current_user.is_authenticated else None
        if g.actor is not None and request.method not in {"GET", "HEAD", "OPTIONS"}:
            csrf.protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if g.actor is None:
        raise Unauthenticated(_("Please log in first."))
    standing(g.actor)  # every call, not only tokens revoked when a sanction was made


def _refuse_nul() -> None:
    """PostgreSQL text cannot hold NUL, and no honest input has one: refuse it before it reaches a query."""
    named = [*request.args.items(multi=True), *(request.view_args or {}).items()]
    data = request.get_json(silent=True) if request.is_json else None
    named += data.items() if isinstance(data, dict) else [("body", data)]
    for name, value in named:
        if _has_nul(name) or _has_nul(value):
            raise Invalid(_("The request could not be understood."), field=str(name).replace("\x00", ""))


def refuse_nul_in_forms() -> None:
    """The same refusal for the pages: a form or query text with NUL is answered 400 before any view runs."""
    if is_api_request():
        return  # the API blueprints check the JSON body too, naming the field
    sent = request.form.items(multi=True) if request.method not in ("GET", "HEAD") else ()  # no view reads a GET's body
    for name, value in [*request.args.items(multi=True), *sent]:
        if name == "next":
            continue  # never reaches a query; ``safe_next`` ignores a malformed one
        if "\x00" in name or "\x00" in value:
            raise Invalid(_("The request could not be understood."), field=name.replace("\x00", ""))


def _has_nul(value) -> bool:
    stack = [value]  # not recursive: a JSON body may nest as deep as the parser allows
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def requires(action: str):
    """Check that the caller may take ``action`` before the view reads the body: whoever may not write is told
    so whatever they sent. The service checks again, against the target."""
    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            policy.require(actor(), action)
            return view(*args, **kwargs)
        return checked
    return decorate


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: a number larger than any row id matches nothing (404) instead of reaching a
    query the database cannot run."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer made once per secret key rather than twice on every
    request (to open the session and to save it). It holds nothing of any request."""

    def __init__(self):
        self._made: tuple | None = None

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = self._made = (keys, super().get_signing_serializer(app))
        return made[1]


class JSONProvider(DefaultJSONProvider):
    def body(self, obj) -> bytes:
        """``obj`` as ``jsonify`` would send it, as the bytes of the body (for one kept between requests: UTF-8
        holds Chinese text in less memory than a Python string does, and is sent without encoding it again)."""
        return self.response(obj).get_data()

    def encoded(self, body: bytes):
        """A response of JSON already encoded by ``body``."""
        return self._app.response_class(body, mimetype=self.mimetype)

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # nested past the parser's depth: as unreadable as unbalanced brackets
            raise ValueError("JSON nested too deeply") from None


def actor():
    return g.get("actor")


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise Invalid(_("The request body must be a JSON object."), field="body")
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."), field="body")
    return data


def int_arg(name: str, default: int | None = None, *, minimum: int = 0, maximum: int = ID_MAX) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(_("Expected a whole number."), field=name) from None
    if not minimum <= value <= maximum:
        raise Invalid(_("The number is out of range."), field=name)
    return value


def page_args() -> tuple[int, int]:
    """Answer (after, limit) for keyset paging over ascending ids."""
    return int_arg("after", 0), int_arg("limit", 50, minimum=1, maximum=200)


def page(items: list, limit: int, cursor) -> dict:
    return {"items": items, "next": cursor if len(items) == limit and items else None}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX


def error_body(error: AppError) -> dict:
    """The error object of the API and of socket acknowledgements, its message in the caller's language."""
    body = error.to_dict()
    body["message"] = _(body["message"])  # messages marked with N_ in pure modules are translated here
    return body


def error_response(error: AppError):
    body = error_body(error)
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
