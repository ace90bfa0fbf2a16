"""Serve the app with gunicorn from inside ``eventdesk serve``."""

import sys
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from eventdesk.operations.logs import ACCESS_LOG_FORMAT, GunicornLogger


class GunicornServer(BaseApplication):
    """Gunicorn serving an app object that already exists."""

    def __init__(self, app: Flask, options: dict, mail_worker=None) -> None:
        self.application = app
        self.options = options
        self.mail_worker = mail_worker
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application

    def run(self) -> None:
        if self.mail_worker is None:
            super().run()
            return
        try:
            SupervisingArbiter(self, self.mail_worker).run()
        except RuntimeError as error:
            print(f"\nError: {error}\n", file=sys.stderr)
            sys.exit(1)


class SupervisingArbiter(Arbiter):
    """Gunicorn's master, also keeping the mail worker process alive."""

    def __init__(self, app: GunicornServer, mail_worker) -> None:
        super().__init__(app)
        self.mail_worker = mail_worker

    def start(self) -> None:
        super().start()
        self.mail_worker.start()

    def manage_workers(self) -> None:
        # Called from the master's loop about every second: no thread needed.
        super().manage_workers()
        self.mail_worker.check()


def gunicorn_options(*, host: str, port: int, workers: int) -> dict:
    """Return the gunicorn settings eventdesk is served with."""
    # gthread keeps a client's connection open between requests (sync workers
    # close it after each one) and lets a worker's threads overlap their
    # database waits: 2 x 4 threads was the best of the configurations tried
    # for the bare reference app too (benchmarks/RESULTS.md).
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": GunicornLogger,
        "timeout": 60,
        "graceful_timeout": 10,
        # One shared control socket path per user would make two instances on
        # one machine (blue/green, or several ports) fight over it.
        "control_socket_disable": True,
    }


def run_gunicorn(app: Flask, *, host: str, port: int, workers: int, mail_worker=None,
                 when_ready: Callable[[], None] | None = None) -> None:
    """Serve ``app`` with ``workers`` gunicorn workers of 4 threads each until stopped.

    ``mail_worker`` (a MailWorkerSupervisor) is started and kept alive beside them;
    ``when_ready`` runs once the server listens.
    """
    # The app was created before forking; drop pooled connections so no two
    # workers ever share a database socket.
    from eventdesk.db import db

    with app.app_context():
        db.engine.dispose()
    options = gunicorn_options(host=host, port=port, workers=workers)
    if when_ready is not None:
        options["when_ready"] = lambda server: when_ready()
    GunicornServer(app, options, mail_worker=mail_worker).run()
