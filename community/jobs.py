"""Scheduled work has one home: ``flask --app wsgi jobs run``, run every minute in production.

Each domain that has scheduled work keeps it in ``<domain>/jobs.py`` as ``run(now) -> dict`` (what it did, for
the log). Every job is idempotent and safe to run twice at once: it relies on unique constraints and
conditional updates, never on being the only runner. Tests call ``run_all`` with a moved clock.
"""

from datetime import datetime
from importlib import import_module, util

import click
from flask.cli import AppGroup

from .core.timeutil import utcnow

jobs_cli = AppGroup("jobs", help="Scheduled work (closing votes, reminders, bills, inspection rounds).")


def _job_modules(domains):
    for domain in domains:
        name = f"community.{domain}.jobs"
        if util.find_spec(name) is not None:
            yield domain, import_module(name)


def run_all(now: datetime | None = None) -> dict:
    """Run every domain's jobs once at ``now`` (the clock by default); answer what each did."""
    from . import DOMAINS
    at = now or utcnow()
    return {domain: module.run(at) for domain, module in _job_modules(DOMAINS)}


@jobs_cli.command("run")
def run() -> None:
    """Run every scheduled job once (cron: * * * * * flask --app wsgi jobs run)."""
    for domain, done in run_all().items():
        click.echo(f"{domain}: {done}")
