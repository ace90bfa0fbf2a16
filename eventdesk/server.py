"""Serve the app with gunicorn from inside ``eventdesk serve``."""

from flask import Flask
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run_gunicorn(app: Flask, *, host: str, port: int, workers: int) -> None:
    """Serve ``app`` with ``workers`` sync gunicorn workers until stopped."""
    # The app was created before forking; drop pooled connections so no two
    # workers ever share a database socket.
    from eventdesk.db import db

    with app.app_context():
        db.engine.dispose()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 10,
    }
    _Gunicorn(app, options).run()
