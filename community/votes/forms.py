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
    body = TextAreaField(_l("What owners decide"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 8, "data-editor": "notice"})
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
    serial = StringField(_l("Serial printed on the paper (or scan its QR code)"), validators=[Length(max=16)],
                         render_kw={"autocomplete": "off", "autocapitalize": "characters"})


class ReviewForm(FlaskForm):
    note = TextAreaField(_l("What the committee found"), validators=[DataRequired(), Length(max=NOTE_MAX)],
                         render_kw={"rows": 2})


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class AssemblyForm(FlaskForm):
    """An assembly's ballot on a phone: up to two motions and one election, over the estate or some buildings."""
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField(_l("The meeting's notice"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 5, "data-editor": "notice"})
    secret = BooleanField(_l("Secret ballot: nobody can see how an owner voted"))
    closes_at = DateTimeLocalField(_l("Voting closes at (local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=_l("Give the closing date and time."))])
    buildings = StringField(_l("Only these buildings (e.g. 1, 3; empty for the whole estate)"),
                            validators=[Length(max=200)], render_kw={"autocomplete": "off"})
    motion1_title = StringField(_l("Motion 1"), validators=[Length(max=TITLE_MAX)])
    motion1_body = TextAreaField(_l("Motion 1: what owners decide"), validators=[Length(max=BODY_MAX)],
                                 render_kw={"rows": 3})
    motion1_matter = SelectField(_l("Motion 1: matter (Civil Code art. 278)"), coerce=int,
                                 choices=[SelectChoice(n, label) for n, label in MATTERS.items() if n != 3])
    motion2_title = StringField(_l("Motion 2 (optional)"), validators=[Length(max=TITLE_MAX)])
    motion2_body = TextAreaField(_l("Motion 2: what owners decide"), validators=[Length(max=BODY_MAX)],
                                 render_kw={"rows": 3})
    motion2_matter = SelectField(_l("Motion 2: matter (Civil Code art. 278)"), coerce=int,
                                 choices=[SelectChoice(n, label) for n, label in MATTERS.items() if n != 3])
    election_title = StringField(_l("Election (optional)"), validators=[Length(max=TITLE_MAX)])
    election_body = TextAreaField(_l("Election: the seats and how to mark"), validators=[Length(max=BODY_MAX)],
                                  render_kw={"rows": 2})
    seats = SelectField(_l("Seats"), coerce=int, choices=[SelectChoice(n, str(n)) for n in range(1, 10)])
    candidates = TextAreaField(_l("Candidates, one a line: name, then a colon and a statement"),
                               validators=[Length(max=BODY_MAX)], render_kw={"rows": 4})

    def to_data(self, zone) -> dict:
        items = []
        for n in (1, 2):
            title = getattr(self, f"motion{n}_title").data
            if title and title.strip():
                items.append({"kind": "motion", "title": title, "body": getattr(self, f"motion{n}_body").data or title,
                              "matter": getattr(self, f"motion{n}_matter").data})
        if self.election_title.data and self.election_title.data.strip():
            candidates = []
            for line in _lines(self.candidates.data):
                name, _sep, statement = line.replace("：", ":").partition(":")
                candidates.append({"name": name.strip(), "statement": statement.strip()})
            items.append({"kind": "election", "title": self.election_title.data,
                          "body": self.election_body.data or self.election_title.data, "seats": self.seats.data,
                          "candidates": candidates})
        data = {"title": self.title.data, "body": self.body.data, "secret": bool(self.secret.data),
                "closes_at": self.closes_at.data.replace(tzinfo=zone), "items": items}
        buildings = [b.strip() for b in (self.buildings.data or "").replace("，", ",").split(",") if b.strip()]
        if buildings:
            data["scope"] = {"buildings": buildings}
        return data


class ProxyForm(FlaskForm):
    unit = StringField(_l("Your unit"), validators=[DataRequired(), Length(max=32)], render_kw={"autocomplete": "off"})
    phone = StringField(_l("The proxy's phone number on Linli"), validators=[DataRequired(), Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    evidence = TextAreaField(_l("The written authorisation (where the signed paper is, or its scan)"),
                             validators=[DataRequired(), Length(max=EVIDENCE_MAX)], render_kw={"rows": 2})


class ObjectionForm(FlaskForm):
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)], render_kw={"rows": 3})
