"""The installable shell: the web app manifest, the service worker at the site's root scope, the offline page,
and the tab bar every page draws."""

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, url_for
from markupsafe import Markup

from ..core import policy
from ..core.i18n import gettext as _
from ..core.web import actor
from .nav import bottom_nav

bp = Blueprint("home", __name__)

THEME = "#0b6e4f"
ICONS = ("icons/icon-192.png", "icons/icon-512.png")
SHELL = ("css/app.css", "js/app.js", "favicon.svg", "icons/tabs.svg", *ICONS)


@bp.app_context_processor
def tabs() -> dict:
    """The tab bar every page draws at its foot, for its reader (``policy.tabs``), with the unread badge."""
    def bar(unread: int) -> Markup:
        user = actor()
        return bottom_nav(policy.tabs(user) if user is not None else (), unread)
    return {"tab_bar": bar}


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "name": _("Linli community"), "short_name": _("Linli"), "lang": "zh-CN", "start_url": "/",
        "scope": "/", "display": "standalone", "background_color": "#f3f5f7", "theme_color": THEME,
        "icons": [{"src": url_for("static", filename=icon), "sizes": size, "type": "image/png", "purpose": "any"}
                  for icon, size in zip(ICONS, ("192x192", "512x512"))],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@cache
def _version(static: str) -> str:
    """Changes whenever a shell file changes, so that browsers install the new worker and refresh its cache."""
    digest = hashlib.sha256()
    for name in SHELL:
        digest.update((Path(static) / name).read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    shell = [url_for("static", filename=name) for name in SHELL] + [url_for("home.offline")]
    body = render_template("home/sw.js", version=_version(current_app.static_folder), shell=shell,
                           offline=url_for("home.offline"))
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    """Cached by the service worker and shown when a page cannot be reached: nothing personal in it."""
    return render_template("home/offline.html")
