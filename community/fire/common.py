"""What every fire-safety service shares: validation, the estate's calendar, and the two calls into other
domains that are likely to move (notifications, photo uploads), each in one place."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from ..core.errors import Invalid, NotFound, is_id
from ..core.i18n import gettext as _
from ..estate.models import Building
from ..extensions import db

UTC = ZoneInfo("UTC")


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def local_date(at: datetime) -> date:
    """The estate's calendar day at a naive UTC moment."""
    return at.replace(tzinfo=UTC).astimezone(zone()).date()


def utc_start(day: date) -> datetime:
    """The naive UTC moment a local calendar day begins."""
    return datetime.combine(day, time(), tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, mon = int(month[:4]), int(month[5:7])
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return utc_start(date(year, mon, 1)), utc_start(nxt)


def text(value, field: str, max_len: int, *, required: bool = True) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(_("Expected text."), field=field)
    if len(value.strip()) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return value.strip()


def choice(value, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Invalid(_("Choose one of: %(choices)s.", choices=", ".join(allowed)), field=field)
    return value


def day(value, field: str, *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_day(field)
    except ValueError:
        return _bad_day(field)


def _bad_day(field: str):
    raise Invalid(_("Give a date as YYYY-MM-DD."), field=field)


def month(value, field: str, now: datetime) -> str:
    if value in (None, ""):
        return local_date(now).strftime("%Y-%m")
    if not (isinstance(value, str) and len(value) == 7 and value[4] == "-" and value[:4].isdigit()
            and value[5:].isdigit() and 1 <= int(value[5:]) <= 12 and int(value[:4]) >= 2000):
        raise Invalid(_("Give a month as YYYY-MM."), field=field)
    return value


def ident(value, field: str) -> int:
    if not is_id(value):
        raise Invalid(_("Expected an id."), field=field)
    return value


def building(code, field: str = "building") -> Building:
    if not isinstance(code, str) or not code.strip():
        raise Invalid(_("Choose a building."), field=field)
    found = db.session.scalar(select(Building).where(Building.code == code.strip()))
    if found is None:
        raise Invalid(_("No such building."), field=field)
    return found


def building_or_404(code: str) -> Building:
    found = db.session.scalar(select(Building).where(Building.code == code))
    if found is None:
        raise NotFound(_("Not found."))
    return found


def days_until(due: date | None, today: date) -> int | None:
    return None if due is None else (due - today).days


def alert_days() -> int:
    return int(current_app.config.get("FIRE_ALERT_DAYS", 30))


def soon(today: date) -> date:
    return today + timedelta(days=alert_days())


def notify(user_ids, kind: str, target: str | None = None, detail: dict | None = None) -> None:
    """Tell people something changed for them (the caller commits); ``target`` is what the notification opens."""
    from ..notifications.services import notify as write
    write(set(user_ids), kind, target=target, detail=detail)


def upload(actor, data: bytes) -> int:
    """A photo through the attachments service (decoded, cleaned, re-encoded); answers the attachment id."""
    from ..boards import media
    return media.upload(actor, data).id


def photo_file(attachment_id: int):
    """The stored file of an attachment, for a fire page that has already decided the viewer may see it."""
    from ..boards import media
    from ..boards.models import Attachment
    found = db.session.get(Attachment, attachment_id)
    if found is None:
        raise NotFound(_("Not found."))
    ext = next(e for m, e in media.FORMATS.values() if m == found.mime)
    path = media.media_dir() / f"{found.key}.{ext}"
    if not path.exists():
        raise NotFound(_("Not found."))
    return path, found.mime


def own_photo(actor, attachment_id, field: str = "attachment_id") -> int | None:
    """An uploaded photo of the caller's, not yet shown anywhere."""
    from ..boards.models import Attachment
    if attachment_id in (None, ""):
        return None
    found = db.session.get(Attachment, ident(attachment_id, field))
    if found is None or found.uploader_id != actor.id or found.post_id is not None:
        raise Invalid(_("An attachment is missing or already used."), field=field)
    return found.id
