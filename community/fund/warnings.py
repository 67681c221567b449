"""The low-balance warning as scheduled work: when a building's balance falls below the top-up line, its owners
are told once, with the amount that would bring it back; when it is topped up, the warning clears."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import services as audit
from ..estate.models import Building, Owner, Unit
from ..extensions import db
from . import ledger
from .models import LowBalanceWarning


def _owners_of(building_id: int) -> list[int]:
    return list(db.session.scalars(
        select(User.id).join(Owner, Owner.id_hash == User.id_hash).join(Unit, Unit.id == Owner.unit_id)
        .where(Unit.building_id == building_id, Owner.ended_at.is_(None), User.role == "owner",
               User.status == "approved").distinct()))


def check(now: datetime) -> dict:
    from .disclosures import _notify
    ids = dict(db.session.execute(select(Building.code, Building.id)).all())
    known = set(db.session.scalars(select(LowBalanceWarning.building_id)))
    for building_id in set(ids.values()) - known:
        try:
            with db.session.begin_nested():  # a second runner may insert it at the same moment
                db.session.add(LowBalanceWarning(building_id=building_id))
        except IntegrityError:
            pass
    warned = cleared = 0
    for line in ledger.building_totals():
        building_id = ids[line["building"]]
        if line["low"]:
            done = db.session.execute(update(LowBalanceWarning).where(
                LowBalanceWarning.building_id == building_id, LowBalanceWarning.low_since.is_(None))
                .values(low_since=now))
            if done.rowcount == 1:
                warned += 1
                _notify(_owners_of(building_id), "fund_low")
                audit.record(None, "fund.low_balance", f"building:{line['building']}",
                             {"balance": line["balance"], "threshold": line["threshold"], "top_up": line["top_up"]})
        else:
            cleared += db.session.execute(update(LowBalanceWarning).where(
                LowBalanceWarning.building_id == building_id, LowBalanceWarning.low_since.is_not(None))
                .values(low_since=None)).rowcount
    db.session.commit()
    return {"buildings_low": warned, "buildings_topped_up": cleared}
