"""Render a claimed batch of drafts and keep their bytes before sending.

Mail is queued as a draft (what to say) with a ``kind``; the package that
queues a kind registers the function that renders it at start-up
(``register_renderer``), so this package knows none of its callers.

All drafts of a batch are read and rendered in one read-only transaction (on
SQLite without the write lock, which registrations need), then stored in one
short write transaction. A mail is sent only after its bytes and Message-ID
are stored, so a worker that dies mid-send sends the very same mail again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update

from eventdesk.db import db, reading_only
from eventdesk.mail.mime import OutgoingMail
from eventdesk.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger("eventdesk.mail")

Rendered = tuple[str, bytes] | OutboxStatus

_EXTENSION = "eventdesk.mail.renderers"


class Superseded(Exception):
    """The draft's news is out of date; a later mail tells the guest what is true."""


class Unrenderable(Exception):
    """The draft can no longer be rendered (what it speaks of is gone)."""


@dataclass(frozen=True)
class Renderer:
    """How one kind of draft becomes a mail.

    ``render(item, now=...)`` returns the ``OutgoingMail`` or raises
    ``Superseded`` / ``Unrenderable``. ``preload(items)``, if given, loads
    what a whole batch of this kind needs in one query; what it returns is
    kept for as long as the batch renders (so the session keeps those rows).
    """

    render: Callable[..., OutgoingMail]
    preload: Callable[[list[OutboxMessage]], Any] | None = None


def register_renderer(
    app: Flask,
    kind: str,
    render: Callable[..., OutgoingMail],
    *,
    preload: Callable[[list[OutboxMessage]], Any] | None = None,
) -> None:
    """Render drafts of ``kind`` with ``render`` in this app's worker."""
    app.extensions.setdefault(_EXTENSION, {})[kind] = Renderer(render, preload)


def renderers() -> dict[str, Renderer]:
    """Return the current app's renderers by kind."""
    return current_app.extensions.get(_EXTENSION, {})


def _render_all(message_ids: list[int], *, now: datetime) -> dict[int, dict]:
    """Return, per message, the column values to store: the mail, or why there is none."""
    items = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(message_ids))
    ))
    by_kind = renderers()
    kept = []
    for kind in sorted({item.kind for item in items}):
        renderer = by_kind.get(kind)
        if renderer is not None and renderer.preload is not None:
            kept.append(renderer.preload([item for item in items if item.kind == kind]))
    values: dict[int, dict] = {}
    for item in items:
        renderer = by_kind.get(item.kind)
        try:
            if renderer is None:
                raise Unrenderable(f"no renderer for mail of kind {item.kind!r}")
            mail = renderer.render(item, now=now)
        except Superseded as reason:
            values[item.id] = {"status": OutboxStatus.SUPERSEDED,
                               "last_error": f"not sent: {reason}"}
        except Exception as error:  # one bad draft must not hold up the batch
            log.exception("could not render outbox message %s", item.id)
            values[item.id] = {"status": OutboxStatus.FAILED,
                               "last_error": f"not rendered: {error}"}
        else:
            values[item.id] = {"raw": mail.raw, "message_id": mail.message_id,
                               "recipient": mail.recipient, "subject": mail.subject[:300]}
    del kept
    return values


def render_claimed(message_ids: list[int], token: str, *, now: datetime) -> dict[int, Rendered]:
    """Render claimed drafts and store them; return (recipient, raw) to send for each.

    Where there is nothing to send, the message's status is given instead:
    superseded (its news is out of date), failed (it cannot be rendered), or
    pending (our claim ran out meanwhile; another worker has it).
    """
    with reading_only():
        values = _render_all(message_ids, now=now)
        db.session.rollback()  # only read: end the snapshot
    table = OutboxMessage.__table__
    results: dict[int, Rendered] = {}
    for message_id, changes in values.items():
        if "raw" not in changes:
            changes = {**changes, "claimed_by": None, "claimed_until": None}
        kept = db.session.execute(
            update(table)
            .where(table.c.id == message_id, table.c.claimed_by == token, table.c.raw.is_(None))
            .values(**changes)
        ).rowcount
        if kept != 1:
            results[message_id] = OutboxStatus.PENDING
        elif "raw" in changes:
            results[message_id] = (changes["recipient"], changes["raw"])
        else:
            results[message_id] = changes["status"]
    db.session.commit()
    return results
