"""Scheduled work of the fund: disclosures and owners' requests past their due dates, and buildings whose
balance has fallen below the top-up line."""

from datetime import datetime

from . import disclosures, warnings


def run(now: datetime) -> dict:
    return disclosures.mark_overdue(now) | warnings.check(now)
