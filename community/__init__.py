"""Халық үні: the application factory."""

import logging
import os
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from community.config import ROOT, Config
from community.core.assets import FingerprintedStaticFlask


def create_app(config: type[Config] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, request hooks, errors and commands."""
    app = FingerprintedStaticFlask(
        __name__, template_folder="../templates", static_folder="../static", instance_relative_config=True
    )
    register_config(app, config or Config)
    register_edge(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_templates(app)
    register_errors(app)
    register_cli(app)
    return app


def register_config(app: Flask, config: type[Config]) -> None:
    """Load the settings, check the secret key and SITE_URL (whose host, with ALLOWED_HOSTS, is the only one
    answered), and trust PROXY_COUNT proxies' forwarded headers."""
    app.config.from_object(config)
    config.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)


def register_edge(app: Flask) -> None:
    """Clean text from outside where it comes in: query arguments and form fields are made storable, and a URL
    path that holds what no database or feed can is a 404 before any other hook or view reads it (core/edge.py)."""
    from community.core.edge import StorableRequest, refuse_unstorable_path

    app.request_class = StorableRequest
    app.before_request(refuse_unstorable_path)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, login, CSRF, translations and rate limits to the app."""
    from community.accounts.sessions import load_session_user
    from community.core.i18n import select_locale, select_timezone
    from community.core.pagecache import watch_content_writes
    from community.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    watch_content_writes()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_session_user)
    login_manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """Send a visitor to the login page, by HX-Redirect for htmx requests, to come back to the page they were on."""
    from flask import flash, url_for
    from flask_babel import gettext as _

    from community.core.htmx import redirect_to
    from community.core.urls import return_address

    flash(_("Please sign in to continue."), "info")
    return redirect_to(url_for("accounts.login", next=return_address()))


class DatabaseInt(IntegerConverter):
    """An <int:…> URL part that fits a database integer, so /threads/99999999999 is a 404, not an error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Mount every domain's blueprint."""
    app.url_map.converters["int"] = DatabaseInt
    from community.accounts import bp as accounts_bp
    from community.admin import bp as admin_bp
    from community.appeals import bp as appeals_bp
    from community.dialogues import bp as dialogues_bp
    from community.events import bp as events_bp
    from community.home import bp as home_bp
    from community.moderation import bp as moderation_bp
    from community.notifications import bp as notifications_bp
    from community.pages import bp as pages_bp
    from community.places import bp as places_bp
    from community.pledges import bp as pledges_bp
    from community.threads import bp as threads_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(threads_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(pledges_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(dialogues_bp)
    app.register_blueprint(appeals_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(admin_bp)


def register_request_hooks(app: Flask) -> None:
    """Headers every response carries, the language choice kept across visits, and queued mail sent and a session's
    "last seen" renewed after the response."""
    from community.accounts.sessions import renew_last_seen_after_response
    from community.core.htmx import add_vary
    from community.core.i18n import remember_language
    from community.core.mail import deliver_after_response
    from community.core.pagecache import fill_token_slots
    from community.core.security import add_security_headers
    from community.notifications.jobs import enqueue_after_response

    app.after_request(fill_token_slots)
    app.after_request(remember_language)
    app.after_request(add_vary)
    app.after_request(add_security_headers)
    app.after_request(deliver_after_response)
    app.after_request(enqueue_after_response)
    app.after_request(renew_last_seen_after_response)


def register_templates(app: Flask) -> None:
    """Template filters and globals: formatting, Markdown, the permission rules and absolute addresses; static
    files' addresses carry a fingerprint of their content (core/assets.py)."""
    from community.core.assets import add_static_fingerprint
    from community.core.htmx import wants_fragment
    from community.core.i18n import register_filters
    from community.core.languages import lang_attr
    from community.core.pagecache import page_csrf_token, shared_part
    from community.core.permissions import RULES, needs_second_factor, viewer_kind
    from community.core.text import stored_excerpt, stored_html
    from community.core.urls import absolute_url, return_address

    register_filters(app)
    # Users' Markdown is printed as stored when written (core/text.py `StoredMarkdown`), never rendered per read.
    app.jinja_env.filters["stored_html"] = stored_html
    app.jinja_env.filters["stored_excerpt"] = stored_excerpt
    app.jinja_env.filters["lang_attr"] = lang_attr  # users' texts in another language than the page's
    app.jinja_env.globals.update(RULES)
    app.jinja_env.globals["new_submission_key"] = lambda: secrets.token_urlsafe(16)
    app.jinja_env.globals["absolute_url"] = absolute_url
    app.jinja_env.globals["return_address"] = return_address
    app.jinja_env.globals["shared_part"] = shared_part
    app.jinja_env.globals["viewer_kind"] = viewer_kind
    app.jinja_env.globals["needs_second_factor"] = needs_second_factor
    app.jinja_env.globals["wants_fragment"] = wants_fragment  # a form loaded into a page, or a page of its own
    # Flask-WTF gives templates `csrf_token` through a context processor; this one comes later and wins: a
    # placeholder in pages shared with visitors, each visitor's own token everywhere else.
    app.context_processor(lambda: {"csrf_token": page_csrf_token})
    app.url_defaults(add_static_fingerprint)


def register_errors(app: Flask) -> None:
    """Our own error pages for HTTP errors, bad CSRF tokens and anything unexpected."""
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    from community.core.errors import (
        handle_csrf_error,
        handle_http_error,
        handle_refused_move,
        handle_unexpected_error,
    )
    from community.core.states import MoveRefused

    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(MoveRefused, handle_refused_move)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def register_cli(app: Flask) -> None:
    """The flask commands: demo, users, translate."""
    from community.cli import register_commands

    register_commands(app)
