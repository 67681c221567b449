"""A person's public card as columns of a query: a page that lists what people wrote (a thread's posts) reads
its authors' cards in the same query as the rows, instead of a second round of queries per page."""

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..estate.models import Building, Unit
from .models import Registration, User, UserUnit


def building_of(user_id_column):
    """The building a card shows, for the user whose id is ``user_id_column``: that of the first unit still
    held (as ``User.primary_unit`` has it), else that of the unit applied for."""
    held = (select(Building.code).join(Unit, Unit.building_id == Building.id)
            .join(UserUnit, UserUnit.unit_id == Unit.id)
            .where(UserUnit.user_id == user_id_column, UserUnit.ended_at.is_(None))
            .order_by(UserUnit.id).limit(1).correlate_except(Building, Unit, UserUnit).scalar_subquery())
    applied = aliased(Unit)
    registered = (select(Building.code).join(applied, applied.building_id == Building.id)
                  .join(Registration, Registration.unit_id == applied.id)
                  .where(Registration.id == user_id_column)
                  .correlate_except(Building, applied, Registration).scalar_subquery())
    return func.coalesce(held, registered)


def columns(user=User) -> tuple:
    """What a card needs of ``user`` (the model or an alias of it), ready to add to a select: id, display name,
    role, committee, closed_at and building, labelled ``u_*``."""
    return (user.id.label("u_id"), user.display_name.label("u_name"), user.role.label("u_role"),
            user.committee.label("u_committee"), user.closed_at.label("u_closed"),
            building_of(user.id).label("u_building"))


def from_row(row, closed_name: str) -> dict:
    """The card (as ``services.serialize_public``) from a row that carries ``columns()``."""
    if row.u_closed is not None:
        return {"id": row.u_id, "display_name": closed_name, "building": None, "role": row.u_role,
                "committee": False}
    return {"id": row.u_id, "display_name": row.u_name, "building": row.u_building, "role": row.u_role,
            "committee": row.u_committee}
