from functools import cache

from babel import support
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from ..core.i18n import language
from .services import STORED_MAX, TITLE_MAX

IMAGE_TYPES = "image/jpeg,image/png,image/webp"
# Images uploaded before a preview, carried to the final submit as "id:key" pairs (the service re-checks ids).
UPLOADED = Regexp(r"^(\d+:[A-Za-z0-9_-]{16,64})?(,\d+:[A-Za-z0-9_-]{16,64}){0,8}$")


@cache
def _wtforms_messages(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WritingForm(FlaskForm):
    """Text (Markdown underneath) with optional images; the buttons named ``preview`` and ``publish`` say which
    was pressed. ``data-editor`` gives it the toolbar and the preview of static/js/editor.js."""
    class Meta:
        def get_translations(self, form):
            # Flask-WTF reads WTForms' own catalogue from disk on every request; the thread page builds this
            # form on every view, so the catalogue is read once per language.
            return _wtforms_messages(language())

    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=STORED_MAX)],
                         render_kw={"rows": 8, "data-editor": "post"})
    images = MultipleFileField(_l("Images (optional, up to 9)"), render_kw={"accept": IMAGE_TYPES})
    uploaded = HiddenField(validators=[Optional(), UPLOADED])
    violation = None  # a RuleViolation to show with its clause


class ThreadForm(WritingForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})


class ReplyForm(WritingForm):
    parent_id = IntegerField(validators=[Optional()], widget=HiddenInput())


class EditForm(FlaskForm):
    violation = None
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=STORED_MAX)],
                         render_kw={"rows": 10, "data-editor": "post"})


class ReportForm(FlaskForm):
    """A reason as people think of it; under "other", the rule it breaks or a note saying what is wrong."""
    reason = RadioField(_l("What is wrong with it?"), validate_choice=False,
                        validators=[InputRequired(message=_l("Choose a reason."))])
    clause = SelectField(_l("Which rule does it break? (optional)"), validate_choice=False)
    note = TextAreaField(_l("Note for the moderators (optional)"), validators=[Optional(), Length(max=1000)],
                         render_kw={"rows": 3, "maxlength": 1000})


class SearchForm(FlaskForm):
    """A GET form that changes nothing, so it carries no CSRF token (it would end up in the address)."""
    class Meta:
        csrf = False

    q = StringField(_l("Search the boards"), validators=[DataRequired(), Length(max=100)],
                    render_kw={"type": "search", "enterkeyhint": "search", "autocomplete": "off"})
