"""Scheduled work of the fees: each month's bills, made on the first run of the month (estate time)."""

from datetime import datetime

from . import ledger, services


def run(now: datetime) -> dict:
    """Idempotent: the bills' unique key means a second run, or two at once, adds nothing."""
    return services.generate(None, ledger.period_of(now), via="job")
