"""Who may scan at a door: a door session (link or PIN), a bearer token, or an account."""

import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select

from eventdesk import ratelimit
from eventdesk.auth.models import Role
from eventdesk.auth.permissions import can_manage_event
from eventdesk.auth.sessions import bearer_token
from eventdesk.auth.throttle import key
from eventdesk.checkin import doors
from eventdesk.checkin.bearer import AnyDoor, AnyEvent, scanner_at
from eventdesk.checkin.models import Door
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event, EventStatus
from eventdesk.extensions import csrf
from eventdesk.sqlite_tuning import SAFE_METHODS

SESSION_KEY = "doors"
# How long a door opened by link or PIN stays open in one browser. Also how
# long a closed door session is remembered as closed: after that no copy of
# its cookie would be accepted anyway.
DOOR_SESSION_LIFETIME = timedelta(days=14)
_EVENT_BY_SLUG = select(Event).where(Event.slug == bindparam("slug"))


def event_by_slug(slug: str) -> Event | None:
    """Return the event with ``slug``, whatever its status (drafts scan as not open)."""
    if len(slug) > 80:
        return None
    return db.session.scalar(_EVENT_BY_SLUG, {"slug": slug})


def scanning_at(slug: str, *, check_csrf: bool) -> tuple[AnyEvent | None, AnyDoor | None]:
    """Return the event with ``slug`` and the door this request scans or undoes at.

    The door is None when this request may not scan at the event; the event
    is None when there is no such event. A bearer token's call gets the plain
    facts of both, all a scan or an undo needs.
    """
    token = bearer_token(request)
    if token is not None:
        found = scanner_at(slug, token)
        if found is not None:
            return found
        # Refused: only now tell an unknown event (404) from a wrong token (401).
        return event_by_slug(slug), None
    event = event_by_slug(slug)
    return event, door_for_request(event, check_csrf=check_csrf) if event else None


def opens_before() -> timedelta | None:
    """Return how long before the start the door opens (the demo: always open)."""
    if current_app.config.get("DEMO"):
        return None
    hours = current_app.config.get("CHECKIN_OPENS_HOURS_BEFORE", 12)
    return None if hours is None else timedelta(hours=float(hours))


def may_scan_as_door_staff(event: Event) -> bool:
    """Tell whether the logged-in door-staff account may scan (and search) at ``event``.

    Door staff work at published events: a draft's guests are none of their
    business, and a cancelled event has no door.
    """
    user = current_user
    return (
        user.is_authenticated and user.role == Role.DOOR
        and event.status == EventStatus.PUBLISHED
    )


def _account_may_scan(event: Event) -> bool:
    return current_user.is_authenticated and (
        may_scan_as_door_staff(event) or can_manage_event(current_user, event)
    )


def remember_door(door: Door) -> None:
    """Open ``door`` for this browser session."""
    opened = dict(session.get(SESSION_KEY) or {})
    # The random id lets leaving end this browser's session (and copies of its
    # cookie) without ending the other tablets at the same door.
    opened[str(door.event_id)] = [
        door.id, door.secret_version, secrets.token_urlsafe(16), int(utcnow().timestamp())
    ]
    session[SESSION_KEY] = opened
    # A door tablet may be closed and reopened during the event without a new link.
    session.permanent = True


def forget_door(event: Event) -> None:
    """Close this browser's door session for ``event``, copies of the cookie included."""
    opened = dict(session.get(SESSION_KEY) or {})
    entry = opened.pop(str(event.id), None)
    session[SESSION_KEY] = opened
    if _well_formed(entry):
        ratelimit.hit(_ended_key(entry[2]), window=DOOR_SESSION_LIFETIME, now=utcnow())


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], int)
        and isinstance(entry[2], str) and isinstance(entry[3], int)
    )


def _ended_key(session_id: str) -> str:
    return key("door-session-ended", session_id)


def _session_door(event: Event) -> Door | None:
    entry = (session.get(SESSION_KEY) or {}).get(str(event.id))
    if not _well_formed(entry):
        return None
    now = utcnow()
    if now.timestamp() - entry[3] > DOOR_SESSION_LIFETIME.total_seconds():
        return None
    door = db.session.get(Door, entry[0])
    if door is None or door.event_id != event.id or not doors.session_matches(door, entry[1]):
        return None
    # A tablet's own door of an account opens only while that account is logged in here.
    if door.user_id is not None and not (
        _account_may_scan(event) and current_user.id == door.user_id
    ):
        return None
    if ratelimit.count(_ended_key(entry[2]), window=DOOR_SESSION_LIFETIME, now=now):
        return None
    return door


def remembered(event: Event, door: Door) -> bool:
    """Tell whether ``door`` is the one this browser's door session holds for ``event``."""
    entry = (session.get(SESSION_KEY) or {}).get(str(event.id))
    return door.id is not None and _well_formed(entry) and entry[0] == door.id


def door_for_request(
    event: Event, *, check_csrf: bool = False, create: bool | None = None
) -> Door | None:
    """Return the door this request scans at, or None when it may not scan here.

    Cookie-based access (door session, account) must also pass the CSRF check
    on state changes; a bearer token is not sent by browsers on their own.
    An account's own door is created on a write unless ``create`` says otherwise.
    """
    token = bearer_token(request)
    if token is not None:
        door = doors.door_by_token(token)
        return door if door is not None and door.event_id == event.id else None
    door = _session_door(event)
    if door is None and _account_may_scan(event):
        writes = request.method not in SAFE_METHODS if create is None else create
        door = doors.door_for_user(event, current_user, now=utcnow(), create=writes)
        if not door.active:
            return None
    if door is not None and check_csrf and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return door
