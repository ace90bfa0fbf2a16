"""Messages to guests: the reminder, chosen audiences, opt-outs, cancelling and erasure.

Mail goes to a real SMTP server on loopback; time is an injected clock.
"""

import io
import threading
from datetime import timedelta

import pytest
import zxingcpp
from backoffice import add_guest, login, make_user
from mail_helpers import parts_by_type
from PIL import Image
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.db import db, utcnow
from eventdesk.invitations.models import Answer, Invitee
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.mail.optout import MessageOptOut, opt_out_url
from eventdesk.mail.transport import make_transport
from eventdesk.mail.worker import WorkerSettings, deliver_batch
from eventdesk.messages import schedule, service
from eventdesk.messages.audience import Filter, select_guests
from eventdesk.messages.commands import message_command
from eventdesk.messages.models import (
    Audience,
    BatchKind,
    GuestMessage,
    MessageBatch,
)
from eventdesk.organiser.privacy import erase_registration
from eventdesk.registration.models import RegistrationStatus


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "SMTP_URL": smtp.url}


def worker_pass(app, now) -> None:
    """Do what one worker pass does at the moment ``now``: queue what is due, then send."""
    schedule.queue_due(now=now)
    transport = make_transport(app.config)
    try:
        while deliver_batch(transport, settings=WorkerSettings(batch_size=20),
                            now=lambda: now).claimed:
            pass
    finally:
        transport.close()


def guests_of(event):
    """Add the usual mix of guests; return them by name."""
    made = {
        "ada": add_guest(event, "Ada", "ada@example.org", organisation="Acme",
                         answers={str(event.questions[0].id): "yes"}),
        "bob": add_guest(event, "Bob", "bob@example.org", organisation="Other",
                         answers={str(event.questions[0].id): "no"}),
        "cas": add_guest(event, "Cas", "cas@example.org", organisation="acme "),
        "wait": add_guest(event, "Wim", "wim@example.org",
                          status=RegistrationStatus.WAITLISTED, organisation="Acme"),
        "pending": add_guest(event, "Pia", "pia@example.org",
                             status=RegistrationStatus.PENDING, organisation="Acme"),
        "gone": add_guest(event, "Gus", "gus@example.org",
                          status=RegistrationStatus.CANCELLED, organisation="Acme"),
    }
    made["bob"].language = "en"
    made["ada"].checked_in_at = utcnow()
    made["gone"].checked_in_at = utcnow()
    db.session.commit()
    return made


def received_by(smtp) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in smtp.received:
        for address in item.rcpt_tos:
            found.setdefault(address, []).append(item.message)
    return found


def test_reminder_leaves_at_its_time_once_per_confirmed_guest(app, smtp, make_event, now):
    event = make_event(starts_at=now + timedelta(hours=30), ends_at=now + timedelta(hours=33))
    schedule.save_reminder_setting(event, enabled=True, hours_before=24,
                                   note_nl="Parkeren bij de achteringang.",
                                   note_en="Parking at the back entrance.")
    db.session.commit()
    guests = guests_of(event)

    worker_pass(app, now)  # 30 hours before: not yet
    assert smtp.received == []
    later = now + timedelta(hours=6, minutes=1)
    worker_pass(app, later)
    worker_pass(app, later + timedelta(minutes=5))  # the worker again, as after a restart
    mail = received_by(smtp)
    assert sorted(mail) == ["ada@example.org", "bob@example.org", "cas@example.org"]
    assert all(len(copies) == 1 for copies in mail.values())

    bob = mail["bob@example.org"][0]
    assert bob["Subject"].startswith("Reminder: Event")
    assert "Parking at the back entrance." in bob.get_body(("plain",)).get_content()
    assert "List-Unsubscribe" not in bob  # a reminder is essential
    parts = parts_by_type(bob)
    assert parts["text/calendar"] and any(
        part.get_filename() == "invite.ics" for part in bob.iter_attachments())
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(parts["image/png"][0].get_content())))
    db.session.refresh(guests["bob"])
    assert [result.text for result in decoded] == [guests["bob"].ticket_code]
    ada = mail["ada@example.org"][0]
    assert "Parkeren bij de achteringang." in ada.get_body(("plain",)).get_content()
    assert ada["Subject"].startswith("Herinnering")


def test_reminder_switched_off_sends_nothing(app, smtp, make_event, now):
    event = make_event(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=3))
    schedule.save_reminder_setting(event, enabled=False, hours_before=24, note_nl="",
                                   note_en="")
    db.session.commit()
    guests_of(event)
    worker_pass(app, now)
    assert smtp.received == []


