from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..boards.forms import IMAGE_TYPES
from .common import (
    AREA_MAX,
    BODY_MAX,
    COMMENT_MAX,
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    WORKER_MAX,
)

QUESTION_SLOTS = 6


def notice_categories() -> list[tuple[str, str]]:
    return [("general", _l("General")), ("fire_safety", _l("Fire safety")),
            ("outage", _l("Water or power cut")), ("fees", _l("Fees"))]


def repair_categories() -> list[tuple[str, str]]:
    return [("plumbing", _l("Water and drains")), ("electrical", _l("Electrical")), ("lift", _l("Lift")),
            ("doors_windows", _l("Doors and windows")), ("walls_ceiling", _l("Walls, ceilings, leaks")),
            ("common_facilities", _l("Common facilities")), ("other", _l("Other"))]


def departments() -> list[tuple[str, str]]:
    return [("engineering", _l("Engineering")), ("security", _l("Security")), ("cleaning", _l("Cleaning")),
            ("developer", _l("Developer"))]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    category = SelectField(_l("Category"), choices=lambda: choices(notice_categories()))
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 8, "data-editor": "notice"})
    buildings = CheckboxesField(_l("Buildings (none ticked: the whole estate)"), choices=[],
                                validators=[Optional()])
    must_acknowledge = BooleanField(_l("Residents must acknowledge it"))


class TicketForm(FlaskForm):
    category = SelectField(_l("What needs repair?"), choices=lambda: choices(repair_categories()))
    unit = SelectField(_l("Where"), choices=[], validate_choice=False)
    common_area = StringField(_l("Which common area (if not your home)"),
                              validators=[Optional(), Length(max=AREA_MAX)], render_kw={"maxlength": AREA_MAX})
    description = TextAreaField(_l("Description"), validators=[DataRequired(), Length(max=TEXT_MAX)],
                                render_kw={"rows": 5, "maxlength": TEXT_MAX})
    images = MultipleFileField(_l("Photos (optional, up to 9)"), render_kw={"accept": IMAGE_TYPES})
    public = BooleanField(_l("Show it on the public list (your name is never shown to other residents)"))


class AcceptForm(FlaskForm):
    department = SelectField(_l("Department"), choices=lambda: choices(departments()))
    worker = StringField(_l("Worker"), validators=[Optional(), Length(max=WORKER_MAX)],
                         render_kw={"maxlength": WORKER_MAX, "autocomplete": "off"})
    note = TextAreaField(_l("Note to the resident (optional)"), validators=[Optional(), Length(max=NOTE_MAX)],
                         render_kw={"rows": 2})


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)], render_kw={"rows": 2})


class ConfirmForm(FlaskForm):
    rating = RadioField(_l("How satisfied are you?"), choices=[SelectChoice(str(n), str(n)) for n in range(5, 0, -1)],
                        validators=[DataRequired()])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=COMMENT_MAX)],
                            render_kw={"rows": 2, "maxlength": COMMENT_MAX})


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("What is still wrong?"), validators=[Optional(), Length(max=COMMENT_MAX)],
                           render_kw={"rows": 2, "maxlength": COMMENT_MAX})


class QuestionForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), choices=[
        SelectChoice("", _l("(unused)")), SelectChoice("single", _l("Single choice")),
        SelectChoice("multiple", _l("Multiple choice")), SelectChoice("rating", _l("Rating 1 to 5")),
        SelectChoice("text", _l("Free text"))], validate_choice=False)  # the service checks it
    text = StringField(_l("Question"), validators=[Optional(), Length(max=200)])
    options = TextAreaField(_l("Options, one per line"), validators=[Optional()], render_kw={"rows": 3})
    required = BooleanField(_l("An answer is required"), default=True)


class SurveyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Introduction (optional)"), validators=[Optional(), Length(max=TEXT_MAX)],
                                render_kw={"rows": 3})
    per = SelectField(_l("Answered"), choices=[SelectChoice("user", _l("once per person")),
                                               SelectChoice("unit", _l("once per unit"))])
    closes_at = DateTimeLocalField(_l("Closes at (optional; local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
    questions = FieldList(FormField(QuestionForm), min_entries=QUESTION_SLOTS, max_entries=QUESTION_SLOTS)
