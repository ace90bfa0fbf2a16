"""The back-office blueprint and the access rule every one of its routes obeys."""

from flask import Blueprint, abort, g
from flask_login import current_user

from eventdesk.auth.permissions import BACK_OFFICE, managed_event_or_403
from eventdesk.extensions import login_manager

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.before_request
def require_back_office():
    """Send visitors to the login page and keep door staff out of the whole back office."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in BACK_OFFICE:
        abort(403)
    return None


@bp.url_value_preprocessor
def load_event(endpoint, values) -> None:
    """Load the event named in the URL, refusing events this account does not manage."""
    g.event = None
    if values and "slug" in values and current_user.is_authenticated:
        g.event = managed_event_or_403(values["slug"])


@bp.app_template_filter("short_datetime")
def short_datetime(moment, event) -> str:
    """Format ``moment`` compactly in the event's zone, for table cells: 10-01-2031 16:02."""
    return moment.astimezone(event.zone).strftime("%d-%m-%Y %H:%M") if moment else ""
