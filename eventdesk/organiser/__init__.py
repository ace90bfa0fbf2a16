"""The organiser back office: events, questions, attendees, export and dashboard."""

from eventdesk.organiser import (  # noqa: F401  (register views)
    account_views,
    attendee_views,
    cover_views,
    dashboard_views,
    event_views,
    export_views,
    guest_views,
    preview_views,
    privacy_views,
    question_views,
    words,
)
from eventdesk.organiser.blueprint import bp

__all__ = ["bp"]
