"""The application factory: settings, extensions and every blueprint, wired once.

Imported only when ``eventdesk.create_app`` is called, so ``import eventdesk``
(the command line, a migration, a test helper) loads none of the domains.
"""

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from eventdesk import errors, i18n, mail, models, requestguard, security, staticfiles  # noqa: F401  (models: metadata)
from eventdesk.auth import service as _auth_service  # noqa: F401  (registers the user loader)
from eventdesk.auth.sessions import CookieSessionInterface
from eventdesk.config import load_config
from eventdesk.db import db
from eventdesk.extensions import csrf, login_manager, migrate
from eventdesk.sqlite_tuning import configure_sqlite
from eventdesk.wallet import settings as wallet_settings

PACKAGE_DIR = Path(__file__).resolve().parent


def _site_dir(name: str) -> str:
    """Find ``templates`` or ``static``: beside the package in a checkout, inside it in a wheel."""
    checkout = PACKAGE_DIR.parent / name
    return str(checkout if checkout.is_dir() else PACKAGE_DIR / "_site" / name)


def create_app(config: Mapping | None = None) -> Flask:
    """Create and configure an eventdesk application."""
    app = Flask(
        # The package's name, not this module's: the logger and the instance
        # folder are named after it.
        "eventdesk",
        instance_relative_config=True,
        # An installed package's default is <prefix>/var/eventdesk-instance, inside
        # the virtualenv: an operator names a folder that outlives it.
        instance_path=os.path.abspath(os.environ["EVENTDESK_INSTANCE"])
        if os.environ.get("EVENTDESK_INSTANCE") else None,
        template_folder=_site_dir("templates"),
        static_folder=_site_dir("static"),
    )
    load_config(app, config)
    wallet_settings.init_app(app)  # a wrong certificate stops the start, naming the setting
    app.session_interface = CookieSessionInterface()
    if app.config.get("PROXIES"):
        # Behind N load balancers/proxies: take the client's address and scheme
        # from the headers they set (login limits count per client address).
        hops = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    security.init_app(app)
    staticfiles.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    requestguard.init_app(app)

    from eventdesk.auth.routes import bp as auth_bp
    from eventdesk.badges import routes as badge_routes
    from eventdesk.checkin import badge_routes as badge_door
    from eventdesk.checkin.api_routes import bp as checkin_api_bp
    from eventdesk.checkin.routes import bp as checkin_bp
    from eventdesk.invitations import guest_routes as invitations_guest
    from eventdesk.invitations import organiser_routes as invitations_organiser
    from eventdesk.messages import routes as message_routes
    from eventdesk.organiser import bp as organiser_bp
    from eventdesk.registration.event_routes import bp as events_bp
    from eventdesk.registration.routes import bp as registration_bp
    from eventdesk.tickets.routes import bp as tickets_bp
    from eventdesk.wallet import routes as wallet_routes

    app.register_blueprint(events_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(checkin_api_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(invitations_guest.bp)
    app.register_blueprint(invitations_organiser.bp)
    app.register_blueprint(badge_routes.bp)
    app.register_blueprint(badge_door.bp)
    app.register_blueprint(wallet_routes.bp)
    app.register_blueprint(message_routes.bp)
    app.register_blueprint(message_routes.guest_bp)
    mail.init_app(app)
    # Each package that queues mail tells the mail worker how to render it.
    from eventdesk.invitations import mails as invitation_mails
    from eventdesk.messages import rendering as message_mails
    from eventdesk.tickets import drafts as ticket_mails

    ticket_mails.init_app(app)
    invitation_mails.init_app(app)
    message_mails.init_app(app)
    from eventdesk.operations import health, logs

    health.init_app(app)
    logs.init_app(app)
    return app
