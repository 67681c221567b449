"""Shared helpers of the HTML pages."""

from datetime import datetime
from functools import wraps

from flask import redirect, request, url_for
from flask_babel import get_timezone
from flask_login import current_user

from .errors import AppError


def login_required(view):
    """Send anonymous visitors to the login page and unapproved applicants to their status page."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
        if current_user.status in ("pending", "rejected"):
            return redirect(url_for("accounts.status"))
        return view(*args, **kwargs)
    return wrapper


def actor():
    return current_user if current_user.is_authenticated else None


def attach_error(form, error: AppError) -> None:
    """Show a service error beside the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def local_time(value: str | None) -> str:
    """An ISO time from a service as the estate's local time: cheap enough for every post of a long thread."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(get_timezone()).strftime("%Y-%m-%d %H:%M")
