"""Presenting events: local times and sanitised Markdown."""

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import markdown
import nh3
from babel.dates import format_date, format_time
from markupsafe import Markup

from eventdesk.events.models import Event

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}


@lru_cache(maxsize=256)
def render_markdown(text: str) -> Markup:
    """Render organiser-written Markdown to HTML that is safe to show."""
    # Cached by text: every view of an event page renders the same
    # description, and Markdown plus sanitising was a tenth of the page's time.
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


@lru_cache(maxsize=1024)
def _local(moment: datetime, zone: str, language: str, what: str) -> str:
    # Cached: an event page shows the same few moments on every view, and
    # Babel's formatting was the largest part of the page's own code.
    local = moment.astimezone(ZoneInfo(zone))
    if what == "date":
        return format_date(local, "full", locale=language)
    return format_time(local, "HH:mm", locale=language)


def local_date(moment: datetime, event: Event, language: str) -> str:
    """Format the date of ``moment`` in the event's zone, e.g. 'zaterdag 9 januari 2027'."""
    return _local(moment, event.timezone, language, "date")


def local_time(moment: datetime, event: Event, language: str) -> str:
    """Format the clock time of ``moment`` in the event's zone, e.g. '16:00'."""
    return _local(moment, event.timezone, language, "time")


def local_datetime(moment: datetime, event: Event, language: str) -> str:
    """Format date and time of ``moment`` in the event's zone."""
    return f"{local_date(moment, event, language)} {local_time(moment, event, language)}"


def map_url(event: Event) -> str | None:
    """Return an OpenStreetMap search link for the event's address."""
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if not place:
        return None
    return "https://www.openstreetmap.org/search?query=" + quote_plus(place)
