"""Prepdeck: interview-practice platform. `create_app` is the only place that wires things up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context

from prepdeck.config import engine_options_for, load_config
from prepdeck.core.json_provider import FastJSONProvider


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` is a settings name ("testing") or a mapping of overrides,
    which may name the settings class under "PREPDECK_ENV"."""
    overrides = dict(config) if isinstance(config, Mapping) else {}
    name = config if isinstance(config, str) else overrides.pop("PREPDECK_ENV", None)
    if (name or os.environ.get("PREPDECK_ENV")) != "production":
        from dotenv import load_dotenv

        load_dotenv()

    instance_path = os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    app.json = FastJSONProvider(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = load_config(name, app.instance_path)
    app.config.from_mapping(settings.as_dict())
    app.config.update(overrides)
    if "SQLALCHEMY_ENGINE_OPTIONS" not in overrides:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options_for(
            app.config["SQLALCHEMY_DATABASE_URI"]
        )

    _init_extensions(app)
    _warn_about_single_process_stores(app)
    _register_blueprints(app)
    _register_commands(app)
    if app.config["CHECK_DATABASE_ON_START"]:
        from prepdeck.core.database import require_database

        require_database(app)
    return app


def _init_extensions(app: Flask) -> None:
    from prepdeck.celery_app import celery_init_app
    from prepdeck.core import database, logging, metrics, security
    from prepdeck.core.errors import register_error_handlers
    from prepdeck.core.sessions import CookieSessions
    from prepdeck.extensions import bcrypt, cache, csrf, db, limiter, migrate

    logging.configure_logging(app)
    app.session_interface = CookieSessions()
    # First, so that every later hook (CSRF, limits) already has the request id and clock.
    logging.init_request_logging(app)
    metrics.init_metrics(app)
    _init_realtime(app)  # before ProxyFix, so that the socket handshake is seen as Flask sees it
    _init_front_door(app)  # before ProxyFix too, so that it logs the client's address
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    database.install_listeners()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    bcrypt.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    _init_login(app)
    celery_init_app(app)
    security.init_security_headers(app)
    register_error_handlers(app)


def _init_realtime(app: Flask) -> None:
    from prepdeck.core.realtime import init_realtime
    from prepdeck.rooms.events import register as room_events

    init_realtime(app, [room_events])


def _init_front_door(app: Flask) -> None:
    from prepdeck.core.front import init_front_door
    from prepdeck.core.health import probe_answer
    from prepdeck.decks.cache import kept_page_answer, kept_question_answer

    init_front_door(app, [probe_answer, kept_page_answer, kept_question_answer])


def _init_login(app: Flask) -> None:
    from flask_login import current_user

    from prepdeck.accounts.services import load_session_user
    from prepdeck.core.forms import ActionForm
    from prepdeck.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)

    @app.context_processor
    def inject_forms() -> dict:
        # Only signed-in pages carry the sign-out form, so anonymous pages set no session cookie.
        if has_request_context() and current_user.is_authenticated:
            # formdata=None: never parse the request body (an error page may be answering it).
            return {"logout_form": ActionForm(formdata=None)}
        return {}


def _warn_about_single_process_stores(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production" and not app.config.get("REDIS_URL"):
        app.logger.warning(
            "REDIS_URL is not set: the cache and sign-in limits are kept per process, "
            "so with more than one process limits are looser than configured"
        )


def _register_blueprints(app: Flask) -> None:
    from prepdeck.core.urls import IdConverter, SlugConverter

    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["slug"] = SlugConverter
    from prepdeck.accounts.views import bp as accounts_bp
    from prepdeck.admin.views import bp as admin_bp
    from prepdeck.core.health import bp as health_bp
    from prepdeck.decks.views import bp as decks_bp
    from prepdeck.main.views import bp as main_bp
    from prepdeck.practice.data_views import bp as practice_data_bp
    from prepdeck.practice.plan_views import bp as plan_bp
    from prepdeck.practice.quiz_views import bp as quizzes_bp
    from prepdeck.practice.settings_views import bp as practice_settings_bp
    from prepdeck.practice.stats_views import bp as practice_stats_bp
    from prepdeck.practice.views import bp as practice_bp
    from prepdeck.rooms.views import bp as rooms_bp

    core = (main_bp, accounts_bp, admin_bp, decks_bp, health_bp)
    practice = (practice_bp, practice_settings_bp, quizzes_bp, plan_bp, practice_stats_bp)
    for blueprint in (*core, *practice, practice_data_bp, rooms_bp):
        app.register_blueprint(blueprint)
    _register_api(app)
    from prepdeck.accounts.oauth import init_oauth

    init_oauth(app)
    import prepdeck.accounts.tasks
    import prepdeck.core.tasks
    import prepdeck.decks.tasks
    import prepdeck.practice.models
    import prepdeck.practice.tasks
    import prepdeck.rooms.models  # noqa: F401 - registers the jobs and the tables


def _register_api(app: Flask) -> None:
    from prepdeck.accounts import api as accounts_api
    from prepdeck.core.api import init_api
    from prepdeck.decks import api as decks_api
    from prepdeck.practice import api as practice_api
    from prepdeck.practice import plan_api, quiz_api, stats_api
    from prepdeck.rooms import api as rooms_api

    decks = (decks_api.blp, decks_api.transfers)
    practice = (practice_api.blp, quiz_api.blp, plan_api.blp, stats_api.blp)
    init_api(app, [accounts_api.blp, *decks, *practice, rooms_api.blp])


def _register_commands(app: Flask) -> None:
    from prepdeck.accounts.cli import users_cli
    from prepdeck.decks.cli import decks_cli
    from prepdeck.practice.cli import practice_cli
    from prepdeck.seed import seed_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(decks_cli)
    app.cli.add_command(practice_cli)
    app.cli.add_command(seed_cli)
