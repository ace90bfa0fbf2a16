"""Read and check the wallet settings once, at start-up, naming the setting that is wrong."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask

from eventdesk.config import ConfigError

APPLE_REQUIRED = (
    "WALLET_APPLE_CERTIFICATE", "WALLET_APPLE_KEY", "WALLET_APPLE_WWDR_CERTIFICATE",
    "WALLET_APPLE_TEAM_ID", "WALLET_APPLE_PASS_TYPE_ID",
)
GOOGLE_REQUIRED = ("WALLET_GOOGLE_KEY_FILE", "WALLET_GOOGLE_ISSUER_ID", "WALLET_GOOGLE_CLASS_ID")
_EXTENSION_KEY = "eventdesk.wallet"
_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")


@dataclass(frozen=True)
class AppleSigner:
    """The pass type certificate and key that sign Apple Wallet passes."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    wwdr: x509.Certificate
    team_id: str
    pass_type_id: str
    organisation: str

    def __repr__(self) -> str:  # never print a key, not even by accident in a traceback
        return f"AppleSigner(pass_type_id={self.pass_type_id!r})"


@dataclass(frozen=True)
class GoogleIssuer:
    """The service account that signs Google Wallet save links."""

    email: str
    key_id: str
    key: rsa.RSAPrivateKey
    issuer_id: str
    class_id: str

    def __repr__(self) -> str:
        return f"GoogleIssuer(email={self.email!r}, issuer_id={self.issuer_id!r})"


@dataclass(frozen=True)
class Wallets:
    apple: AppleSigner | None
    google: GoogleIssuer | None


def _env(name: str) -> str:
    return f"EVENTDESK_{name}"


def _read(app: Flask, name: str) -> bytes:
    path = Path(str(app.config[name]))
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{_env(name)}: cannot read {path}: {error.strerror or error}") from None


def _certificate(app: Flask, name: str) -> x509.Certificate:
    data = _read(app, name)
    for load in (x509.load_pem_x509_certificate, x509.load_der_x509_certificate):
        try:
            return load(data)
        except ValueError:
            continue
    raise ConfigError(f"{_env(name)}: {app.config[name]} is not a certificate (PEM or DER).")


def _private_key(app: Flask, name: str, password: str | None):
    data = _read(app, name)
    secret = password.encode() if password else None
    for load in (serialization.load_pem_private_key, serialization.load_der_private_key):
        try:
            return load(data, password=secret)
        except (ValueError, TypeError):
            continue
    raise ConfigError(
        f"{_env(name)}: {app.config[name]} is not a private key (PEM or DER), "
        "or EVENTDESK_WALLET_APPLE_KEY_PASSWORD does not open it."
    )


def _required(app: Flask, names: tuple[str, ...]) -> bool:
    given = [name for name in names if app.config.get(name)]
    if not given:
        return False
    missing = [_env(name) for name in names if not app.config.get(name)]
    if missing:
        everything = ", ".join(map(_env, names))
        raise ConfigError(f"{', '.join(missing)} not set: wallet passes need all of {everything}.")
    return True


def _identifier(app: Flask, name: str) -> str:
    value = str(app.config[name]).strip()
    if not _ID.fullmatch(value):
        raise ConfigError(f"{_env(name)} must be letters, digits, '.', '_' or '-', not {value!r}.")
    return value


def load_apple(app: Flask) -> AppleSigner | None:
    """Return the Apple Wallet signer the settings name, or None when none is configured."""
    if not _required(app, APPLE_REQUIRED):
        return None
    certificate = _certificate(app, "WALLET_APPLE_CERTIFICATE")
    wwdr = _certificate(app, "WALLET_APPLE_WWDR_CERTIFICATE")
    key = _private_key(app, "WALLET_APPLE_KEY", app.config.get("WALLET_APPLE_KEY_PASSWORD"))
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ConfigError("EVENTDESK_WALLET_APPLE_KEY must be an RSA or EC private key.")
    if key.public_key().public_numbers() != certificate.public_key().public_numbers():
        raise ConfigError(
            "EVENTDESK_WALLET_APPLE_KEY does not belong to EVENTDESK_WALLET_APPLE_CERTIFICATE."
        )
    try:
        certificate.verify_directly_issued_by(wwdr)
    except (ValueError, TypeError, InvalidSignature):
        raise ConfigError(
            "EVENTDESK_WALLET_APPLE_WWDR_CERTIFICATE did not issue "
            "EVENTDESK_WALLET_APPLE_CERTIFICATE: download the matching WWDR intermediate."
        ) from None
    return AppleSigner(
        certificate=certificate,
        key=key,
        wwdr=wwdr,
        team_id=_identifier(app, "WALLET_APPLE_TEAM_ID"),
        pass_type_id=_identifier(app, "WALLET_APPLE_PASS_TYPE_ID"),
        organisation=str(app.config.get("WALLET_ORGANISATION") or "eventdesk")[:64],
    )


def load_google(app: Flask) -> GoogleIssuer | None:
    """Return the Google Wallet issuer the settings name, or None when none is configured."""
    if not _required(app, GOOGLE_REQUIRED):
        return None
    name = "WALLET_GOOGLE_KEY_FILE"
    try:
        account = json.loads(_read(app, name))
        email, key_id = account["client_email"], account["private_key_id"]
        pem = account["private_key"]
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(
            f"{_env(name)}: {app.config[name]} is not a Google service account key file (JSON "
            "with client_email, private_key_id and private_key)."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(f"{_env(name)}: the service account key must be an RSA key.")
    return GoogleIssuer(
        email=str(email), key_id=str(key_id), key=key,
        issuer_id=_identifier(app, "WALLET_GOOGLE_ISSUER_ID"),
        class_id=_identifier(app, "WALLET_GOOGLE_CLASS_ID"),
    )


def init_app(app: Flask) -> None:
    """Load the wallet settings, refusing to start when one is wrong."""
    app.extensions[_EXTENSION_KEY] = Wallets(apple=load_apple(app), google=load_google(app))


def wallets(app: Flask) -> Wallets:
    """Return the wallets this app offers (none before ``init_app``)."""
    return app.extensions.get(_EXTENSION_KEY) or Wallets(apple=None, google=None)
