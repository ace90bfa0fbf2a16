"""Stored codes in words for the back office: mail kinds, mail states, scans, languages."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.checkin.page import strings as door_strings
from eventdesk.organiser.blueprint import bp

MAIL_KINDS = {
    "confirmed": _l("Ticket"),
    "confirm_address": _l("Confirm your address"),
    "waitlisted": _l("On the waiting list"),
    "promoted": _l("Seat after the waiting list"),
    "cancelled": _l("Cancellation"),
    "details_changed": _l("Details changed"),
    "event_changed": _l("Event changed"),
    "event_cancelled": _l("Event cancelled"),
    "reminder": _l("Reminder"),
    "resent": _l("Ticket sent again"),
    "reissued": _l("New ticket"),
    "invitation": _l("Invitation"),
    "invitation_reminder": _l("Invitation reminder"),
    "companion_ticket": _l("Ticket for a companion"),
    "message": _l("Message"),
    "message_test": _l("Test message"),
}
MAIL_STATES = {
    "pending": _l("Waiting to be sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "superseded": _l("Replaced by a newer mail"),
}
SCAN_ACTIONS = {"check_in": _l("Check-in"), "undo": _l("Check-in undone"),
                "walk_in": _l("Walk-in")}
LANGUAGES = {"nl": _l("Dutch"), "en": _l("English")}


def _word(table: dict, code) -> str:
    code = getattr(code, "value", code)
    word = table.get(code)
    return str(word) if word is not None else str(code)


@bp.app_template_global()
def mail_kind_label(kind: str) -> str:
    """Return what kind of mail this was, in words."""
    return _word(MAIL_KINDS, kind)


@bp.app_template_global()
def mail_state_label(status) -> str:
    """Return a mail's delivery state in words."""
    return _word(MAIL_STATES, status)


@bp.app_template_global()
def scan_action_label(action) -> str:
    """Return what a door scan did, in words."""
    return _word(SCAN_ACTIONS, action)


@bp.app_template_global()
def scan_result_label(status: str, reason: str | None) -> str:
    """Return a scan's outcome as the door page words it."""
    if status == "ok":
        return _("Admitted")
    words = door_strings()
    return words.get(reason or "", words["error"])


@bp.app_template_global()
def language_label(code: str) -> str:
    """Return a guest's language by name."""
    return _word(LANGUAGES, code)
