"""Invitation mail through a real SMTP server, its yes/no links, plus-ones and reminders."""

import email
import io
import re
import socket
import threading
from email import policy
from urllib.parse import urlsplit

import pytest
import zxingcpp
from aiosmtpd.controller import Controller
from backoffice import login, make_user
from PIL import Image
from sqlalchemy import func, select

from eventdesk.auth.models import Role
from eventdesk.db import db
from eventdesk.invitations import service
from eventdesk.invitations.models import Answer, Invitee, ReminderSent
from eventdesk.mail.models import OutboxMessage
from eventdesk.mail.transport import SmtpTransport, parse_smtp_url
from eventdesk.mail.worker import WorkerSettings, deliver_batch
from eventdesk.registration.models import Registration, RegistrationStatus

# The confirmation page's answer: irreversible actions ask first.
YES = {"confirmed": "yes"}


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                email.message_from_bytes(envelope.original_content, policy=policy.default)
            )
        return "250 Message accepted for delivery"

    def take(self) -> list[email.message.EmailMessage]:
        with self.lock:
            taken, self.messages = self.messages, []
        return taken


@pytest.fixture
def smtp():
    """Run an SMTP server on a free loopback port; yield its inbox and URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}?timeout=10"
    controller.stop()


def deliver(app, smtp_url: str) -> int:
    """Send everything in the outbox to the test SMTP server."""
    transport = SmtpTransport(parse_smtp_url(smtp_url), app.config["MAIL_FROM"])
    sent = 0
    try:
        while True:
            result = deliver_batch(transport, settings=WorkerSettings())
            sent += result.sent
            if not result.claimed:
                return sent
    finally:
        transport.close()


def plain_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link(message, say: str) -> str:
    """Return the path of the yes or no link in the plain-text part."""
    match = re.search(r"(http\S+\?say=" + say + r")\S*", plain_text(message))
    assert match, f"no {say!r} link in mail:\n{plain_text(message)}"
    parts = urlsplit(match.group(1))
    return parts.path + "?" + parts.query


def ticket_qr(message) -> str:
    """Decode the QR image attached as ticket.png."""
    for part in message.walk():
        if part.get_filename() == "ticket.png":
            image = Image.open(io.BytesIO(part.get_content()))
            results = zxingcpp.read_barcodes(image)
            assert len(results) == 1
            return results[0].text
    raise AssertionError("no ticket.png in mail")


def invite(event, now, **people):
    """Invite people given as key=(name, email, organisation, language, extra guests)."""
    made = {}
    for key, (name, address, organisation, language, extra) in people.items():
        made[key] = service.add_invitee(
            event, name=name, email=address, organisation=organisation, language=language,
            extra_guests=extra, now=now,
        )
    db.session.commit()
    return made


@pytest.fixture
def organiser(client):
    user = make_user(Role.ORGANISER, "organiser@example.org")
    login(client, user)
    return user


def test_invitation_mail_yes_with_plus_one_and_no(app, client, smtp, make_event, now, organiser):
    inbox, smtp_url = smtp
    event = make_event(capacity=50)
    invite(
        event, now,
        anna=("Anna de Vries", "anna@staal.example", "Staal BV", "nl", 1),
        bob=("Bob Smith", "bob@port.example", "Port Ltd", "en", 0),
    )
    response = client.post(f"/organiser/events/{event.slug}/invitations/send", data=YES)
    assert response.status_code == 302
    assert deliver(app, smtp_url) == 2
    mails = {message["To"].addresses[0].addr_spec: message for message in inbox.take()}
    anna_mail, bob_mail = mails["anna@staal.example"], mails["bob@port.example"]
    # Each in the invitee's language: the date is written the Dutch or the English way.
    assert 'lang="nl"' in anna_mail.get_body(("html",)).get_content()
    assert 'lang="en"' in bob_mail.get_body(("html",)).get_content()
    assert bob_mail["Subject"].startswith("Invitation:")
    assert re.search(r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)",
                     plain_text(anna_mail))

    # Anna says yes and brings a guest without an address of their own.
    yes_path = link(anna_mail, "yes")
    page = client.get(yes_path)
    assert page.status_code == 200 and 'value="Anna de Vries"' in page.get_data(as_text=True)
    token_path = yes_path.split("?")[0]
    question = event.questions[0]
    response = client.post(token_path + "/yes", data={
        "name": "Anna de Vries", "organisation": "Staal BV", f"q_{question.id}": "yes",
        "companion_1_name": "Karel de Vries", "companion_1_email": "",
    })
    assert response.status_code == 302
    registrations = list(db.session.scalars(select(Registration).order_by(Registration.id)))
    guest, companion = registrations
    assert guest.status == companion.status == RegistrationStatus.CONFIRMED
    assert companion.companion_of_id == guest.id and companion.name == "Karel de Vries"
    db.session.refresh(event)
    assert event.confirmed_count == 2

    assert deliver(app, smtp_url) == 2
    tickets = inbox.take()
    assert all(m["To"].addresses[0].addr_spec == "anna@staal.example" for m in tickets)
    codes = {ticket_qr(message) for message in tickets}
    assert codes == {guest.ticket_code, companion.ticket_code} and len(codes) == 2

    # Bob says no, with a message.
    no_path = link(bob_mail, "no")
    assert client.get(no_path).status_code == 200
    response = client.post(no_path.split("?")[0] + "/no", data={"message": "Op vakantie"})
    assert response.status_code == 302
    bob = db.session.scalar(select(Invitee).where(Invitee.email == "bob@port.example"))
    assert bob.answer == Answer.NO and bob.decline_message == "Op vakantie"

    # Anna changes her mind through the same link: both seats come free.
    response = client.post(token_path + "/no", data={"message": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(Registration))} == {
        RegistrationStatus.CANCELLED
    }
    assert db.session.get(type(event), event.id).confirmed_count == 0
    # ...and back to yes, now alone.
    response = client.post(token_path + "/yes", data={
        "name": "Anna de Vries", "organisation": "Staal BV", f"q_{question.id}": "no",
    })
    assert response.status_code == 302
    db.session.expire_all()
    anna = db.session.scalar(select(Invitee).where(Invitee.email == "anna@staal.example"))
    assert anna.answer == Answer.YES
    assert anna.registration.status == RegistrationStatus.CONFIRMED

    page = client.get(f"/organiser/events/{event.slug}/invitations/")
    html = page.get_data(as_text=True)
    assert re.search(r'data-count="accepted">1<', html)
    assert re.search(r'data-count="declined">1<', html)


def test_reminders_go_to_the_silent_only_once_per_round(
    app, client, smtp, make_event, now, organiser
):
    inbox, smtp_url = smtp
    event = make_event()
    people = invite(
        event, now,
        yes=("Yara", "yara@example.org", "A", "en", 0),
        no=("Noah", "noah@example.org", "A", "en", 0),
        silent=("Sam", "sam@example.org", "B", "nl", 0),
    )
    base = f"/organiser/events/{event.slug}/invitations"
    client.post(f"{base}/send", data=YES)
    assert deliver(app, smtp_url) == 3
    inbox.take()
    question = event.questions[0]
    client.post(f"/i/{people['yes'].token}/yes",
                data={"name": "Yara", f"q_{question.id}": "yes"})
    client.post(f"/i/{people['no'].token}/no", data={})
    # Invited after the invitations went out: not sent yet, so not reminded either.
    invite(event, now, late=("Lena", "lena@example.org", "B", "nl", 0))
    deliver(app, smtp_url)
    inbox.take()

    assert client.post(f"{base}/remind", data={**YES, "key": "round-1"}).status_code == 302
    assert client.post(f"{base}/remind", data={**YES, "key": "round-1"}).status_code == 302  # again
    assert deliver(app, smtp_url) == 1
    (reminder,) = inbox.take()
    assert reminder["To"].addresses[0].addr_spec == "sam@example.org"
    assert link(reminder, "yes").startswith(f"/i/{people['silent'].token}")

    client.post(f"{base}/remind", data={**YES, "key": "round-2"})
    assert deliver(app, smtp_url) == 1 and inbox.take()[0]["To"].addresses[0].username == "sam"
    client.post(f"/i/{people['silent'].token}/no", data={})
    client.post(f"{base}/remind", data={**YES, "key": "round-3"})
    assert deliver(app, smtp_url) == 0
    logged = db.session.scalar(select(func.count()).select_from(ReminderSent))
    assert logged == 2


def test_capacity_counts_companions(app, client, make_event, now):
    event = make_event(capacity=4)
    people = invite(
        event, now,
        a=("Ank", "ank@example.org", "", "nl", 2),
        b=("Bas", "bas@example.org", "", "en", 1),
        c=("Cor", "cor@example.org", "", "nl", 0),
    )
    question = event.questions[0]
    answer = {f"q_{question.id}": "yes"}
    response = client.post(f"/i/{people['a'].token}/yes", data={
        "name": "Ank", **answer, "companion_1_name": "Ank's partner",
        "companion_2_name": "Ank's colleague", "companion_2_email": "colleague@example.org",
    })
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.confirmed_count == 3
    # The companion with an address gets their own ticket; the other one goes to Ank.
    tickets = dict(db.session.execute(
        select(OutboxMessage.recipient, func.count())
        .where(OutboxMessage.kind.in_(["confirmed", "companion_ticket"]))
        .group_by(OutboxMessage.recipient)
    ).all())
    assert tickets == {"ank@example.org": 2, "colleague@example.org": 1}

    # Bas and his guest need two seats; one is left.
    response = client.post(f"/i/{people['b'].token}/yes", data={
        "name": "Bas", **answer, "companion_1_name": "Bas's guest",
    })
    assert response.status_code == 409
    # (The page speaks Anna's language: the same browser opened her link first.)
    assert 'id="form-errors"' in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.confirmed_count == 3
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3

    assert client.post(f"/i/{people['b'].token}/yes",
                       data={"name": "Bas", **answer}).status_code == 302
    db.session.refresh(event)
    assert event.confirmed_count == 4 and event.seats_left == 0
    # The event is full: Cor goes on the waiting list.
    client.post(f"/i/{people['c'].token}/yes", data={"name": "Cor", **answer})
    cor = db.session.scalar(select(Registration).where(Registration.email == "cor@example.org"))
    assert cor.status == RegistrationStatus.WAITLISTED

    # The attendee export can mark invited guests and whom companions came with.
    from eventdesk.invitations.export import invitation_cells

    cells = invitation_cells(event)
    by_name = {r.name: cells.get(r.id) for r in db.session.scalars(select(Registration))}
    assert by_name["Ank"] == ("yes", "") and by_name["Cor"] == ("yes", "")
    assert by_name["Ank's partner"] == by_name["Ank's colleague"] == ("", "Ank")


def test_guests_with_companions_racing_for_the_last_seats_never_overbook(app, make_event, now):
    event = make_event(capacity=5)
    people = invite(event, now, **{
        f"p{n}": (f"Guest {n}", f"guest{n}@example.org", "", "en", 1) for n in range(6)
    })
    tokens = [invitee.token for invitee in people.values()]
    question = f"q_{event.questions[0].id}"
    db.session.commit()  # on SQLite this thread must not hold the write lock
    start = threading.Barrier(len(tokens))

    def answer(token: str) -> int:
        client = app.test_client()
        start.wait(timeout=30)
        return client.post(f"/i/{token}/yes", data={
            "name": "Guest", question: "yes", "companion_1_name": "Plus one",
        }).status_code

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        statuses = list(pool.map(answer, tokens))

    assert set(statuses) <= {302, 409} and 500 not in statuses
    db.session.expire_all()
    confirmed = db.session.scalar(select(func.count()).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED))
    assert event.confirmed_count == confirmed <= 5
    # Two pairs fit; the fifth seat is left for someone alone, or a pair went to the list.
    assert confirmed >= 4
    companions = db.session.scalars(
        select(Registration).where(Registration.companion_of_id.is_not(None))).all()
    guests = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.companion_of_id.is_(None)))}
    for companion in companions:
        assert companion.status == guests[companion.companion_of_id].status