def test_two_workers_at_once_send_each_reminder_once(app, smtp, make_event, now):
    event = make_event(starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=6))
    for number in range(30):
        add_guest(event, f"Guest {number}", f"guest{number}@example.org")
    # And a message set for a time that has come: also queued once.
    service.create_batch(event, key="set", now=now, kind=BatchKind.UPDATE,
                         audience=Audience.CONFIRMED, subject_nl="Programma",
                         body_nl="Nieuw", send_at=now - timedelta(minutes=1))
    db.session.commit()
    start = threading.Barrier(2)
    failures = []

    def work() -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                for _ in range(3):
                    worker_pass(app, now)
            except Exception as error:  # reported below, not lost in the thread
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    mail = received_by(smtp)
    assert len(mail) == 30
    assert all(sorted(m["Subject"][:9] for m in copies) == ["Herinneri", "Programma"]
               for copies in mail.values())
    assert db.session.scalar(select(func.count()).select_from(MessageBatch)) == 2


def test_a_batch_cannot_hold_a_guest_twice(app, make_event, now):
    event = make_event()
    guest = add_guest(event, "Ada", "ada@example.org")
    batch = service.create_batch(event, key="k", now=now, kind=BatchKind.UPDATE,
                                 audience=Audience.CONFIRMED, subject_nl="A", body_nl="B",
                                 send_at=now)
    assert service.queue_batch(batch, now=now) == 1
    assert service.queue_batch(batch, now=now) == 0  # queued already
    db.session.commit()
    db.session.add(GuestMessage(batch_id=batch.id, registration_id=guest.id))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_audiences_select_exactly_the_chosen_guests(app, make_event, now):
    event = make_event()
    guests = guests_of(event)
    question = event.questions[0].id
    silent = Invitee(event_id=event.id, name="Ivo", email="ivo@example.org",
                     email_normalized="ivo@example.org", organisation="Acme", invited_at=now)
    answered = Invitee(event_id=event.id, name="Ina", email="ina@example.org",
                       email_normalized="ina@example.org", invited_at=now, answer=Answer.YES)
    uninvited = Invitee(event_id=event.id, name="Iris", email="iris@example.org",
                        email_normalized="iris@example.org")
    db.session.add_all([silent, answered, uninvited])
    db.session.commit()

    def names(**chosen):
        return [guest.name for guest in select_guests(event, Filter(**chosen))]

    assert names(audience=Audience.CONFIRMED) == ["Ada", "Bob", "Cas"]
    assert names(audience=Audience.WAITLISTED) == ["Wim"]
    assert names(audience=Audience.CHECKED_IN) == ["Ada"]
    assert names(audience=Audience.NOT_CHECKED_IN) == ["Bob", "Cas"]
    assert names(audience=Audience.INVITEES_SILENT) == ["Ivo"]
    assert names(audience=Audience.CONFIRMED, organisation="ACME") == ["Ada", "Cas"]
    assert names(audience=Audience.CONFIRMED, question_id=question, answer="no") == ["Bob"]
    assert names(audience=Audience.WAITLISTED, organisation="Other") == []
    assert guests["pending"].name not in names(audience=Audience.CONFIRMED)


def compose(client, **fields):
    data = {"key": fields.pop("key", "key-1"), "kind": "update", "audience": "confirmed",
            "language": "", "subject_nl": "", "body_nl": "", "subject_en": "", "body_en": "",
            "organisation": "", "answer_filter": "", "link": "", "send_at": "",
            "action": "send", **fields}
    return client.post(f"/organiser/events/{fields.pop('slug', 'event-1')}/messages/new",
                       data=data)


