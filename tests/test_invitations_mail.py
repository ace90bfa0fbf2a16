"""The quick invitation writer produces the same mail as the full composer."""

import email
from email import policy

import pytest
from flask_babel import force_locale

from eventdesk.db import db
from eventdesk.invitations import service
from eventdesk.invitations.mails import InvitationMails
from eventdesk.mail import mime
from eventdesk.mail.address import mail_address


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("Jürgen Ødegård", "jurgen@staal.example"),
        ('Dr. "Bob" O\'Neil, PhD', "bob@port.example"),
        ("Zoë" + " van der Long-Name" * 10, "long@example.org"),
        ("Café Crème", "info@café.example"),
    ],
    ids=["non-ascii", "specials", "long", "idna-domain"],
)
def test_fast_path_reads_back_like_the_composer(app, make_event, now, name, address):
    event = make_event(title_en="Ten years of Techport — jubilee")
    invitee = service.add_invitee(event, name=name, email=address, language="en",
                                  extra_guests=2, now=now)
    db.session.commit()
    raw = InvitationMails(event, reminder=False, now=now).build(invitee).raw
    message = parsed(raw)
    (to,) = message["To"].addresses
    expected = mail_address(name, address)
    assert (to.display_name, to.addr_spec) == (expected.display_name, expected.addr_spec)
    assert message["Subject"] == "Invitation: Ten years of Techport — jubilee"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"Dear {name}," in text
    assert f"/i/{invitee.token}?say=yes#yes" in text and f"/i/{invitee.token}?say=no" in html
    assert "You may bring up to 2 guests." in text
    assert "@@" not in text + html
    if '"' in name:
        assert "&#34;Bob&#34;" in html or "&quot;Bob&quot;" in html
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_non_ascii_local_part_falls_back_to_the_composer(app, make_event, now):
    event = make_event()
    invitee = service.add_invitee(event, name="José", email="josé@example.org",
                                  language="nl", now=now)
    db.session.commit()
    mail = InvitationMails(event, reminder=True, now=now).build(invitee)
    assert mail.recipient == "josé@example.org"
    message = email.message_from_string(mail.raw.decode("utf-8"), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "josé@example.org"
    assert "José" in message.get_body(("plain",)).get_content()
    assert mime is not None
