"""Wallet passes: a signed .pkpass checked with openssl, a Google JWT decoded, settings checked."""

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from datetime import timedelta
from urllib.parse import urlsplit

import jwt
import pytest
from backoffice import add_guest
from wallet_helpers import apple_config, make_apple_files, make_google_key

from eventdesk import create_app
from eventdesk.config import ConfigError
from eventdesk.db import db
from eventdesk.events.models import EventStatus
from eventdesk.registration.models import RegistrationStatus


@pytest.fixture(scope="module")
def apple_files(tmp_path_factory):
    return make_apple_files(tmp_path_factory.mktemp("apple"))


@pytest.fixture(scope="module")
def google_key(tmp_path_factory):
    return make_google_key(tmp_path_factory.mktemp("google"))


@pytest.fixture
def app_config(app_config, apple_files, google_key):
    app_config.update(apple_config(apple_files))
    app_config.update({
        "WALLET_GOOGLE_KEY_FILE": google_key[0],
        "WALLET_GOOGLE_ISSUER_ID": 3388000000012345678,  # a number, as the environment gives it
        "WALLET_GOOGLE_CLASS_ID": "eventdesk",
    })
    return app_config


def _pkpass(client, registration):
    response = client.get(f"/r/{registration.manage_token}/wallet/ticket.pkpass")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.apple.pkpass"
    assert "no-store" in response.headers["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_pkpass_has_the_ticket_hashes_and_a_signature_openssl_accepts(
    app, client, make_event, apple_files, tmp_path
):
    event = make_event(venue="Techport", address="Wijkermeerweg 7, Beverwijk")
    guest = add_guest(event, "Zoë de Vries", "zoe@example.org", organisation="Tata Steel")
    archive = _pkpass(client, guest)
    names = set(archive.namelist())
    assert {"pass.json", "manifest.json", "signature", "icon.png", "icon@2x.png"} <= names
    manifest = json.loads(archive.read("manifest.json"))
    assert set(manifest) == names - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(archive.read(name)).hexdigest() == digest, name

    document = json.loads(archive.read("pass.json"))
    assert document["passTypeIdentifier"] == "pass.org.example.events"
    assert document["teamIdentifier"] == "ABCDE12345"
    assert document["serialNumber"] == guest.uid
    assert document["barcodes"][0] == {
        "format": "PKBarcodeFormatQR", "message": guest.ticket_code,
        "messageEncoding": "iso-8859-1", "altText": guest.ticket_code,
    }
    start = event.starts_at.astimezone(event.zone)
    assert document["relevantDate"] == start.isoformat(timespec="minutes")
    fields = {f["key"]: f for part in document["eventTicket"].values() for f in part}
    assert fields["event"]["value"] == event.title("nl")
    assert fields["name"]["value"] == "Zoë de Vries"
    assert fields["where"]["value"] == "Techport"
    assert fields["name"]["label"] == "Naam"  # the guest's language: Dutch
    assert "voided" not in document

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    (tmp_path / "manifest.json").write_bytes(archive.read("manifest.json"))
    (tmp_path / "signature").write_bytes(archive.read("signature"))
    verify = [
        "openssl", "smime", "-verify", "-binary", "-inform", "DER",
        "-in", str(tmp_path / "signature"), "-content", str(tmp_path / "manifest.json"),
        "-CAfile", apple_files["root"], "-purpose", "any", "-out", str(tmp_path / "out"),
    ]
    checked = subprocess.run(verify, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "Verification successful" in checked.stderr
    # A changed manifest no longer matches the signature.
    (tmp_path / "manifest.json").write_bytes(archive.read("manifest.json").replace(b"a", b"b", 1))
    assert subprocess.run(verify, capture_output=True, timeout=30).returncode != 0


def test_a_moved_or_cancelled_event_gives_an_up_to_date_pass(app, client, make_event):
    event = make_event()
    guest = add_guest(event, "Ada", "ada@example.org")
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    document = json.loads(_pkpass(client, guest).read("pass.json"))
    assert document["relevantDate"] == event.starts_at.astimezone(event.zone).isoformat(
        timespec="minutes"
    )
    assert document["voided"] is True


@pytest.mark.parametrize("status", [RegistrationStatus.CANCELLED, RegistrationStatus.PENDING,
                                    RegistrationStatus.WAITLISTED])
def test_no_pass_and_no_wallet_buttons_without_a_valid_ticket(app, client, make_event, status):
    event = make_event()
    guest = add_guest(event, "Ada", "ada@example.org", status=status)
    for path in ("ticket.pkpass", "google"):
        response = client.get(f"/r/{guest.manage_token}/wallet/{path}")
        assert response.status_code == 410
        assert "pay.google.com" not in response.headers.get("Location", "")
    assert "wallet" not in client.get(f"/r/{guest.manage_token}").get_data(as_text=True)


def test_the_google_save_link_is_a_jwt_signed_with_the_service_account(
    app, client, make_event, google_key
):
    event = make_event(venue="Techport")
    guest = add_guest(event, "山田太郎", "taro@example.org")
    response = client.get(f"/r/{guest.manage_token}/wallet/google")
    assert response.status_code == 303
    link = urlsplit(response.headers["Location"])
    assert (link.scheme, link.netloc) == ("https", "pay.google.com")
    assert link.path.startswith("/gp/v/save/")
    token = link.path.removeprefix("/gp/v/save/")
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT", "kid": "test-key-1"}
    claims = jwt.decode(token, google_key[1].public_key(), algorithms=["RS256"], audience="google")
    assert claims["iss"] == "wallet@eventdesk-test.iam.gserviceaccount.com"
    assert claims["typ"] == "savetowallet"
    assert claims["origins"] == ["http://eventdesk.test"]
    [ticket] = claims["payload"]["eventTicketObjects"]
    [klass] = claims["payload"]["eventTicketClasses"]
    assert ticket["classId"] == klass["id"] == f"3388000000012345678.eventdesk-{event.id}"
    assert ticket["id"].startswith(f"3388000000012345678.{guest.uid}-")
    assert ticket["state"] == "ACTIVE"
    assert ticket["ticketHolderName"] == "山田太郎"
    assert ticket["barcode"] == {"type": "QR_CODE", "value": guest.ticket_code,
                                 "alternateText": guest.ticket_code}
    assert klass["eventName"]["defaultValue"]["value"] == event.title("nl")
    assert ticket["validTimeInterval"]["start"]["date"] == (
        event.starts_at.astimezone(event.zone).isoformat()
    )
    # A new ticket code is a new object: Google keeps saved objects as they were.
    guest.ticket_code = "ED1" + "A" * 32
    db.session.commit()
    again = client.get(f"/r/{guest.manage_token}/wallet/google").headers["Location"]
    other = jwt.decode(again.rsplit("/", 1)[1], google_key[1].public_key(),
                       algorithms=["RS256"], audience="google")
    assert other["payload"]["eventTicketObjects"][0]["id"] != ticket["id"]


def ticket_mail_text(app, registration) -> str:
    """Return the plain and HTML text of the ticket mail ``registration`` would get."""
    from email import message_from_bytes, policy

    from eventdesk.db import utcnow
    from eventdesk.registration.guest_mail import MailText
    from eventdesk.tickets import mails

    text = MailText(subject="Ticket", heading="Ticket", with_ticket=True)
    with app.test_request_context():
        raw = mails.build_guest_mail(registration, text, now=utcnow()).raw
    message = message_from_bytes(raw, policy=policy.default)
    return "\n".join(
        part.get_content() for part in message.walk() if part.get_content_type() in
        ("text/plain", "text/html")
    )


def test_buttons_on_the_manage_page_and_in_the_ticket_mail(app, client, make_event):
    event = make_event()
    guest = add_guest(event, "Ada", "ada@example.org")
    page = client.get(f"/r/{guest.manage_token}").get_data(as_text=True)
    assert f"/r/{guest.manage_token}/wallet/ticket.pkpass" in page
    assert f"/r/{guest.manage_token}/wallet/google" in page
    mail = ticket_mail_text(app, guest)
    assert mail.count(f"http://eventdesk.test/r/{guest.manage_token}/wallet/ticket.pkpass") == 2
    assert mail.count(f"http://eventdesk.test/r/{guest.manage_token}/wallet/google") == 2


def _app(base: dict, **settings):
    config = {k: v for k, v in base.items() if not k.startswith("WALLET_")}
    config.update(settings)
    return create_app(config)


def test_a_missing_or_wrong_certificate_stops_the_start_naming_the_setting(
    app_config, apple_files, google_key, tmp_path
):
    apple = apple_config(apple_files)
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_APPLE_CERTIFICATE: cannot read"):
        _app(app_config, **{**apple, "WALLET_APPLE_CERTIFICATE": str(tmp_path / "missing.pem")})
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_APPLE_WWDR_CERTIFICATE: .* is not a"):
        _app(app_config, **{**apple, "WALLET_APPLE_WWDR_CERTIFICATE": str(junk)})
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_APPLE_KEY: .* is not a private key"):
        _app(app_config, **{**apple, "WALLET_APPLE_KEY": str(junk)})
    other = make_apple_files(tmp_path)
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_APPLE_KEY does not belong"):
        _app(app_config, **{**apple, "WALLET_APPLE_KEY": other["key"]})
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_APPLE_WWDR_CERTIFICATE did not issue"):
        _app(app_config, **{**apple, "WALLET_APPLE_WWDR_CERTIFICATE": other["wwdr"]})
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_APPLE_TEAM_ID"):
        _app(app_config, **{k: v for k, v in apple.items() if k != "WALLET_APPLE_TEAM_ID"})
    with pytest.raises(ConfigError, match="EVENTDESK_WALLET_GOOGLE_KEY_FILE: .* is not a Google"):
        _app(app_config, WALLET_GOOGLE_KEY_FILE=str(junk), WALLET_GOOGLE_ISSUER_ID="1",
             WALLET_GOOGLE_CLASS_ID="x")
