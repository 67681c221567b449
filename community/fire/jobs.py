"""Fire safety's scheduled work: each plan's round for the period, overdue rounds, expiry and service alerts,
and repair requests that could not be filed at the check-in. Every step is safe to run twice at once."""

from datetime import datetime

from . import alerts, services


def run(now: datetime) -> dict:
    return {"rounds_created": services.generate_rounds(now), "rounds_overdue": services.mark_overdue(now),
            "alerts": alerts.raise_alerts(now), "repairs_filed": services.retry_repairs(now)}
