"""Public event pages: the list, an event with its registration form, the privacy notice.

The blueprint keeps the name "events", so endpoints such as ``events.detail``
(used by ``url_for`` all over the templates) stay as they were.
"""

import io

from flask import Blueprint, abort, render_template, send_file, url_for

from eventdesk.db import utcnow
from eventdesk.events import covers, display
from eventdesk.events.models import Event
from eventdesk.events.service import (
    published_event,
    registration_window,
    retention_days,
    upcoming_events,
)
from eventdesk.i18n import current_language
from eventdesk.links import external_url
from eventdesk.registration import drafts
from eventdesk.registration.forms import registration_form

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    """List the upcoming published events."""
    return render_template("events/index.html", events=upcoming_events(now=utcnow()))


def published_event_or_404(slug: str) -> Event:
    """Return the event ``slug`` if the public may see it, or answer 404."""
    event = published_event(slug)
    if event is None:
        abort(404)
    return event


@bp.get("/events/<slug>")
def detail(slug: str):
    """Show an event with its registration form."""
    event = published_event_or_404(slug)
    typed = drafts.take(slug)
    if typed is None:
        return render_event_page(event, registration_form(event, current_language()))
    # Back after a failed registration: show what was typed, and why it failed.
    form = registration_form(event, current_language(), formdata=typed)
    form.restored = True
    form.validate()
    # The kept values hold no token: the page gives a fresh one, so that is no error.
    if "csrf_token" in form:
        form.csrf_token.errors = []
    return render_event_page(event, form)


def render_event_page(event, form, status: int = 200):
    """Render the event page with ``form`` (fresh or with errors)."""
    window = registration_window(event, now=utcnow())
    return (
        render_template("events/detail.html", event=event, form=form, window=window),
        status,
    )


@bp.app_template_global()
def event_text(event):
    """Return the event's title and rendered description in the current language."""
    language = current_language()
    return {
        "title": event.title(language),
        "description": display.render_markdown(event.description(language)),
        "date": display.local_date(event.starts_at, event, language),
        "start": display.local_time(event.starts_at, event, language),
        "end": display.local_time(event.ends_at, event, language),
        "map_url": display.map_url(event),
    }


@bp.app_template_filter("event_datetime")
def event_datetime(moment, event):
    """Format ``moment`` in ``event``'s time zone and the current language."""
    return display.local_datetime(moment, event, current_language())


@bp.get("/covers/<name>")
def cover(name: str):
    """Serve a cover image; its name is random and never reused, so it caches long."""
    jpeg = covers.jpeg_named(name)
    if jpeg is None:
        abort(404)
    return send_file(io.BytesIO(jpeg), mimetype="image/jpeg", max_age=365 * 24 * 3600,
                     etag=name, conditional=True)


@bp.app_template_global()
def event_preview(event) -> dict:
    """Return what a shared link's preview shows: a plain description and the cover."""
    text = display.render_markdown(event.description(current_language())).striptags()
    if len(text) > 200:
        text = text[:197].rsplit(" ", 1)[0] + "…"
    cover = event.cover  # its size and name only: the image route loads the bytes
    return {
        "description": text,
        "url": external_url("events.detail", slug=event.slug),
        "image": external_url("events.cover", name=cover.name) if cover else None,
        "cover": url_for("events.cover", name=cover.name) if cover else None,
        "size": (cover.width, cover.height) if cover else None,
    }


@bp.get("/privacy")
def privacy():
    """Show the general privacy notice."""
    return render_template("events/privacy.html", event=None, retention=None)


@bp.get("/events/<slug>/privacy")
def event_privacy(slug: str):
    """Show the privacy notice of one event: its organiser and how long data is kept."""
    event = published_event_or_404(slug)
    return render_template(
        "events/privacy.html", event=event, retention=retention_days(event)
    )
