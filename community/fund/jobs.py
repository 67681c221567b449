"""Scheduled work of the fund: disclosures and owners' requests that have gone past their due dates."""

from datetime import datetime

from . import disclosures


def run(now: datetime) -> dict:
    return disclosures.mark_overdue(now)
