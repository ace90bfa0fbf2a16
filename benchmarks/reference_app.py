"""The yardstick: a bare Flask + SQLAlchemy app served exactly like eventdesk.

Three endpoints, each one database round trip of the kind eventdesk's pages
need: read one row and render a small page, insert one row, update one row.
Same gunicorn worker class, workers and threads as ``eventdesk serve``; same
SQLite settings as ``eventdesk.db`` (WAL, synchronous=NORMAL, BEGIN IMMEDIATE
for writes).
"""

import argparse
from datetime import UTC, datetime

from flask import Flask, abort, redirect, render_template_string, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eventdesk.db import configure_sqlite
from eventdesk.server import GunicornServer, gunicorn_options


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


def create_reference_app(database_url: str) -> Flask:
    """Create the reference app on ``database_url``."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)
    with app.app_context():
        # The same SQLite settings and transaction starts as eventdesk's.
        configure_sqlite(db.engine)

    @app.get("/items/<int:item_id>")
    def show(item_id: int):
        item = db.session.get(Item, item_id)
        if item is None:
            abort(404)
        return render_template_string(PAGE, item=item)

    @app.post("/items")
    def insert():
        item = Item(name=request.form.get("name", ""), email=request.form.get("email", ""),
                    created_at=datetime.now(UTC))
        db.session.add(item)
        db.session.commit()
        return redirect(f"/items/{item.id}")

    @app.post("/items/<int:item_id>/hit")
    def hit(item_id: int):
        changed = db.session.execute(
            update(Item).where(Item.id == item_id, Item.hits >= 0).values(hits=Item.hits + 1)
        ).rowcount
        db.session.commit()
        return {"status": "ok" if changed == 1 else "error"}

    return app


def prepare(database_url: str, rows: int = 100) -> None:
    """Create the table and a few rows to read and update."""
    app = create_reference_app(database_url)
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(Item.id).limit(1)) is None:
            now = datetime.now(UTC)
            db.session.add_all(
                Item(name=f"Guest {n}", email=f"guest{n}@example.org", created_at=now)
                for n in range(1, rows + 1)
            )
            db.session.commit()
        db.engine.dispose()


def main() -> None:
    """Serve the reference app exactly as ``eventdesk serve`` serves eventdesk."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    prepare(args.database_url)
    app = create_reference_app(args.database_url)
    options = gunicorn_options(host=args.host, port=args.port, workers=args.workers)
    GunicornServer(app, options).run()


if __name__ == "__main__":
    main()
