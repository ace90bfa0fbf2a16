"""Outgoing mail: the outbox, the MIME composer, rendering drafts, SMTP delivery, opt-outs.

A leaf: it imports only the base modules. The packages that queue mail
register a renderer for each of their kinds (``rendering.register_renderer``)
when the app is created.
"""

from flask import Flask

from eventdesk.mail.transport import local_mail_allowed


def init_app(app: Flask) -> None:
    """Offer the development mailbox when mail stays local (demo, debug, tests)."""
    if local_mail_allowed(app.config):
        from eventdesk.mail.routes import bp

        app.register_blueprint(bp)
        # base.html links to it in the header.
        app.jinja_env.globals["dev_mailbox"] = True