def test_thanks_to_checked_in_guests_in_their_language_with_placeholders(
        app, client, smtp, make_event, now):
    event = make_event(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=1))
    guests = guests_of(event)
    guests["bob"].checked_in_at = now
    db.session.commit()
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    response = compose(client, kind="thanks", audience="checked_in",
                       subject_nl="Bedankt {name}", body_nl="Dag {name}, [je pagina]({manage_link})"
                       " <script>alert(1)</script>",
                       subject_en="Thank you {name}", body_en="Hi **{name}**: {manage_link}",
                       link="https://example.org/slides",
                       attachment=(io.BytesIO(b"%PDF-1.4 slides"), "slides.pdf",
                                   "application/pdf; x-evil=\"1\""))
    assert response.status_code == 302
    worker_pass(app, utcnow())
    mail = received_by(smtp)
    assert sorted(mail) == ["ada@example.org", "bob@example.org"]
    ada, bob = mail["ada@example.org"][0], mail["bob@example.org"][0]
    assert ada["Subject"] == "Bedankt Ada" and bob["Subject"] == "Thank you Bob"
    assert ada["Content-Language"] == "nl" and bob["Content-Language"] == "en"
    html = ada.get_body(("html",)).get_content()
    manage = f"http://eventdesk.test/r/{guests['ada'].manage_token}"
    assert f'href="{manage}"' in html
    assert "<script>" not in html and "https://example.org/slides" in html
    assert "<strong>Bob</strong>" in bob.get_body(("html",)).get_content()
    attached = [part for part in ada.iter_attachments() if part.get_filename() == "slides.pdf"]
    assert [part.get_content() for part in attached] == [b"%PDF-1.4 slides"]
    assert "x-evil" not in ada.as_string()
    # A thank-you may be declined: RFC 8058 headers pointing at the signed link.
    assert bob["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert bob["List-Unsubscribe"].startswith("<http://eventdesk.test/messages/opt-out/")


def test_one_click_opt_out_stops_thanks_but_not_reminders(app, client, smtp, make_event, now):
    app.config["WTF_CSRF_ENABLED"] = True
    event = make_event(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=1))
    guests = guests_of(event)
    first = service.create_batch(event, key="a", now=now, kind=BatchKind.THANKS,
                                 audience=Audience.CONFIRMED, subject_nl="Dank",
                                 body_nl="Dank je", send_at=now)
    service.queue_batch(first, now=now)
    db.session.commit()
    worker_pass(app, now)
    bob = received_by(smtp)["bob@example.org"][0]
    link = bob["List-Unsubscribe"].strip("<>").removeprefix("http://eventdesk.test")

    forged = client.post(link[:-3] + "abc", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 404
    # A mail program's one-click POST: no cookie, no CSRF token, only the signed link.
    answer = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert db.session.scalar(select(MessageOptOut.email_normalized)) == "bob@example.org"

    smtp.handler.received.clear()
    second = service.create_batch(event, key="b", now=now, kind=BatchKind.THANKS,
                                  audience=Audience.CONFIRMED, subject_nl="Nog eens",
                                  body_nl="Foto's", send_at=now)
    service.queue_batch(second, now=now)
    update = service.create_batch(event, key="c", now=now, kind=BatchKind.UPDATE,
                                  audience=Audience.CONFIRMED, subject_nl="Nieuws",
                                  body_nl="Het programma", send_at=now)
    service.queue_batch(update, now=now)
    db.session.commit()
    worker_pass(app, now)
    subjects = {address: [m["Subject"] for m in copies]
                for address, copies in received_by(smtp).items()}
    assert subjects["bob@example.org"] == ["News"] or subjects["bob@example.org"] == ["Nieuws"]
    assert sorted(subjects["ada@example.org"]) == ["Nieuws", "Nog eens"]
    del guests


def test_cancelled_batches_send_nothing(app, client, smtp, make_event, now):
    event = make_event()
    guests_of(event)
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    later = (now + timedelta(days=2)).astimezone(event.zone).strftime("%Y-%m-%dT%H:%M")
    assert compose(client, key="s", subject_nl="Later", body_nl="Tekst",
                   send_at=later).status_code == 302
    assert compose(client, key="q", subject_nl="Nu", body_nl="Tekst").status_code == 302
    scheduled, queued = db.session.scalars(select(MessageBatch).order_by(MessageBatch.id)).all()
    assert queued.recipients == 3 and scheduled.recipients == 0
    for batch in (scheduled, queued):
        assert client.post(f"/organiser/events/{event.slug}/messages/{batch.id}/cancel"
                           ).status_code == 302
    worker_pass(app, now + timedelta(days=3))
    assert smtp.received == []
    assert service.counts([queued.id])[queued.id] == service.Counts(stopped=3)
    page = client.get(f"/organiser/events/{event.slug}/messages/").get_data(as_text=True)
    assert "Geannuleerd" in page or "Cancelled" in page


def test_bad_input_sends_nothing(app, client, smtp, make_event, now):
    event = make_event()
    guests_of(event)
    login(client, make_user(Role.ORGANISER, "org@example.org"))
    past = (now - timedelta(hours=1)).astimezone(event.zone).strftime("%Y-%m-%dT%H:%M")
    assert compose(client, subject_nl="", body_nl="Tekst").status_code == 400
    assert compose(client, subject_nl="Onderwerp", body_nl="x" * 1_000_000).status_code == 400
    assert compose(client, subject_nl="Hoi", body_nl="Tekst", send_at=past).status_code == 400
    assert compose(client, subject_nl="Hoi", body_nl="Tekst",
                   organisation="Nobody Inc").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(MessageBatch)) == 0
    # A double click: the same compose page twice is one message.
    assert compose(client, key="same", subject_nl="Hoi", body_nl="Tekst").status_code == 302
    assert compose(client, key="same", subject_nl="Hoi", body_nl="Tekst").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(GuestMessage)) == 3


