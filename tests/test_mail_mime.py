"""The mail bytes against the standard library's own generator."""

import io
from datetime import UTC, datetime
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from eventdesk.mail import mime
from eventdesk.mail.address import ASCII_POLICY, UTF8_POLICY, mail_address


class RawHeaderGenerator(BytesGenerator):
    """The generator, writing the fixed part headers unfolded as ``mime`` does."""

    def _write_headers(self, msg):
        for name, value in msg.raw_items():
            self._fp.write(f"{name}: {value}\r\n".encode("ascii"))
        self.write(self._NL)


def reference(*, sender, recipient, subject, message_id, date, body, extra):
    """Build the same mail with EmailMessage and BytesGenerator."""
    utf8 = not (sender.username.isascii() and recipient.username.isascii())
    head = EmailMessage(policy=UTF8_POLICY if utf8 else ASCII_POLICY)
    head["Subject"] = subject
    head["From"] = sender
    head["To"] = recipient
    rest = [f"Date: {format_datetime(date)}", f"Message-ID: {message_id}"]
    rest += [f"{name}: {value}" for name, value in extra.items()] + ["MIME-Version: 1.0"]
    buffer = io.BytesIO()
    generator = RawHeaderGenerator(
        buffer, mangle_from_=False, policy=policy.compat32.clone(linesep="\r\n")
    )
    generator.flatten(body)
    return head.as_bytes()[:-2] + "".join(f"{line}\r\n" for line in rest).encode() + (
        buffer.getvalue()
    )


def body():
    text = "From the organisers: welcome!\nZoë, \"quoted\", =equals=\r\n" + "long " * 40
    html = mime.text_part(f"<p>{text}</p>", "html")
    inline = mime.png_part(b"\x89PNG" + bytes(range(256)) * 3, filename="q.png", cid="<a@b>")
    alternative = mime.multipart(
        "alternative",
        mime.text_part(text, "plain"),
        mime.multipart("related", html, inline),
        mime.text_part("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "calendar", method="REQUEST"),
    )
    attachment = mime.file_part(b"BEGIN:VCALENDAR\r\n", "ics", filename="invite.ics")
    return mime.multipart("mixed", alternative, attachment)


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
def test_compose_writes_what_the_email_package_writes(sender, recipient, subject):
    date = datetime(2027, 1, 10, 15, 30, tzinfo=UTC)
    extra = {"Auto-Submitted": "auto-generated"}
    message = body()
    mail = mime.compose(
        sender=sender, recipient=recipient, subject=subject, message_id="<1.2@example.org>",
        date=date, body=message, extra_headers=extra,
    )
    expected = reference(
        sender=sender, recipient=recipient, subject=subject, message_id="<1.2@example.org>",
        date=date, body=message, extra=extra,
    )
    assert mail.raw == expected
    assert b"\r\nFrom the organisers" in mail.raw  # not mangled into ">From"
    assert b"\n" not in mail.raw.replace(b"\r\n", b"")


def test_part_headers_with_line_breaks_are_refused():
    part = mime.text_part("x", "plain")
    part["X-Note"] = "a\r\nBcc: someone@example.org"
    with pytest.raises(ValueError):
        mime.compose(
            sender=SENDERS[0], recipient=RECIPIENTS[0], subject="s", message_id="<1@x>",
            date=datetime(2027, 1, 10, tzinfo=UTC), body=part,
        )


PLAIN_AND_NEAR_PLAIN = [
    ("Gast 12 de Vries", "gast12@example.org"),
    ("", "x@example.org"),
    ("Jan", "jan.de_vries+tag@mail.example.co.uk"),
    ("Jan  Jansen", "jan@example.org"),  # two spaces
    ("Jan Jansen ", "jan@example.org"),
    ("Jan Jansen Jr.", "jan@example.org"),
    ("From", "from@example.org"),
    ("Anne-Marie", "am@example.org"),
    ("Zoë", "zoe@example.org"),
    ("O'Brien", "ob@example.org"),
    ("A " * 40, "a@example.org"),  # longer than a line
    ("Name", "first..last@example.org"),
    ("Name", ".dot@example.org"),
    ("Name", "user@[127.0.0.1]"),
    ("Name", "us\"er@example.org"),
    ("Name", "ĳ@example.org"),
]


@pytest.mark.parametrize(("name", "address"), PLAIN_AND_NEAR_PLAIN)
@pytest.mark.parametrize("utf8", [False, True])
def test_address_header_is_the_registrys(name, address, utf8):
    local, _, domain = address.rpartition("@")
    recipient = Address(name, local, domain)
    assert mime._address_header("To", recipient, utf8) == mime._header("To", recipient, utf8)
