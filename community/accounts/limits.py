"""Login throttling, shared by the web form and the token endpoint: only failures count."""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from ..core.identity import normalize_phone
from ..extensions import limiter


def _phone_key() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    phone = data.get("phone") if isinstance(data, dict) or hasattr(data, "get") else None
    return "phone:" + normalize_phone(phone if isinstance(phone, str) else "")


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


def login_throttle(view):
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_PHONE"], scope="login-phone",
                                key_func=_phone_key, deduct_when=_failed)(view)
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], scope="login-address",
                                key_func=get_remote_address, deduct_when=_failed)(view)
    return view
