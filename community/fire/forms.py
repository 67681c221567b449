from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..boards.forms import IMAGE_TYPES


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def facility_kinds() -> list[tuple[str, str]]:
    return [("extinguisher", _l("Extinguisher")), ("hydrant", _l("Hydrant")), ("hose_reel", _l("Hose reel")),
            ("alarm_zone", _l("Alarm zone")), ("sprinkler_zone", _l("Sprinkler zone")),
            ("emergency_light", _l("Emergency light")), ("exit_sign", _l("Exit sign")),
            ("fire_door", _l("Fire door")), ("smoke_extraction", _l("Smoke extraction")),
            ("control_room", _l("Fire control room"))]


def hazard_kinds() -> list[tuple[str, str]]:
    return [("blocked_fire_lane", _l("Blocked fire lane")), ("blocked_escape_route", _l("Blocked escape route")),
            ("ebike_charging", _l("E-bike charging in a corridor")),
            ("extinguisher_missing", _l("Extinguisher missing or empty")),
            ("fire_door_locked", _l("Fire door locked or wedged open")), ("other", _l("Other hazard"))]


class FacilityForm(FlaskForm):
    building = SelectField(_l("Building"), validators=[DataRequired()])
    floor = StringField(_l("Floor"), validators=[DataRequired(), Length(max=16)], render_kw={"maxlength": 16})
    kind = SelectField(_l("Kind"), choices=lambda: choices(facility_kinds()))
    location = StringField(_l("Where exactly"), validators=[DataRequired(), Length(max=120)],
                           render_kw={"maxlength": 120})
    model = StringField(_l("Type (extinguishers)"), validators=[Optional(), Length(max=32)])
    capacity = StringField(_l("Capacity"), validators=[Optional(), Length(max=16)])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    service_due_on = DateField(_l("Next service due"), validators=[Optional()])


class CheckForm(FlaskForm):
    round_id = SelectField(_l("Round"), validators=[DataRequired()])
    result = RadioField(_l("Check result"), default="ok", choices=lambda: choices([("ok", _l("OK")),
                                                                             ("defect", _l("Defect"))]))
    note = TextAreaField(_l("What is wrong"), validators=[Optional(), Length(max=500)])
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": IMAGE_TYPES, "capture": "environment"})


class HazardForm(FlaskForm):
    building = SelectField(_l("Building"), validators=[DataRequired()])
    kind = SelectField(_l("What kind of hazard"), choices=lambda: choices(hazard_kinds()))
    spot = StringField(_l("Where"), validators=[DataRequired(), Length(max=120)], render_kw={"maxlength": 120})
    description = TextAreaField(_l("What you saw"), validators=[DataRequired(), Length(max=2000)])
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": IMAGE_TYPES, "capture": "environment"})


class StepForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    cleared = RadioField(_l("Is it gone?"), validators=[Optional()], choices=lambda: choices(
        [("yes", _l("Yes, cleared")), ("no", _l("No, it remains"))]))
    authority = SelectField(_l("Reported to"), validators=[Optional()], choices=lambda: choices(
        [("fire", _l("Fire authority")), ("police", _l("Police"))]))
    confirm = BooleanField(_l("I confirm this step is recorded for good"))


class DatesForm(FlaskForm):
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    service_due_on = DateField(_l("Next service due"), validators=[Optional()])


class RetireForm(FlaskForm):
    confirm = BooleanField(_l("I confirm this facility has been removed"), validators=[DataRequired()])


class DrillForm(FlaskForm):
    building = SelectField(_l("Building"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=120)])
    starts_at = DateTimeLocalField(_l("Starts at"), validators=[DataRequired()])


class PlanForm(FlaskForm):
    building = SelectField(_l("Building"), validators=[DataRequired()])
    name = StringField(_l("Route name"), validators=[DataRequired(), Length(max=80)])
    frequency = SelectField(_l("How often"), choices=lambda: choices([
        ("daily", _l("Daily")), ("weekly", _l("Weekly")), ("monthly", _l("Monthly")), ("yearly", _l("Yearly"))]))


class StaffForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    certificate_no = StringField(_l("Certificate number"), validators=[Optional(), Length(max=32)])
    certificate_expires_on = DateField(_l("Certificate expires on"), validators=[Optional()])


class ShiftForm(FlaskForm):
    staff_id = SelectField(_l("Person"), validators=[DataRequired()])
    day = DateField(_l("Day"), validators=[DataRequired()])
    slot = SelectField(_l("Shift"), choices=lambda: choices([("day", _l("Day shift")),
                                                             ("night", _l("Night shift"))]))
