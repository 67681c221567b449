"""Translations on the hot path: the catalogue looked up once per request, and labels made once per language.

Flask-Babel's ``gettext`` walks its request context four times on every call (domain, translations, locale,
the cache) and a page makes about ninety of them. Here the request's catalogue is kept where Flask-Babel
itself would keep it (``babel_translations`` on its context, which ``refresh`` and ``force_locale`` clear),
so each call after the first is a dictionary lookup. Everything else (the locale selector, lazy strings,
formatting of dates and numbers) stays Flask-Babel's.
"""

from functools import wraps

from babel.support import NullTranslations
from flask import g
from flask.globals import _cv_app
from flask_babel import get_domain, get_locale
from markupsafe import Markup

_NULL = NullTranslations()


def catalogue():
    """The translations of this request's language (nothing outside a request or app context). The app
    context is read from its context variable, not through the ``g`` proxy: a page asks this sixty times."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return _NULL
    ctx = app_context.g.__dict__.get("_flask_babel")
    found = getattr(ctx, "babel_translations", None) if ctx is not None else None
    if found is None:
        found = get_domain().get_translations()
        g._flask_babel.babel_translations = found  # get_domain() created the context
    return found


def language() -> str:
    """The request's language ("zh", "en"; "" outside a request or app context), as ``str(get_locale())`` but
    read where Flask-Babel keeps the request's locale once chosen: a page asks this a dozen times."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return ""
    ctx = app_context.g.__dict__.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None) if ctx is not None else None
    if locale is None:
        locale = get_locale()
        if locale is None:
            return ""
    name = _NAMES.get(locale)
    if name is None:
        name = _NAMES[locale] = str(locale)
    return name


_NAMES: dict = {}  # Locale -> its name: a handful of locales, named once


def gettext(string: str, **variables) -> str:
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def install(app) -> None:
    """The templates' ``_`` and ``ngettext`` read the same cached catalogue.

    Jinja's newstyle callables (installed for ``{% trans %}`` and its extension) reach the catalogue through three
    context calls for every ``_()``. Every template here is HTML with autoescaping on (none turns it off), where
    they answer the translation as markup with its variables escaped into it: ``_`` and ``ngettext`` below answer
    just that, directly, and always as a format string as Jinja does (a literal percent sign is written ``%%``)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(_=_markup_gettext, gettext=_markup_gettext, ngettext=_markup_ngettext)


def _markup_gettext(string: str, **variables) -> Markup:
    return Markup(catalogue().ugettext(string)) % variables


def _markup_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    variables.setdefault("num", num)
    return Markup(catalogue().ungettext(singular, plural, num)) % variables


def per_language(build):
    """Cache what ``build()`` answers per language: label tables that every page's context carries are
    translated once per language and process, not once per page. Arguments, if any, are what the first call in
    each language builds from: they must be such that any call would build the same."""
    made: dict[str, object] = {}

    @wraps(build)
    def cached(*args):
        name = language()
        found = made.get(name)
        if found is None:
            found = made[name] = build(*args)
        return found
    return cached
