"""Throttling of password checks, shared by the web form and the API: only failures count.

Three counters, each a budget of its own per purpose (logging in, appeals, password reset, the old password
on the password-change page), so that running out of one never closes another:

- phone and address together: after ``LOGIN_LIMIT_PER_PHONE`` failures a backoff starts (15 s, doubling,
  at most the window). Someone guessing from one place slows down; the owner on another phone is not stopped.
- phone alone, from every address: four times as many failures before the same backoff, against guessing
  spread over many addresses.
- address alone: ``LOGIN_LIMIT_PER_ADDRESS`` failures of any phone, set high because a whole estate may sit
  behind one NAT; the address is the client's as ProxyFix reports it after ``COMMUNITY_PROXY_HOPS`` proxies.

A throttled attempt is refused before the password is checked: 429 with ``Retry-After``.
"""

import math
import time
from functools import wraps

from flask import current_app, g, request
from limits import parse
from limits.storage import MemoryStorage

from ..core.errors import RateLimited
from ..core.i18n import gettext as _
from ..core.identity import normalize_phone
from ..extensions import limiter

BASE_DELAY_S = 15
SPREAD_FACTOR = 4

# Which budget an endpoint spends: appeals and resets never lock anyone out of logging in.
PURPOSES = {"moderation_api.appeal": "appeal", "accounts_api.reset_password": "reset",
            "accounts.forgot_password": "reset"}


def _storage():
    """Flask-Limiter's storage; with the route limits switched off (``RATELIMIT_ENABLED``), counters of this
    process alone, so that a password is never guessed unthrottled."""
    if limiter.enabled:
        return limiter.storage
    return current_app.extensions.setdefault("linli.password_counters", MemoryStorage())


def _limit(name: str) -> tuple[int, int]:
    item = parse(current_app.config[name])
    return item.amount, item.get_expiry()


def client_address() -> str:
    return request.remote_addr or "unknown"


def _keys(purpose: str, subject: str) -> dict[str, str]:
    address = client_address()
    return {"pair": f"pw:{purpose}:pair:{subject}:{address}", "subject": f"pw:{purpose}:subject:{subject}",
            "address": f"pw:{purpose}:address:{address}"}


def wait_for(purpose: str, subject: str) -> int:
    """Seconds until this caller may try again (0: now)."""
    storage, now = _storage(), time.time()
    waits = [storage.get_expiry(key + ":block") - now
             for key in _keys(purpose, subject).values() if storage.get(key + ":block")]
    return max(0, math.ceil(max(waits))) if waits else 0


def check(purpose: str, subject: str) -> None:
    wait = wait_for(purpose, subject)
    if wait:
        raise RateLimited(_("Too many attempts; please wait and try again."), retry_after=wait)


def failed(purpose: str, subject: str) -> None:
    storage = _storage()
    per_pair, window = _limit("LOGIN_LIMIT_PER_PHONE")
    per_address, address_window = _limit("LOGIN_LIMIT_PER_ADDRESS")
    keys = _keys(purpose, subject)
    thresholds = {"pair": (per_pair, window), "subject": (per_pair * SPREAD_FACTOR, window),
                  "address": (per_address, address_window)}
    for kind, key in keys.items():
        threshold, span = thresholds[kind]
        count = storage.incr(key, span)
        if count >= threshold:
            delay = span if kind == "address" else min(span, BASE_DELAY_S * 2 ** (count - threshold))
            storage.clear(key + ":block")
            storage.incr(key + ":block", max(1, delay))


def succeeded(purpose: str, subject: str) -> None:
    keys = _keys(purpose, subject)
    _storage().clear(keys["pair"])
    _storage().clear(keys["pair"] + ":block")


def _phone_subject() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    phone = data.get("phone") if hasattr(data, "get") else None
    return "phone:" + normalize_phone(phone if isinstance(phone, str) else "")


def login_throttle(view):
    """Wrap a view that checks a phone and password: refuse while throttled, count it if it set
    ``g.login_failed``. The budget is the endpoint's purpose (login, appeal, reset)."""
    @wraps(view)
    def throttled(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        purpose, subject = PURPOSES.get(request.endpoint, "login"), _phone_subject()
        try:
            check(purpose, subject)
        except RateLimited as error:
            if request.blueprint and request.blueprint.endswith("_api"):
                raise
            from flask import render_template
            page = render_template("error.html", message=error.message, status=429)
            return page, 429, {"Retry-After": str(error.extra["retry_after"])}
        g.login_failed = False
        try:
            response = view(*args, **kwargs)
        finally:
            if g.get("login_failed"):
                failed(purpose, subject)
        if not g.get("login_failed"):
            status = getattr(response, "status_code", None) or (
                response[1] if isinstance(response, tuple) and len(response) > 1 else 200)
            if isinstance(status, int) and status < 400:
                succeeded(purpose, subject)
        return response
    return throttled