def test_preview_count_and_test_message_to_the_organiser(app, client, smtp, make_event, now):
    event = make_event()
    guests = guests_of(event)
    organiser = make_user(Role.ORGANISER, "planner@example.org", all_events=True)
    login(client, organiser)
    page = compose(client, action="preview", subject_nl="Hoi {name}", body_nl="Beste {name}",
                   subject_en="Hi {name}", body_en="Dear {name}",
                   preview_guest=str(guests["bob"].id))
    text = page.get_data(as_text=True)
    assert 'data-recipients="3"' in text and "Dear Bob" in text and "Hi Bob" in text
    compose(client, action="test", subject_nl="Hoi {name}", body_nl="Beste {name}",
            preview_guest=str(guests["cas"].id))
    assert db.session.scalar(select(func.count()).select_from(MessageBatch)) == 0
    worker_pass(app, utcnow())
    assert [item.rcpt_tos for item in smtp.received] == [["planner@example.org"]]
    assert smtp.received[0].message["Subject"] == "Test: Hoi Cas"


def test_attendee_page_lists_messages_and_erasure_removes_them(app, client, smtp, make_event,
                                                                now):
    event = make_event(starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=1))
    guests = guests_of(event)
    batch = service.create_batch(event, key="a", now=now, kind=BatchKind.THANKS,
                                 audience=Audience.CHECKED_IN, subject_nl="Bedankt voor je komst",
                                 body_nl="Tot de volgende keer", send_at=now)
    service.queue_batch(batch, now=now)
    service.opt_out(event, "ada@example.org", now=now)
    db.session.commit()
    db.session.execute(select(OutboxMessage))
    worker_pass(app, now)
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    page = client.get(f"/organiser/events/{event.slug}/attendees/{guests['ada'].id}")
    assert "Bedankt voor je komst" in page.get_data(as_text=True)

    erase_registration(guests["ada"], now=now)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(GuestMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(MessageOptOut)) == 0
    assert db.session.scalar(select(func.count()).where(
        OutboxMessage.registration_id == guests["ada"].id)) == 0
    assert OutboxStatus.SENT  # the message itself was sent before it was erased


def test_message_command_queues_to_the_chosen_guests(app, smtp, make_event, now, tmp_path):
    event = make_event()
    guests_of(event)
    body = tmp_path / "body.md"
    body.write_text("Beste {name}, de zaal is verplaatst.", encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(message_command, [event.slug, "--to", "not_checked_in", "--subject",
                              "Nieuwe zaal", "--body-file", str(body), "--dry-run"])
    assert dry.exit_code == 0 and "2 guest(s)" in dry.output
    assert db.session.scalar(select(func.count()).select_from(MessageBatch)) == 0
    nobody = runner.invoke(message_command, [event.slug, "--to", "confirmed", "--subject", "X",
                                 "--body-file", str(body), "--organisation", "Nobody"])
    assert nobody.exit_code != 0 and "nothing was sent" in nobody.output
    done = runner.invoke(message_command, [event.slug, "--to", "not_checked_in", "--subject",
                               "Nieuwe zaal", "--body-file", str(body)])
    assert done.exit_code == 0, done.output
    worker_pass(app, utcnow())
    mail = received_by(smtp)
    assert sorted(mail) == ["bob@example.org", "cas@example.org"]
    assert "Beste Cas, de zaal" in mail["cas@example.org"][0].get_body(("plain",)).get_content()


def test_a_guest_who_cancels_after_queueing_gets_nothing(app, client, smtp, make_event, now):
    event = make_event()
    guests = guests_of(event)
    batch = service.create_batch(event, key="a", now=now, kind=BatchKind.UPDATE,
                                 audience=Audience.CONFIRMED, subject_nl="Nieuws",
                                 body_nl="Tekst", send_at=now)
    service.queue_batch(batch, now=now)
    guests["cas"].status = RegistrationStatus.CANCELLED
    db.session.commit()
    worker_pass(app, now)
    assert sorted(received_by(smtp)) == ["ada@example.org", "bob@example.org"]
    assert service.counts([batch.id])[batch.id] == service.Counts(sent=2, stopped=1)
    # The opt-out page itself, for a guest who follows the link in a browser.
    link = opt_out_url(event.id, "ada@example.org")
    page = client.get(link.removeprefix("http://eventdesk.test"))
    assert page.status_code == 200 and "Geen berichten meer" in page.get_data(as_text=True)
    assert client.get("/messages/opt-out/forged").status_code == 404
