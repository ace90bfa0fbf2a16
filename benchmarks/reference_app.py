"""The yardstick: the simplest Flask + SQLAlchemy app, served in its own fastest way.

Three endpoints doing the least eventdesk's pages need: read one row and render
a small page (its template compiled once, at start-up); insert one row and
redirect; one conditional UPDATE. Nothing of eventdesk is imported: not its
SQLite settings, not its gunicorn settings. How it is served (worker class,
workers, threads) and its SQLite journal are options, so that
``python -m benchmarks.yardstick`` can try them; the defaults are the fastest
configuration found there (figures in RESULTS.md).
"""

import argparse
from datetime import UTC, datetime

from flask import Flask, abort, redirect, request
from flask_sqlalchemy import SQLAlchemy
from gunicorn.app.base import BaseApplication
from sqlalchemy import DateTime, String, event, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The fastest configuration found by benchmarks/yardstick.py (see RESULTS.md).
DEFAULT_WORKER_CLASS = "gthread"
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
DEFAULT_JOURNAL = "wal"


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    hits: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


PAGE = """<!doctype html><title>{{ item.name }}</title>
<h1>{{ item.name }}</h1><p>{{ item.email }}: {{ item.hits }}</p>"""


def _sqlite_pragmas(journal: str):
    def on_connect(connection, _record) -> None:
        cursor = connection.cursor()
        if journal == "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL's usual companion: no flush per commit, still crash-safe.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return on_connect


def create_reference_app(database_url: str, *, journal: str = DEFAULT_JOURNAL) -> Flask:
    """Create the reference app on ``database_url``."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    if database_url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas(journal))
    page = app.jinja_env.from_string(PAGE)

    @app.get("/items/<int:item_id>")
    def show(item_id: int):
        item = db.session.get(Item, item_id)
        if item is None:
            abort(404)
        return page.render(item=item)

    @app.post("/items")
    def insert():
        item = Item(name=request.form.get("name", ""), email=request.form.get("email", ""),
                    created_at=datetime.now(UTC))
        db.session.add(item)
        db.session.flush()
        # Read before the commit expires it: afterwards it would be loaded again.
        item_id = item.id
        db.session.commit()
        return redirect(f"/items/{item_id}")

    @app.post("/items/<int:item_id>/hit")
    def hit(item_id: int):
        changed = db.session.execute(
            update(Item).where(Item.id == item_id, Item.hits >= 0).values(hits=Item.hits + 1)
        ).rowcount
        db.session.commit()
        return {"status": "ok" if changed == 1 else "error"}

    return app


def prepare(app: Flask, rows: int = 100) -> None:
    """Create the table and a few rows to read and update."""
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(Item.id).limit(1)) is None:
            now = datetime.now(UTC)
            db.session.add_all(
                Item(name=f"Guest {n}", email=f"guest{n}@example.org", created_at=now)
                for n in range(1, rows + 1)
            )
            db.session.commit()
        # No pooled connection may cross the fork into the workers.
        db.engine.dispose()


class Server(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def main() -> None:
    """Serve the reference app with gunicorn."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--worker-class", default=DEFAULT_WORKER_CLASS)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--journal", choices=["wal", "delete"], default=DEFAULT_JOURNAL,
                        help="SQLite journal: WAL with synchronous=NORMAL, or SQLite's default")
    args = parser.parse_args()
    app = create_reference_app(args.database_url, journal=args.journal)
    prepare(app)
    Server(app, {
        "bind": f"{args.host}:{args.port}",
        "worker_class": args.worker_class,
        "workers": args.workers,
        "threads": args.threads,
        "control_socket_disable": True,
        "loglevel": "warning",
    }).run()


if __name__ == "__main__":
    main()
