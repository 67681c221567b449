"""Linli (邻里): the application factory."""

from importlib import import_module
from pathlib import Path

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from . import config as settings
from .boards import pagecache
from .core import i18n, policy, reads
from .core.errors import AppError
from .core.http import (
    API_BLUEPRINTS,
    CookieSessions,
    IdConverter,
    JSONProvider,
    error_response,
    http_error_response,
    is_api_request,
    refuse_nul_in_forms,
)
from .core.i18n import gettext as _
from .core.web import badge_label, badge_labels, fixed_url, local_full, local_time, page_part, role_label
from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate, socketio

ROOT = Path(__file__).resolve().parent.parent
# One package per domain, each with an api module (JSON under /api/v1) and a views module (pages).
DOMAINS = ("accounts", "estate", "audit", "rules", "notifications", "boards", "moderation", "votes", "desk", "chat",
           "fire", "fund", "fees", "assembly")


def _asset_dir(name: str) -> str:
    """Templates and static files live at the top of the source tree, or inside the installed package."""
    top = ROOT / name
    return str(top if top.is_dir() else Path(__file__).resolve().parent / name)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=_asset_dir("templates"), static_folder=_asset_dir("static"),
                instance_path=str(ROOT / "instance"), instance_relative_config=True)
    app.config.update(settings.DEFAULTS)
    app.config.update(settings.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    app.json = JSONProvider(app)
    app.session_interface = CookieSessions()
    app.json.ensure_ascii = False  # Flask 3 reads this, not JSON_AS_ASCII: Chinese as UTF-8, not \u escapes
    if app.config.get("PROXY_HOPS"):  # the client address as the trusted reverse proxies saw it
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["int"] = IdConverter

    # Socket handlers must be declared before the first init_app so that every app gets them.
    from .chat import events  # noqa: F401

    db.init_app(app)
    from .boards.search import not_search_index
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     include_name=not_search_index)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.install(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"],
                      message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
                      channel=app.config["SOCKETIO_CHANNEL"], async_handlers=False)

    from . import models  # noqa: F401  (every model registered before the first query)
    from .accounts.cli import users_cli
    from .api import openapi
    from .audit.cli import audit_cli
    from .demo import demo_cli
    from .estate.cli import units_cli
    from .fees.cli import fees_cli
    from .fund.cli import fund_cli
    from .jobs import jobs_cli

    for domain in DOMAINS:  # each api module adds its blueprint to API_BLUEPRINTS as it is imported
        import_module(f".{domain}.api", __name__)
    for bp in API_BLUEPRINTS:
        csrf.exempt(bp)
        app.register_blueprint(bp)
    for domain in DOMAINS:
        app.register_blueprint(import_module(f".{domain}.views", __name__).bp)
    app.register_blueprint(openapi.bp)
    from .home import views as home_views
    app.register_blueprint(home_views.bp)  # the shell: tab bar, manifest, service worker
    csrf.exempt(openapi.bp)
    for group in (users_cli, units_cli, audit_cli, demo_cli, jobs_cli, fund_cli, fees_cli):
        app.cli.add_command(group)

    _register_errors(app)
    reads.init_app(app)  # read markers written after the response, never on the request path
    pagecache.init_app(app)  # thread pages kept between requests, until a write moves their revision
    app.before_request(refuse_nul_in_forms)
    app.after_request(_security_headers)
    app.context_processor(_template_globals)
    app.add_template_filter(local_time, "when")
    app.add_template_filter(local_full, "when_full")  # deadlines and ends: always with the date
    # Globals rather than context, so that imported macros see them too.
    app.jinja_env.globals.update(badge_of=policy.badge, badge_label=badge_label, badge_labels=badge_labels,
                                 role_label=role_label, fixed_url=fixed_url, page_part=page_part)
    return app


@login_manager.user_loader
def _load_user(session_id: str):
    from .accounts.services import load_session_user
    return load_session_user(session_id)


def _select_locale() -> str:
    from flask import current_app, has_request_context
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        from .boards.search import register_sqlite_functions  # the search index triggers call them
        register_sqlite_functions(dbapi_connection)


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.args.get("lang") in ("zh", "en") and request.cookies.get("lang") != request.args["lang"]:
        response.set_cookie("lang", request.args["lang"], max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def _template_globals() -> dict:
    from .core import policy
    from .core.i18n import language
    from .core.web import actor
    return {"policy": policy, "me": actor(), "locale": language() or "zh"}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(AppError)
    def app_error(error: AppError):
        if is_api_request():
            return error_response(error)
        return render_template("error.html", message=_(str(error.message)), status=error.status), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("The form expired or was sent from elsewhere; please try again.")
        if is_api_request():
            return error_response(AppError(message, field="csrf_token"))
        return render_template("error.html", message=message, status=400), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return http_error_response(error)
        api_response = http_error_response(error)
        page = app.make_response((render_template(
            "error.html", message=api_response.get_json()["error"]["message"], status=error.code), error.code))
        if "Retry-After" in api_response.headers:
            page.headers["Retry-After"] = api_response.headers["Retry-After"]
        return page

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def unstorable(error: Exception):
        # A value from the request that the database cannot hold (an id past its integer range) and that no
        # check caught: the request is at fault, not the server. Logged, so that the missing check gets written.
        app.logger.warning("value the database cannot hold: %s", error)
        db.session.rollback()
        message = _("The request could not be understood.")
        if is_api_request():
            return error_response(AppError(message, field="body"))
        return render_template("error.html", message=message, status=400), 400

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error")
        g.unhandled = True
        if is_api_request():
            return error_response(AppError(_("Something went wrong on our side."), code="server_error",
                                           status=500))
        return render_template("error.html", message=_("Something went wrong on our side."), status=500), 500
