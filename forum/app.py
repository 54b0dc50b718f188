"""The application factory."""
import logging

import click
from flask import Flask

from forum import config as settings
from forum.config import ROOT
from forum.extensions import babel, csrf, db, limiter, login_manager


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        "forum",
        root_path=str(ROOT / "forum"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    configure(app, test_config)
    from forum.core import bounds

    bounds.register(app)  # before the blueprints: each rule looks up "int" when added
    register_extensions(app)
    register_blueprints(app)
    register_content()
    from forum.core import limits

    limits.register(app)  # after the blueprints: it limits every POST view they have
    register_jinja(app)
    register_hooks(app)
    register_cli(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    base = settings.TestingConfig if test_config is not None else settings.DefaultConfig
    app.config.from_object(base)
    if test_config is None:
        app.config.update(settings.read_environment())
    else:
        app.config.update(test_config)
    settings.finalise(app.config, app.instance_path)
    proxies = app.config["FORUM_TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many X-Forwarded-* hops as there are proxies of ours: the rest are forgeable.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_extensions(app: Flask) -> None:
    # Import every package's models so metadata (and Alembic) sees them all.
    import forum.models  # noqa: F401
    from forum.accounts.auth import load_user
    from forum.core import assets
    from forum.core.i18n import select_locale

    assets.register_compression(app)
    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Rome")
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")


def register_blueprints(app: Flask) -> None:
    from forum.accounts.views import bp as accounts
    from forum.attachments.views import bp as attachments
    from forum.discussions.views import bp as discussions
    from forum.home.views import bp as home
    from forum.places.views import bp as places
    from forum.twinnings.views import bp as twinnings

    app.register_blueprint(home)
    app.register_blueprint(accounts)
    app.register_blueprint(discussions)
    app.register_blueprint(places)
    app.register_blueprint(twinnings)
    app.register_blueprint(attachments)
    from forum.search.views import bp as search

    app.register_blueprint(search)
    from forum.calls.views import bp as calls

    app.register_blueprint(calls)
    from forum.practices.views import bp as practices

    app.register_blueprint(practices)
    from forum.moderation.views import bp as moderation

    app.register_blueprint(moderation)
    from forum.accounts.twofactor.views import bp as twofactor

    app.register_blueprint(twofactor)
    from forum.opendata.views import bp as opendata

    app.register_blueprint(opendata)
    from forum.engagement.views import bp as engagement

    app.register_blueprint(engagement)
    from forum.site.views import bp as site

    app.register_blueprint(site)
    from forum.notifications.views import bp as notifications

    app.register_blueprint(notifications)


def register_content() -> None:
    """Each kind of content tells search and moderation about itself: they import no content
    package. A new kind adds its types here, as a new package adds its blueprint above."""
    from forum.accounts import reports as account_reports
    from forum.accounts import search as account_search
    from forum.calls import reports as call_reports
    from forum.calls import search as call_search
    from forum.discussions import reports as discussion_reports
    from forum.discussions import search as discussion_search
    from forum.moderation import registry as moderation
    from forum.places import search as place_search
    from forum.practices import reports as practice_reports
    from forum.practices import search as practice_search
    from forum.search import registry as search
    from forum.twinnings import search as twinning_search

    search.register(*twinning_search.SEARCH_TYPES, *discussion_search.SEARCH_TYPES,
                    *place_search.SEARCH_TYPES, *account_search.SEARCH_TYPES,
                    *call_search.SEARCH_TYPES, *practice_search.SEARCH_TYPES)
    moderation.register(*discussion_reports.REPORT_KINDS, *account_reports.REPORT_KINDS,
                        *practice_reports.REPORT_KINDS, *call_reports.REPORT_KINDS)


def register_jinja(app: Flask) -> None:
    from forum.accounts import permissions as accounts
    from forum.attachments import permissions as attachments
    from forum.calls import permissions as calls
    from forum.core import i18n, templating
    from forum.discussions import permissions as discussions
    from forum.moderation import permissions as moderation
    from forum.notifications import permissions as notifications
    from forum.places import permissions as places
    from forum.practices import permissions as practices
    from forum.twinnings import permissions as twinnings

    i18n.register(app)
    templating.register(app)
    # Templates ask the same predicates as the views, by one name: can.<package>.<rule>.
    app.jinja_env.globals["can"] = {
        "accounts": accounts.TEMPLATE_PREDICATES, "attachments": attachments.TEMPLATE_PREDICATES,
        "calls": calls.TEMPLATE_PREDICATES, "discussions": discussions.TEMPLATE_PREDICATES,
        "moderation": moderation.TEMPLATE_PREDICATES,
        "notifications": notifications.TEMPLATE_PREDICATES, "places": places.TEMPLATE_PREDICATES,
        "practices": practices.TEMPLATE_PREDICATES, "twinnings": twinnings.TEMPLATE_PREDICATES}


def register_hooks(app: Flask) -> None:
    from forum.core import assets, errors
    from forum.core.security import set_security_headers

    app.after_request(set_security_headers)
    assets.register(app)
    from forum.core import caching

    errors.register(app)
    from forum.core import outage

    outage.register(app)
    from forum.search.indexer import SearchUnavailable

    app.register_error_handler(SearchUnavailable, outage.render_unavailable)
    from forum.search import hooks as search_hooks

    search_hooks.install()
    search_hooks.register(app)
    from forum.opendata.versions import install as install_opendata_hooks

    install_opendata_hooks()
    from forum.engagement.hooks import install as install_engagement_hooks

    install_engagement_hooks()
    from forum.notifications.hooks import install as install_notification_hooks

    install_notification_hooks()
    _connect_badge_notices()
    # After the search hooks: the version moves once the index has the change too.
    caching.register(app)


def _connect_badge_notices() -> None:
    """Engagement's badges reach members as notifications: the two packages sit side by side
    in the layers, so the app joins them."""
    from sqlalchemy import select

    from forum.engagement.hooks import ON_BADGE
    from forum.engagement.models import BadgeAward
    from forum.engagement.rules import BADGES
    from forum.notifications import badges

    def held(user_id: int, code: str) -> bool:
        return db.session.scalar(select(BadgeAward.id).where(
            BadgeAward.user_id == user_id, BadgeAward.badge == code)) is not None

    badges.connect(ON_BADGE, {code: badge.name for code, badge in BADGES.items()}, held)


def register_cli(app: Flask) -> None:
    from forum.cli import register

    register(app)
    app.cli.add_command(migration_commands)


def bind_migrate(app: Flask):
    """Flask-Migrate bound to `app`, for `flask db …` and the code that migrates.

    Not done by create_app: Flask-Migrate imports Alembic (and Mako), 8 MB in every worker
    that never migrates anything.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from forum.core.db import render_migration_type

        Migrate(db=db, directory=str(ROOT / "migrations"), command="db").init_app(
            app, db, render_as_batch=True, compare_type=True,
            render_item=render_migration_type)
    return app.extensions["migrate"]


class _MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's own commands, loaded (and bound) when one is used."""

    def _group(self, ctx):
        from flask.cli import ScriptInfo
        from flask_migrate.cli import db as commands

        bind_migrate(ctx.ensure_object(ScriptInfo).load_app())
        return commands

    def list_commands(self, ctx):
        return self._group(ctx).list_commands(ctx)

    def get_command(self, ctx, name):
        return self._group(ctx).get_command(ctx, name)


@click.group("db", cls=_MigrationCommands)
@click.option("-d", "--directory", default=None,
              help='Migration script directory (default is "migrations")')
@click.option("-x", "--x-arg", multiple=True,
              help="Additional arguments consumed by custom env.py scripts")
def migration_commands(directory, x_arg):
    """Perform database migrations (Flask-Migrate)."""
    from flask import g

    # What Flask-Migrate's own group callback does: its commands read these.
    g.directory = directory
    g.x_arg = x_arg
