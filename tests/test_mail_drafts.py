"""Guest mails are queued as drafts and rendered by the worker; stale news is not sent."""

import email
from email import policy

from mail_helpers import deliver
from sqlalchemy import select

from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.registration import service
from eventdesk.registration.models import RegistrationStatus
from eventdesk.tickets.service import reissue_ticket


def _mails(registration) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.registration_id == registration.id)
        .order_by(OutboxMessage.id)
    ))


def _decoded_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    return "\n".join(part.get_content() for part in message.walk()
                     if part.get_content_maintype() == "text")


def _register(event, now, address="ada@example.org"):
    registration = service.register(event, name="Ada", email=address, now=now).registration
    db.session.commit()
    return registration


def test_the_request_queues_a_draft_and_the_worker_renders_it_once(app, make_event, now):
    event = make_event(capacity=5)
    registration = _register(event, now)
    [queued] = _mails(registration)
    assert queued.kind == "confirmed" and queued.raw is None and queued.message_id is None
    assert queued.recipient == "ada@example.org" and "ticket" in queued.subject.lower()

    deliver(app)

    [sent] = _mails(registration)
    assert sent.status == OutboxStatus.SENT and sent.message_id
    text = _decoded_text(sent.raw)
    assert registration.ticket_code in text
    assert registration.manage_token in text
    assert registration.uid in text  # the calendar UID
    assert f"Message-ID: {sent.message_id}".encode() in sent.raw


def test_a_ticket_cancelled_before_sending_is_superseded(app, make_event, now):
    event = make_event(capacity=5)
    registration = _register(event, now)
    service.cancel_registration(registration, now=now)
    db.session.commit()

    deliver(app)

    confirmed, cancelled = _mails(registration)
    assert confirmed.status == OutboxStatus.SUPERSEDED and confirmed.raw is None
    assert "cancelled" in confirmed.last_error
    assert cancelled.status == OutboxStatus.SENT


def test_a_reissued_code_supersedes_the_old_ticket_mail(app, make_event, now):
    event = make_event(capacity=5)
    registration = _register(event, now)
    old_code = registration.ticket_code
    new_code = reissue_ticket(registration, now=now)
    db.session.commit()

    deliver(app)

    first, second = _mails(registration)
    assert first.status == OutboxStatus.SUPERSEDED
    assert second.status == OutboxStatus.SENT
    text = _decoded_text(second.raw)
    assert new_code in text and old_code not in text


def test_waiting_notice_is_skipped_after_promotion_and_ticket_sent(app, make_event, now):
    event = make_event(capacity=1)
    first = _register(event, now)
    waiting = _register(event, now, "bo@example.org")
    assert waiting.status == RegistrationStatus.WAITLISTED
    deliver(app)  # the first guest's ticket and the waiting notice go out
    service.cancel_registration(first, now=now)
    db.session.commit()

    deliver(app)

    notice, ticket = _mails(waiting)
    assert notice.status == OutboxStatus.SENT and notice.kind == "waitlisted"
    assert ticket.kind == "promoted" and ticket.status == OutboxStatus.SENT
    db.session.refresh(waiting)
    assert waiting.ticket_code in _decoded_text(ticket.raw)


def test_no_invite_for_an_event_cancelled_before_sending(app, make_event, now):
    event = make_event(capacity=5)
    registration = _register(event, now)
    event.status = EventStatus.CANCELLED
    db.session.commit()

    deliver(app)

    [ticket] = _mails(registration)
    assert ticket.status == OutboxStatus.SUPERSEDED


def test_a_draft_whose_guest_is_gone_fails_without_blocking_others(app, make_event, now):
    event = make_event(capacity=5)
    gone = _register(event, now)
    kept = _register(event, now, "bo@example.org")
    db.session.delete(gone)
    db.session.commit()

    deliver(app)

    orphan = db.session.scalar(select(OutboxMessage).where(OutboxMessage.registration_id.is_(None)))
    assert orphan.status == OutboxStatus.FAILED and "no longer exists" in orphan.last_error
    [sent] = _mails(kept)
    assert sent.status == OutboxStatus.SENT


def test_an_old_draft_keeping_the_requesting_host_gets_base_url_links(app, make_event, now):
    # Drafts queued before links came from EVENTDESK_BASE_URL alone kept the
    # address of the request, which a forged Host header chose.
    event = make_event(capacity=5)
    registration = _register(event, now)
    token = registration.manage_token
    [queued] = _mails(registration)
    queued.draft = {**queued.draft, "base_url": "http://evil.example"}
    db.session.commit()
    deliver(app)

    [sent] = _mails(registration)
    text = _decoded_text(sent.raw)
    assert f"http://eventdesk.test/r/{token}" in text
    assert "evil.example" not in text


def test_every_kind_of_queued_mail_has_a_renderer(app):
    import re
    from pathlib import Path

    from eventdesk.invitations.mails import INVITATION_KIND, REMINDER_KIND
    from eventdesk.mail.rendering import renderers
    from eventdesk.messages.rendering import TEST_KIND
    from eventdesk.messages.service import MESSAGE_KIND

    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in Path(service.__file__).parent.parent.rglob("*.py"))
    guest_kinds = set(re.findall(r'queue_guest_mail\(\s*\w+,\s*"(\w+)"', source))
    assert {"confirmed", "companion_ticket", "event_cancelled"} <= guest_kinds
    queued = guest_kinds | {INVITATION_KIND, REMINDER_KIND, MESSAGE_KIND, TEST_KIND}
    assert queued - set(renderers()) == set()


def test_invitations_are_drafts_and_a_reminder_after_an_answer_is_not_sent(
    app, make_event, now
):
    from eventdesk.invitations import sending
    from eventdesk.invitations import service as invitations
    from eventdesk.invitations.models import Answer

    event = make_event()
    invitee = invitations.add_invitee(event, name="Ida", email="ida@example.org",
                                      language="en", now=now)
    sending.send_invitations(event, now=now)
    db.session.commit()
    [invitation] = db.session.scalars(select(OutboxMessage)).all()
    assert invitation.kind == "invitation" and invitation.raw is None
    assert invitation.draft == {"invitee": invitee.id}
    assert invitation.subject == f"Invitation: {event.title_en}"

    deliver(app)
    db.session.expire_all()
    assert invitation.status == OutboxStatus.SENT
    assert f"/i/{invitee.token}?say=yes" in _decoded_text(invitation.raw)

    sending.remind_silent(event, key="round-1", now=now)
    db.session.commit()
    invitee.answer = Answer.NO  # answered before the worker got to the reminder
    db.session.commit()
    deliver(app)
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "invitation_reminder")
    ).one()
    assert reminder.status == OutboxStatus.SUPERSEDED and reminder.raw is None
