"""Scheduled work for owners' votes, run every minute by ``flask --app wsgi jobs run``: open announced votes
whose notice has run, close votes past their deadline, and tell the owners who have not voted that a vote
closes within a day (once per vote). Every step is a conditional update, so two runs at once do each thing
once."""

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from . import lifecycle
from .models import Vote


def run(now: datetime) -> dict:
    done = {"opened": 0, "closed": 0, "reminded": 0}
    for vote in db.session.scalars(select(Vote).where(Vote.status == "announced", Vote.opens_at <= now)).all():
        if lifecycle.start(vote, None, now):
            done["opened"] += 1
        db.session.commit()
    for vote in db.session.scalars(select(Vote).where(Vote.status == "open", Vote.closes_at <= now)).all():
        if lifecycle.finish(vote, None, now=now):
            done["closed"] += 1
        db.session.commit()
    for vote in db.session.scalars(select(Vote).where(
            Vote.status == "open", Vote.reminded_at.is_(None), Vote.closes_at <= now + lifecycle.CLOSING_SOON)).all():
        if lifecycle.remind(vote, now):
            done["reminded"] += 1
        db.session.commit()
    return done
