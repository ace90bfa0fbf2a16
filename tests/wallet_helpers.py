"""A test certificate authority, an Apple-like pass certificate and a Google service account key."""

import json
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signing_key, hashes.SHA256())
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_apple_files(folder) -> dict[str, str]:
    """Write a root CA, a WWDR-like intermediate and a pass certificate with its key."""
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate(_name("Test Root CA"), _name("Test Root CA"), root_key.public_key(),
                        root_key, ca=True)
    wwdr_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wwdr = _certificate(_name("Test WWDR"), root.subject, wwdr_key.public_key(), root_key,
                        ca=True)
    pass_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = _certificate(_name("Pass Type ID: pass.org.example.events"), wwdr.subject,
                               pass_key.public_key(), wwdr_key, ca=False)
    paths = {
        "root": folder / "root.pem", "wwdr": folder / "wwdr.pem",
        "certificate": folder / "pass.pem", "key": folder / "pass.key",
    }
    paths["root"].write_bytes(_pem(root))
    paths["wwdr"].write_bytes(_pem(wwdr))
    paths["certificate"].write_bytes(_pem(certificate))
    paths["key"].write_bytes(_key_pem(pass_key))
    return {name: str(path) for name, path in paths.items()}


def apple_config(files: dict[str, str]) -> dict:
    """Return the app settings for the pass certificate in ``files``."""
    return {
        "WALLET_APPLE_CERTIFICATE": files["certificate"],
        "WALLET_APPLE_KEY": files["key"],
        "WALLET_APPLE_WWDR_CERTIFICATE": files["wwdr"],
        "WALLET_APPLE_TEAM_ID": "ABCDE12345",
        "WALLET_APPLE_PASS_TYPE_ID": "pass.org.example.events",
    }


def make_google_key(folder):
    """Write a service account key file; return its path and the RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account",
        "client_email": "wallet@eventdesk-test.iam.gserviceaccount.com",
        "private_key_id": "test-key-1",
        "private_key": _key_pem(key).decode(),
    }))
    return str(path), key
