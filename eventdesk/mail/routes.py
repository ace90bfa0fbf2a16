"""The development mailbox: read the real mails when no SMTP server is configured.

Registered only in the demo, debug or test mode and only without
``EVENTDESK_SMTP_URL`` (see ``eventdesk.mail.init_app``).
"""

from flask import Blueprint, Response, abort, render_template, url_for
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.mail import mailbox
from eventdesk.mail.models import OutboxMessage

bp = Blueprint("devmail", __name__, url_prefix="/dev/mailbox")

# The mail's HTML is shown in a sandboxed frame: no scripts, images from here only.
_FRAME_CSP = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def _message_or_404(message_id: int) -> OutboxMessage:
    return db.get_or_404(OutboxMessage, message_id)


def _raw_or_404(message_id: int) -> bytes:
    """Return the message's bytes; a draft the worker has not rendered yet has none."""
    raw = _message_or_404(message_id).raw
    if raw is None:
        abort(404)
    return raw


@bp.get("")
def index():
    """List the newest messages in the outbox."""
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    ).all()
    return render_template("dev/mailbox.html", messages=messages)


@bp.get("/<int:message_id>")
def show(message_id: int):
    """Show one message: headers, the HTML as a client shows it, text and attachments."""
    item = _message_or_404(message_id)
    if item.raw is None:
        return render_template("dev/message.html", item=item, message=None)
    message = mailbox.parse(item.raw)
    return render_template(
        "dev/message.html",
        item=item,
        message=message,
        text=mailbox.body(message, "plain"),
        has_html=mailbox.body(message, "html") is not None,
        attachments=mailbox.attachments(message),
    )


@bp.get("/<int:message_id>/html")
def html(message_id: int):
    """Serve the HTML body with its cid: images linked to this mailbox."""
    message = mailbox.parse(_raw_or_404(message_id))
    body = mailbox.body(message, "html")
    if body is None:
        abort(404)
    body = mailbox.link_cids(
        body, lambda cid: url_for("devmail.cid", message_id=message_id, cid=cid)
    )
    # Links open outside the frame, like in a mail client.
    body = body.replace("<head>", '<head><base target="_blank">', 1)
    return Response(body, mimetype="text/html", headers={"Content-Security-Policy": _FRAME_CSP})


@bp.get("/<int:message_id>/cid/<path:cid>")
def cid(message_id: int, cid: str):
    """Serve an inline part by its Content-ID."""
    part = mailbox.part_by_cid(mailbox.parse(_raw_or_404(message_id)), cid)
    if part is None:
        abort(404)
    return Response(part.get_payload(decode=True), mimetype=part.get_content_type())


@bp.get("/<int:message_id>/part/<int:index>")
def part(message_id: int, index: int):
    """Download one part of the message."""
    found = mailbox.part_at(mailbox.parse(_raw_or_404(message_id)), index)
    if found is None:
        abort(404)
    filename = found.get_filename() or f"part-{index}"
    return Response(
        found.get_payload(decode=True),
        mimetype=found.get_content_type(),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/<int:message_id>.eml")
def raw(message_id: int):
    """Download the message exactly as it is sent."""
    return Response(
        _raw_or_404(message_id),
        mimetype="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="message-{message_id}.eml"'},
    )
