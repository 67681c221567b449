"""Shared helpers of the HTML pages."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache, wraps
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.globals import _cv_app
from flask_login import current_user, logout_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .errors import AppError
from .i18n import language, per_language
from .timeutil import utcnow


def login_required(view):
    """Send anonymous visitors to the login page and unapproved applicants to their status page."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        me = actor()
        if me is None:
            return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
        if me.status in ("pending", "rejected"):
            return redirect(url_for("accounts.status"))
        from ..accounts.services import standing
        try:
            standing(me)
        except AppError as error:  # suspended or removed since signing in: the session ends here
            logout_user()
            flash(str(error.message), "error")
            return redirect(url_for("accounts.login"))
        return view(*args, **kwargs)
    return wrapper


def app_memo(name: str, key, build, *, limit: int = 0):
    """What ``build()`` answers for ``key``, made once per app (kept in ``app.extensions``): markup and links that
    read the same on every page for the same key. With ``limit``, the memo starts over when it holds that many."""
    made = current_app.extensions.setdefault(f"linli.memo.{name}", {})
    found = made.get(key)
    if found is None:
        if limit and len(made) >= limit:
            made.clear()
        found = made[key] = build()
    return found


def fixed_url(endpoint: str, **values) -> str:
    """``url_for`` for a link that reads the same on every page (a static file, a tab, the manifest): built once
    per app and mount point (``SCRIPT_NAME``) instead of on every page."""
    key = (request.script_root, endpoint, *sorted(values.items()))
    return app_memo("url", key, lambda: url_for(endpoint, **values))


def page_part(part: str, me) -> Markup:
    """A part of every page's frame that reads the same on every page for one kind of reader: the links and
    scripts of the ``<head>`` before a page's own head block and after it (``_head_start.html``,
    ``_head_end.html``), the top bar (``_topbar.html``). Made once per app, mount point, language and kind of
    reader (an approved member also gets the chat and editor scripts and the search link), not on every page."""
    approved = me is not None and me.status == "approved"
    key = (part, approved, request.script_root, language())
    return app_memo("part", key, lambda: Markup(render_template(f"_{part}.html", approved=approved)))


def actor():
    """The signed-in user itself: Flask-Login's proxy costs a lookup on every attribute read."""
    app_context = _cv_app.get(None)
    user = app_context.g.__dict__.get("_login_user") if app_context is not None else None  # loaded already
    if user is None:
        user = current_user._get_current_object()  # Flask-Login loads it (and keeps it where read above)
    return user if user is not None and user.is_authenticated else None


def csrf_value(form=None) -> str | None:
    """The CSRF token a page's form carries (``None`` where CSRF is switched off, as in some tests): the form's
    own, or, for a page that builds no form object, the one Flask-WTF keeps for the request."""
    if form is not None:
        return form.csrf_token.current_token if form.meta.csrf else None
    return generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else None


def attach_error(form, error: AppError) -> None:
    """Show a service error beside the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def attempt(call, success: str) -> bool:
    """Run a service write for a form; a refusal the person can fix (400, 409) is flashed, not raised. Answers
    whether it went through; the success message is flashed too."""
    try:
        call()
    except AppError as error:
        if error.status not in (400, 409):
            raise
        flash(error.message, "error")
        return False
    flash(success, "success")
    return True


def safe_next(target) -> str | None:
    """A redirect target after login: a path on this site, or nothing. Browsers drop tabs and newlines inside
    URLs and read a backslash as a slash, so a tab between two slashes would leave the site: any control
    character, backslash, scheme or host refuses the target."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return None
    return target


def local_time(value: "str | datetime | None") -> str:
    """A time from a service (an ISO string, or a datetime, naive ones being UTC) as a person reads it, in the
    estate's time zone: "09:17" today, "12-03 09:17" earlier this year, "2025-12-03 09:17" before."""
    return clock()(value)


def clock() -> "Callable[[str | datetime | None], str]":
    """``local_time`` for a page that shows many times (a thread's posts): the zone and today are looked up
    once, and each naive UTC datetime costs one conversion and one format."""
    where = _zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = utcnow().replace(tzinfo=UTC).astimezone(where).date()

    def show(value) -> str:
        if not value:
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(where)
        day = local.date()
        if day == today:
            return local.strftime("%H:%M")
        return local.strftime("%m-%d %H:%M" if day.year == today.year else "%Y-%m-%d %H:%M")
    show.today = today  # what the formats depend on: a page kept between requests is made again the next day
    return show


def local_full(value: "str | datetime | None") -> str:
    """The date and time in the estate's zone, always with the year: sentences ("muted until …"), records."""
    return _local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def local_stamp(value: "datetime | None") -> str:
    """For files people open in a spreadsheet (CSV): local time with its offset, "2026-12-03T09:17:00+08:00"."""
    return _local(value).isoformat(timespec="seconds") if value else ""


def zone_name() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def zone() -> ZoneInfo:
    return _zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _local(value: "str | datetime") -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_zone(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@per_language
def badge_labels() -> dict[str, str]:
    """What each of the policy's badges (``policy.badge``) says beside a person's name."""
    from .i18n import gettext as _
    return {"staff": _("Property staff"), "committee": _("Committee"), "merchant": _("Merchant")}


def badge_label(badge: str | None) -> str:
    return badge_labels().get(badge, "") if badge else ""


def role_label(user) -> str:
    """A person's role in words, for their own account page and the staff lists."""
    from .i18n import gettext as _
    names = {"owner": _("Owner"), "resident": _("Resident"), "vendor": _("Vendor"), "staff": _("Staff"),
             "admin": _("Admin")}
    label = names.get(user.role, user.role)
    if not getattr(user, "committee", False):
        return label
    committee = _("Committee member")  # outside the f-string, where the catalogue extractor finds it
    return f"{label} · {committee}"
