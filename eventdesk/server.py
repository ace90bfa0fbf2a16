"""Serve the app with gunicorn from inside ``eventdesk serve``."""

import sys

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):
    """Gunicorn serving an app object that already exists."""

    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def gunicorn_options(*, host: str, port: int, workers: int) -> dict:
    """Return the gunicorn settings eventdesk is served with."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "timeout": 60,
        "graceful_timeout": 10,
        # One shared control socket path per user would make two instances on
        # one machine (blue/green, or several ports) fight over it.
        "control_socket_disable": True,
        "post_fork": _hand_over_sooner,
    }


def _hand_over_sooner(server, worker) -> None:
    # A thread that gets its answer from the database waits for the GIL while
    # the worker's other threads compute, by default for up to 5 ms, and it
    # may be holding the seat counter's row lock meanwhile, which every other
    # registration for the event waits on. Shorter turns cut that wait.
    sys.setswitchinterval(0.0005)


def run_gunicorn(app: Flask, *, host: str, port: int, workers: int) -> None:
    """Serve ``app`` with ``workers`` gunicorn workers of 4 threads each until stopped."""
    # The app was created before forking; drop pooled connections so no two
    # workers ever share a database socket.
    from eventdesk.db import db

    with app.app_context():
        db.engine.dispose()
    GunicornServer(app, gunicorn_options(host=host, port=port, workers=workers)).run()
