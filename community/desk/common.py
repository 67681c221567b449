"""What the desk's notices, tickets, surveys and figures share: field lengths, the words check, notifications,
the estate's time zone."""

from zoneinfo import ZoneInfo

from flask import current_app

from ..rules import services as rules

TITLE_MAX = 120
BODY_MAX = 10000
TEXT_MAX = 2000
NOTE_MAX = 1000
COMMENT_MAX = 500
WORKER_MAX = 64
AREA_MAX = 120  # a common area, in words
QUERY_MAX = 100


def judge(actor, text: str):
    """Words and length under the interaction rules; posting-rate limits are for boards and chat, not for this."""
    return rules.check(actor, "edit", text)


def estate_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
