"""Google Wallet save links: an RS256-signed JWT carrying the event ticket.

Building the link calls nothing: Google is reached only when the guest opens it.
"""

from datetime import datetime

import jwt

from eventdesk.wallet.facts import PassFacts
from eventdesk.wallet.settings import GoogleIssuer

SAVE_URL = "https://pay.google.com/gp/v/save/"


def ticket_class(facts: PassFacts, issuer: GoogleIssuer, event_id: int) -> dict:
    """Return the event ticket class of the event (one class per event)."""
    venue = {}
    if facts.venue or facts.address:
        venue = {"venue": {
            "name": _localized(facts.venue or facts.address, facts.language),
            "address": _localized(facts.address or facts.venue, facts.language),
        }}
    return {
        "id": f"{issuer.issuer_id}.{issuer.class_id}-{event_id}",
        "issuerName": issuer.class_id,
        "reviewStatus": "UNDER_REVIEW",
        "eventName": _localized(facts.title, facts.language),
        "dateTime": {"start": facts.starts_at.isoformat(), "end": facts.ends_at.isoformat()},
        **venue,
    }


def ticket_object(facts: PassFacts, issuer: GoogleIssuer, class_id: str) -> dict:
    """Return the event ticket object of one guest, with the facts as they are now."""
    labels = facts.labels
    modules = [{"id": "when", "header": labels["when"], "body": facts.when}]
    if facts.venue or facts.address:
        modules.append({"id": "where", "header": labels["where"],
                        "body": ", ".join(filter(None, (facts.venue, facts.address)))})
    if facts.cancelled:
        modules.insert(0, {"id": "status", "header": labels["status"],
                           "body": labels["cancelled"]})
    return {
        # A new version (moved event, new code) is a new object: a saved
        # object is not changed by a later save link.
        "id": f"{issuer.issuer_id}.{facts.serial}-{facts.version}",
        "classId": class_id,
        "state": "INACTIVE" if facts.cancelled else "ACTIVE",
        "ticketHolderName": facts.name,
        "barcode": {"type": "QR_CODE", "value": facts.ticket_code,
                    "alternateText": facts.ticket_code},
        "validTimeInterval": {
            "start": {"date": facts.starts_at.isoformat()},
            "end": {"date": facts.ends_at.isoformat()},
        },
        "textModulesData": modules,
        "linksModuleData": {"uris": [
            {"id": "event", "uri": facts.event_url, "description": facts.title},
            {"id": "manage", "uri": facts.manage_url, "description": labels["manage"]},
        ]},
    }


def _localized(text: str, language: str) -> dict:
    return {"defaultValue": {"language": language, "value": text}}


def save_url(
    facts: PassFacts, issuer: GoogleIssuer, *, event_id: int, origin: str, now: datetime
) -> str:
    """Return the "Add to Google Wallet" link for ``facts``, signed with the service account."""
    klass = ticket_class(facts, issuer, event_id)
    claims = {
        "iss": issuer.email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(now.timestamp()),
        "origins": [origin],
        "payload": {
            "eventTicketClasses": [klass],
            "eventTicketObjects": [ticket_object(facts, issuer, klass["id"])],
        },
    }
    token = jwt.encode(claims, issuer.key, algorithm="RS256", headers={"kid": issuer.key_id})
    return SAVE_URL + token
