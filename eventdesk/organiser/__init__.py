"""The organiser back office: events, questions, attendees, export and dashboard."""

from eventdesk.organiser import event_views, question_views  # noqa: F401  (register views)
from eventdesk.organiser.blueprint import bp

__all__ = ["bp"]
