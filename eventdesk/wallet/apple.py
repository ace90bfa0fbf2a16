"""Apple Wallet passes: pass.json, images, manifest.json with SHA-1 hashes, a PKCS #7 signature.

The pass is built anew on every download from the registration as it is then,
so a moved or cancelled event gives an up-to-date pass. Pushing changes to
passes already in Wallet needs Apple's pass web service, which eventdesk
does not run (yet): the pass has no ``webServiceURL``.
"""

import hashlib
import io
import json
import zipfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

from eventdesk.wallet.facts import PassFacts
from eventdesk.wallet.images import pass_images
from eventdesk.wallet.settings import AppleSigner

MIMETYPE = "application/vnd.apple.pkpass"


def _moment(value) -> str:
    """Return ``value`` as Apple's W3C date: 2027-01-10T16:00+01:00."""
    return value.isoformat(timespec="minutes")


def pass_json(facts: PassFacts, signer: AppleSigner) -> dict:
    """Return the pass.json of an event ticket with the facts of ``facts``."""
    labels = facts.labels
    place = facts.venue or facts.address
    barcode = {
        "format": "PKBarcodeFormatQR",
        "message": facts.ticket_code,
        "messageEncoding": "iso-8859-1",
        "altText": facts.ticket_code,
    }
    auxiliary = [
        {
            "key": "when", "label": labels["when"], "value": _moment(facts.starts_at),
            "dateStyle": "PKDateStyleMedium", "timeStyle": "PKDateStyleShort",
            "changeMessage": "%@",
        },
    ]
    if place:
        auxiliary.append({"key": "where", "label": labels["where"], "value": place,
                          "changeMessage": "%@"})
    back = [
        {"key": "when-text", "label": labels["when"], "value": facts.when},
        {"key": "code", "label": labels["code"], "value": facts.ticket_code},
        {"key": "manage", "label": labels["manage"], "value": facts.manage_url},
    ]
    if facts.address:
        back.insert(1, {"key": "address", "label": labels["where"],
                        "value": ", ".join(filter(None, (facts.venue, facts.address)))})
    secondary = [{"key": "name", "label": labels["name"], "value": facts.name}]
    if facts.organisation:
        secondary.append(
            {"key": "organisation", "label": labels["organisation"], "value": facts.organisation}
        )
    document = {
        "formatVersion": 1,
        "passTypeIdentifier": signer.pass_type_id,
        "teamIdentifier": signer.team_id,
        "serialNumber": facts.serial,
        "organizationName": signer.organisation,
        "description": facts.title,
        "logoText": facts.title[:40],
        "foregroundColor": "rgb(255, 255, 255)",
        "backgroundColor": "rgb(11, 92, 173)",
        "labelColor": "rgb(220, 232, 245)",
        "relevantDate": _moment(facts.starts_at),
        # iOS 18 reads this list instead of relevantDate.
        "relevantDates": [
            {"startDate": _moment(facts.starts_at), "endDate": _moment(facts.ends_at)}
        ],
        "expirationDate": _moment(facts.ends_at),
        "barcodes": [barcode],
        "barcode": barcode,  # iOS 8 and older read only this one
        "eventTicket": {
            "primaryFields": [{"key": "event", "label": labels["event"], "value": facts.title}],
            "secondaryFields": secondary,
            "auxiliaryFields": auxiliary,
            "backFields": back,
        },
    }
    if facts.cancelled:
        document["voided"] = True
        document["eventTicket"]["headerFields"] = [
            {"key": "status", "label": labels["status"], "value": labels["cancelled"]}
        ]
    # No "locations": events carry an address, not coordinates, and eventdesk
    # does not send addresses to a geocoder.
    return document


def sign(manifest: bytes, signer: AppleSigner) -> bytes:
    """Return the detached DER PKCS #7 signature of ``manifest``, with the WWDR certificate."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(signer.certificate, signer.key, hashes.SHA256())
        .add_certificate(signer.wwdr)
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def build_pkpass(facts: PassFacts, signer: AppleSigner) -> bytes:
    """Return a signed .pkpass file (a zip) for ``facts``."""
    files = {"pass.json": json.dumps(pass_json(facts, signer), ensure_ascii=False).encode()}
    files.update(pass_images())
    manifest = json.dumps(
        {name: hashlib.sha1(data).hexdigest() for name, data in files.items()},  # noqa: S324
        sort_keys=True,
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", sign(manifest, signer))
    return out.getvalue()
