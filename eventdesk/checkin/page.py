"""What the door page's script needs: API addresses and its strings, translated."""

from flask import url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from eventdesk.checkin import badge_routes
from eventdesk.checkin.models import Door
from eventdesk.events.models import Event


def strings() -> dict[str, str]:
    """Return every text the door script shows, in the visitor's language."""
    return {
        "ok": _("Welcome"),
        "already_checked_in": _("Already checked in"),
        "already_detail": _("at %(time)s at %(door)s", time="{time}", door="{door}"),
        "unknown": _("Unknown ticket"),
        "unknown_detail": _("This code is not a ticket for this event."),
        "cancelled": _("Registration cancelled"),
        "waitlisted": _("On the waiting list"),
        "waitlisted_detail": _("This guest has no seat (yet)."),
        "unconfirmed": _("Address not confirmed"),
        "unconfirmed_detail": _("This guest never confirmed their registration: no valid ticket."),
        "wrong_event": _("Ticket for another event"),
        "ambiguous": _("Ambiguous short code: scan the QR"),
        "ambiguous_detail": _(
            "Two tickets share this short code. Scan the QR or type the full code."
        ),
        "short_offline": _("Short codes need the network"),
        "short_offline_detail": _("Scan the QR or type the full code."),
        "not_open": _("Check-in is not open yet"),
        "not_checked_in": _("Was not checked in"),
        "full": _("The event is full"),
        "already_registered": _("Already registered"),
        "already_registered_detail": _("Find this guest with search and check them in."),
        "error": _("Not checked in"),
        "network": _("No connection: not checked in. Try again."),
        "offline": _("Offline"),
        "online": _("Online"),
        "undo": _("Undo check-in of {name}"),
        "undone": _("Check-in undone"),
        "check_in": _("Check in"),
        "in_at": _("In at {time}"),
        "no_results": _("No guests found."),
        "status_cancelled": _("cancelled"),
        "status_waitlisted": _("waiting list"),
        "camera_off": _("No camera: use the scanner, type the code or search."),
        "camera_denied": _("The camera is not allowed. Allow it in the browser settings."),
        "override_confirm": _("The event is full. Admit this walk-in anyway? This is logged."),
        "name_required": _("Please enter a name."),
        "walk_in_ok": _("Walk-in registered and checked in"),
        "undo_short": _("Undo"),
        "waiting": _("{count} check-ins waiting to be sent"),
        "waiting_one": _("1 check-in waiting to be sent"),
        "offline_ok": _("Offline: kept on this tablet and sent when the network is back."),
        "door_closed": _("This door has been closed"),
        "door_closed_detail": _("Ask the organiser for a new link or PIN."),
        "door": _("Door"),
        "name_network": _("No connection: the name was not saved. Try again."),
        "name_waiting": _(
            "Send the waiting check-ins first: the name can change once they have reached"
            " the server."
        ),
    }


def page_config(event: Event, door: Door, *, named: bool = False) -> dict:
    """Return the JSON blob the door script starts from.

    An account's tablet names its own door (``naming``); ``named`` tells
    whether this browser has done so for the event.
    """
    slug = event.slug
    naming = None
    if door.user_id is not None:
        naming = {
            "url": url_for("checkin_api.name_door", slug=slug),
            "named": named,
            "default": _("Entrance 1"),
        }
    return {
        "api": {
            "checkin": url_for("checkin_api.check_in", slug=slug),
            "undo": url_for("checkin_api.undo", slug=slug),
            "search": url_for("checkin_api.search", slug=slug),
            "counts": url_for("checkin_api.counts", slug=slug),
            "walkin": url_for("checkin_api.create_walk_in", slug=slug),
            "snapshot": url_for("checkin_api.snapshot", slug=slug),
            "queued": url_for("checkin_api.queued_check_ins", slug=slug),
        },
        "vendor": url_for("static", filename="vendor/"),
        "wasm": url_for("static", filename="vendor/zxing_reader.wasm"),
        "worker": url_for("checkin.service_worker", slug=slug),
        "shell": url_for("checkin.page", slug=slug),
        "slug": slug,
        "zone": event.timezone,
        "csrf": generate_csrf(),
        "door": door.name,
        "naming": naming,
        "strings": strings(),
        "badges": badge_routes.door_config(event),
    }
