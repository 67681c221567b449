"""The request's catalogue is looked up once, and labels are made once per language: neither mixes languages."""

from flask_babel import force_locale

from community.core import i18n
from community.core.web import badge_labels


def test_labels_and_gettext_follow_the_language_of_each_request(app):
    with app.app_context(), app.test_request_context("/?lang=en"):
        english = (i18n.gettext("Report"), badge_labels()["staff"])
    with app.app_context(), app.test_request_context("/?lang=zh"):
        chinese = (i18n.gettext("Report"), badge_labels()["staff"])
        with force_locale("en"):
            forced = i18n.gettext("Report")
        again = i18n.gettext("Report")
    assert english == ("Report", "Property staff")
    assert chinese == ("举报", "物业人员")
    assert (forced, again) == ("Report", "举报")


def test_plural_and_variables(app):
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert i18n.ngettext("%(num)d reply", "%(num)d replies", 3) == "3 replies"
        assert i18n.gettext("Building %(n)s", n="5") == "Building 5"
