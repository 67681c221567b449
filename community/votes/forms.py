from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from .common import BODY_MAX, EVIDENCE_MAX, NOTE_MAX, TITLE_MAX

# Civil Code art. 278, items (1) to (9).
MATTERS = {
    1: _l("Rules of procedure of the owners' assembly"),
    2: _l("The management statute"),
    3: _l("Electing or replacing owners' committee members"),
    4: _l("Hiring or dismissing the property company or another manager"),
    5: _l("Using the maintenance fund"),
    6: _l("Raising the maintenance fund"),
    7: _l("Rebuilding or reconstructing buildings and their facilities"),
    8: _l("Changing the use of common parts, or using them for business"),
    9: _l("Another major matter of common ownership and management"),
}
CHOICE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
CHOICES = [SelectChoice(value, label) for value, label in CHOICE_LABELS.items()]


class VoteForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField(_l("What owners decide (Markdown)"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 8})
    matter = SelectField(_l("Matter (Civil Code art. 278)"), coerce=int,
                         choices=[SelectChoice(n, label) for n, label in MATTERS.items()])
    secret = BooleanField(_l("Secret ballot: nobody can see how an owner voted"))
    closes_at = DateTimeLocalField(_l("Voting closes at (local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=_l("Give the closing date and time."))])


class BallotForm(FlaskForm):
    choice = RadioField(_l("Your choice"), choices=CHOICES,
                        validators=[InputRequired(message=_l("Choose yes, no or abstain."))])
    unit = HiddenField()


class ReceiptForm(FlaskForm):
    code = StringField(_l("Receipt code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class PaperForm(FlaskForm):
    unit = StringField(_l("Unit on the paper ballot (e.g. 3-2-1201)"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "off"})
    choice = RadioField(_l("Choice on the paper ballot"), choices=CHOICES,
                        validators=[InputRequired(message=_l("Choose yes, no or abstain."))])
    evidence = TextAreaField(_l("Evidence (ballot number, signature, where the paper is kept)"),
                             validators=[DataRequired(), Length(max=EVIDENCE_MAX)], render_kw={"rows": 3})


class ReviewForm(FlaskForm):
    note = TextAreaField(_l("What the committee found"), validators=[DataRequired(), Length(max=NOTE_MAX)],
                         render_kw={"rows": 2})
