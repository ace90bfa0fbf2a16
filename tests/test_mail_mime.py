"""The one MIME composer: what it writes reads back as what it was given."""

import email
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address

import pytest

from eventdesk.mail import mime
from eventdesk.mail.address import mail_address

PNG = b"\x89PNG" + bytes(range(256)) * 3
ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
TEXT = "From the organisers: welcome!\nZoë, \"quoted\", =equals=\r\n" + "long " * 40
DATE = datetime(2027, 1, 10, 15, 30, tzinfo=UTC)


def ticket_shaped(sender, recipient, subject, **overrides):
    values = dict(
        sender=sender, recipient=recipient, subject=subject, message_id="<1.2@example.org>",
        date=DATE, text=TEXT, html=f"<p>{TEXT}</p><img src=\"cid:qr@example.org\">",
        inline_image=mime.InlineImage(PNG, "image/png", "<qr@example.org>", "ticket-qr.png"),
        invite=mime.CalendarInvite(ICS, "REQUEST"),
        attachments=[mime.Attachment(PNG, "image/png", "ticket.png"),
                     mime.Attachment(ICS, "application/ics", "invite.ics")],
        reply_to=mail_address("Marieke Bakker", "marieke@techport.example.org"),
        headers={"Auto-Submitted": "auto-generated", "Content-Language": "nl"},
    )
    values.update(overrides)
    return mime.compose(**values)


def lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").rstrip("\n").split("\n")


def read_back(raw: bytes):
    if not raw.isascii():
        return email.message_from_string(raw.decode("utf-8"), policy=policy.default)
    return email.message_from_bytes(raw, policy=policy.default)


SENDERS = [
    mail_address("Techport", "events@techport.example.org"),
    mail_address("Stichting \"Techport\", IJmuiden", "info@techport.example.org"),
]
RECIPIENTS = [
    mail_address("Zoë de Vries", "zoe@example.org"),
    mail_address("Jan, Jansen (sr.) " + "van der Berg " * 8, "jan@example.org"),
    mail_address("Ĳsbrand", "ĳsbrand@例え.jp"),  # SMTPUTF8
    Address("", "plain", "example.org"),
]
SUBJECTS = ["Your ticket", "Je ticket voor 10 jaar Techport ✓ " + "lang " * 20]


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("recipient", RECIPIENTS)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_ticket_shaped_mail_reads_back_as_given(sender, recipient, subject):
    mail = ticket_shaped(sender, recipient, subject)
    assert mail.recipient == recipient.addr_spec and mail.subject == subject
    # 8-bit headers only where the SMTP server must be told SMTPUTF8.
    assert mail.raw.isascii() == recipient.username.isascii()
    assert b"\n" not in mail.raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 998 for line in mail.raw.split(b"\r\n"))
    assert b"\r\nFrom the organisers" in mail.raw  # not mangled into ">From"
    assert mail.raw.count(b"MIME-Version") == 1

    message = read_back(mail.raw)
    assert message["Subject"] == subject
    assert message["Message-ID"] == "<1.2@example.org>"
    assert message["Date"].datetime == DATE
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "nl"
    (sent_from,) = message["From"].addresses
    assert (sent_from.display_name, sent_from.addr_spec) == (sender.display_name, sender.addr_spec)
    (to,) = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (recipient.display_name, recipient.addr_spec)
    assert message["Reply-To"].addresses[0].addr_spec == "marieke@techport.example.org"

    assert message.get_content_type() == "multipart/mixed"
    alternative, png, ics = message.get_payload()
    plain, related, calendar = alternative.get_payload()
    assert [plain.get_content_type(), related.get_content_type(), calendar.get_content_type()] \
        == ["text/plain", "multipart/related", "text/calendar"]
    assert lines(plain.get_content()) == lines(TEXT)
    html, inline = related.get_payload()
    assert related.get_param("type") == "text/html"
    assert html.get_content().startswith("<p>From the organisers")
    assert inline["Content-ID"] == "<qr@example.org>"
    assert inline.get_content_disposition() == "inline" and inline.get_content() == PNG
    assert calendar.get_param("method") == "REQUEST"
    assert lines(calendar.get_content()) == lines(ICS.decode())
    assert (png.get_filename(), png.get_content_disposition(), png.get_content()) == (
        "ticket.png", "attachment", PNG)
    assert (ics.get_content_type(), ics.get_filename(), ics.get_content()) == (
        "application/ics", "invite.ics", ICS)


def test_a_plain_mail_is_text_and_html_only():
    mail = mime.compose(
        sender=SENDERS[0], recipient=RECIPIENTS[0], subject="Hallo", message_id="<1@x>",
        date=DATE, text="Hallo", html="<p>Hallo</p>",
    )
    message = read_back(mail.raw)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.get_payload()] == [
        "text/plain", "text/html"]


def test_header_values_with_line_breaks_are_refused():
    with pytest.raises(ValueError):
        ticket_shaped(SENDERS[0], RECIPIENTS[0], "s",
                      headers={"X-Note": "a\r\nBcc: someone@example.org"})


def test_a_subject_with_a_line_break_is_sent_on_one_line():
    mail = ticket_shaped(SENDERS[0], RECIPIENTS[0], "Jubilee\r\nBcc: someone@example.org")
    message = read_back(mail.raw)
    assert message["Subject"] == "Jubilee Bcc: someone@example.org"
    assert message["Bcc"] is None


def test_a_container_type_is_attached_as_plain_bytes():
    mail = ticket_shaped(SENDERS[0], RECIPIENTS[0], "s", attachments=[
        mime.Attachment(b"--x--", "multipart/mixed", "odd.bin")])
    attachment = read_back(mail.raw).get_payload()[-1]
    assert attachment.get_content_type() == "application/octet-stream"
    assert attachment.get_content() == b"--x--"
