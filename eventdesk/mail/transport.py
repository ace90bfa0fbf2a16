"""SMTP delivery from ``EVENTDESK_SMTP_URL``, and the local mailbox used without it.

URL forms: ``smtp://user:pass@host:587?starttls=true`` (plain or STARTTLS),
``smtps://user:pass@host:465`` (TLS from the start); ``timeout=`` in seconds.
"""

import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from eventdesk.mail.address import sender_address


class DeliveryError(Exception):
    """A message could not be handed to the mail server."""

    permanent = False


class TemporaryFailure(DeliveryError):
    """Try again later: the server is down, busy or said 4xx."""


class ConnectionFailure(TemporaryFailure):
    """The server could not be reached or dropped the connection; later messages would fail too."""


class PermanentFailure(DeliveryError):
    """The server refused this message for good (5xx for the recipient or the content)."""

    permanent = True


_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect, parsed from ``EVENTDESK_SMTP_URL``."""

    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


def parse_smtp_url(url: str) -> SmtpSettings:
    """Parse an ``smtp://`` or ``smtps://`` URL; raise ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError(
            "EVENTDESK_SMTP_URL must look like smtp://user:pass@host:587?starttls=true"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    tls = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=not tls and query.get("starttls", "").lower() in _TRUE,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=float(query.get("timeout", 30)),
    )


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


class SmtpTransport:
    """Send stored messages over one reused SMTP connection."""

    def __init__(self, settings: SmtpSettings, mail_from: str) -> None:
        self.settings = settings
        self.envelope_from = sender_address(mail_from).addr_spec
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailure(f"cannot connect to {s.host}:{s.port}: {error}") from error
        return smtp

    def send(self, raw: bytes, recipient: str) -> None:
        """Hand one message to the server; raise a DeliveryError subclass on failure."""
        reused = self._smtp is not None
        try:
            self._send_once(raw, recipient)
        except ConnectionFailure:
            self.close()
            if not reused:
                raise
            # Servers close idle or long-lived connections; try once on a fresh one.
            self._send_once(raw, recipient)

    def _send_once(self, raw: bytes, recipient: str) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        options = []
        if not raw.isascii() or not recipient.isascii():
            options.append("SMTPUTF8")
        try:
            self._smtp.sendmail(self.envelope_from, [recipient], raw, mail_options=options)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _failure(code, reply) from error
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            # A refused sender is a setup problem, not this guest's: keep retrying.
            permanent = isinstance(error, smtplib.SMTPDataError) and _is_permanent(error.smtp_code)
            cls = PermanentFailure if permanent else TemporaryFailure
            raise cls(f"{error.smtp_code} {_text(error.smtp_error)}") from error
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentFailure(f"the server cannot deliver this address: {error}") from error
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as error:
            raise ConnectionFailure(f"connection lost: {error}") from error
        except smtplib.SMTPResponseException as error:
            raise TemporaryFailure(f"{error.smtp_code} {_text(error.smtp_error)}") from error

    def close(self) -> None:
        """Close the connection, quietly."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


class LocalTransport:
    """Keep mail in the outbox for the development mailbox page instead of sending it."""

    def send(self, raw: bytes, recipient: str) -> None:
        """Accept the message; it stays readable in the outbox."""

    def close(self) -> None:
        """Nothing to close."""


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _failure(code: int, reply) -> DeliveryError:
    cls = PermanentFailure if _is_permanent(code) else TemporaryFailure
    return cls(f"{code} {_text(reply)}")


def local_mail_allowed(config) -> bool:
    """Tell whether mail may stay local: no SMTP configured, in the demo or development."""
    return not config.get("SMTP_URL") and bool(
        config.get("DEMO") or config.get("DEBUG") or config.get("TESTING")
    )


def make_transport(config) -> SmtpTransport | LocalTransport:
    """Return the transport the configuration asks for."""
    if config.get("SMTP_URL"):
        return SmtpTransport(parse_smtp_url(config["SMTP_URL"]), config["MAIL_FROM"])
    if local_mail_allowed(config):
        return LocalTransport()
    raise RuntimeError("EVENTDESK_SMTP_URL is not set: mail cannot be sent.")
