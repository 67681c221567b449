"""Values from JSON bodies and forms, checked the same way in every domain. Pure: no database, no request.

Each function takes the raw value and the field it came from, and answers the clean value or raises
``Invalid`` naming that field. Text is stripped first and then measured in characters, so a padded value is
valid or too long the same everywhere. Areas (centi-m², shown "89.50") and money (fen, shown "123.45") are
integers in the code and decimal strings with two places at the edges."""

import re
from datetime import UTC, datetime, timedelta

from .errors import Invalid, whole_number
from .i18n import gettext as _
from .timeutil import utcnow

AREA_MAX = 99_999_99  # centi-m²: 99,999.99 m², more than any one unit
MONEY_MAX = 10**12  # fen: ten billion yuan, far beyond any bill, well inside a BIGINT
# ASCII only: ``Decimal`` and ``int`` also read "１２" and "١٢", which nobody means as a number here.
_DECIMAL = re.compile(r"(-?)([0-9]{1,15})(?:\.([0-9]{1,2}))?")


def text(value, field: str, max_len: int, *, required: bool = True) -> str | None:
    """Stripped text of at most ``max_len`` characters; blank is missing (None when not required)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    if not isinstance(value, str):
        raise Invalid(_("Expected text."), field=field)
    if "\x00" in value:  # PostgreSQL refuses it in text columns
        raise Invalid(_("The text contains a character that is not allowed."), field=field)
    value = value.strip()
    if len(value) > max_len:
        raise Invalid(_("This field is too long."), field=field)
    return value


def choice(value, field: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise Invalid(_("Choose one of: %(choices)s.", choices=", ".join(allowed)), field=field)
    return value


def flag(value, field: str, *, required: bool = False) -> bool:
    """A JSON boolean; missing is false unless ``required``."""
    if value is None and not required:
        return False
    if not isinstance(value, bool):
        raise Invalid(_("Expected true or false."), field=field)
    return value


def whole(value, field: str, low: int, high: int, *, from_text: bool = False) -> int:
    """A whole number from ``low`` to ``high``: a JSON integer (never a boolean), or with ``from_text`` also a
    form's text of ASCII digits ("²" and "١" pass ``str.isdigit`` but are not numbers here)."""
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if number is None and from_text and isinstance(value, str):
        number = whole_number(value.strip())
    if number is None or not low <= number <= high:
        raise Invalid(_("Give a whole number from %(low)d to %(high)d.", low=low, high=high), field=field)
    return number


def _hundredths(value) -> int | None:
    """"89.5", "89.50", "-12.30" or a whole JSON integer, in hundredths; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    if not isinstance(value, str):
        return None
    found = _DECIMAL.fullmatch(value.strip())
    if found is None:
        return None
    sign, units, cents = found.groups()
    amount = int(units) * 100 + int((cents or "0").ljust(2, "0"))
    return -amount if sign else amount


def _two_places(hundredths: int) -> str:
    sign = "-" if hundredths < 0 else ""
    whole_part, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole_part}.{cents:02d}"


def area(value, field: str, *, low: int = 1, high: int = AREA_MAX) -> int:
    """Square metres with at most two decimals ("89.50") as centi-m²; positive unless ``low`` says otherwise."""
    centi = _hundredths(value)
    if centi is None or not low <= centi <= high:
        raise Invalid(_("Give an area in square metres with at most two decimals, from %(low)s to %(high)s.",
                        low=format_area(low), high=format_area(high)), field=field)
    return centi


def format_area(centi: int) -> str:
    return _two_places(centi)


def money(value, field: str, *, low: int = 0, high: int = MONEY_MAX) -> int:
    """Yuan with at most two decimals ("123.45") as fen; a negative amount only where ``low`` allows it."""
    fen = _hundredths(value)
    if fen is None or not low <= fen <= high:
        raise Invalid(_("Give an amount in yuan with at most two decimals, from %(low)s to %(high)s.",
                        low=format_money(low), high=format_money(high)), field=field)
    return fen


def format_money(fen: int) -> str:
    return _two_places(fen)


def moment(value, field: str, *, required: bool = False) -> datetime | None:
    """An ISO 8601 time (UTC when it names no zone) or an aware datetime, answered as naive UTC, the form the
    columns hold. Blank is missing (None when not required)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_("This field is required."), field=field)
        return None
    parsed = value if isinstance(value, datetime) else None
    if isinstance(value, str) and value.isascii():
        try:
            parsed = datetime.fromisoformat(re.sub(r"z$", "Z", value.strip()))
        except ValueError:
            parsed = None
    if parsed is None:
        raise Invalid(_("Give a time such as 2026-12-31T16:00:00Z."), field=field)
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo is not None else parsed


def future_time(value, field: str, *, required: bool = False, within: timedelta | None = None) -> datetime | None:
    """A ``moment`` after now, and no further than ``within`` when given."""
    parsed = moment(value, field, required=required)
    if parsed is None:
        return None
    now = utcnow()
    if parsed <= now:
        raise Invalid(_("The time must be in the future."), field=field)
    if within is not None and parsed > now + within:
        raise Invalid(_("The time must be within %(days)d days from now.", days=within.days), field=field)
    return parsed
