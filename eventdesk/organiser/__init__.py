"""The organiser back office: events, questions, attendees, export and dashboard."""

from eventdesk.organiser import (  # noqa: F401  (register views)
    account_routes,
    attendee_routes,
    cover_routes,
    dashboard_routes,
    event_routes,
    export_routes,
    guest_routes,
    preview_routes,
    privacy_routes,
    question_routes,
    words,
)
from eventdesk.organiser.blueprint import bp

__all__ = ["bp"]
