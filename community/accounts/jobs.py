"""Scheduled work of accounts: erase the personal data of accounts closed longer than the retention period."""

from . import privacy


def run(now) -> dict:
    return {"purged": privacy.purge_due(now)}
