"""Who may do what: role checks and event scope, for every back-office blueprint."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, g
from flask_login import current_user, login_required
from sqlalchemy import Select, exists, select

from eventdesk.auth.models import Role, User, event_organisers
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.extensions import login_manager

BACK_OFFICE = (Role.ADMIN, Role.ORGANISER)


def require_role(*roles: Role) -> Callable:
    """Let only logged-in accounts with one of ``roles`` reach the view; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # Read by the access tests, which derive each route's expected answer from it.
        wrapped.required_roles = roles
        return wrapped

    return decorator


def can_manage_event(user: User, event: Event) -> bool:
    """Tell whether ``user`` may see and change ``event`` and its guests."""
    if not user.is_authenticated or not user.active:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.ORGANISER:
        return False
    if user.all_events:
        return True
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    event_organisers.c.user_id == user.id, event_organisers.c.event_id == event.id
                )
            )
        )
    )


def managed_event_or_403(slug: str) -> Event:
    """Return the event with ``slug`` if the current account manages it (404, 403 otherwise)."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if not current_user.is_authenticated or current_user.role not in BACK_OFFICE:
        abort(403)
    if event is None:
        abort(404)
    if not can_manage_event(current_user, event):
        abort(403)
    return event


def managed_events(user: User) -> Select:
    """Return a query for the events ``user`` manages."""
    query = select(Event)
    if user.role == Role.ADMIN or (user.role == Role.ORGANISER and user.all_events):
        return query
    if user.role != Role.ORGANISER:
        return query.where(False)
    return query.join(event_organisers, event_organisers.c.event_id == Event.id).where(
        event_organisers.c.user_id == user.id
    )


def grant_event(user: User, event: Event) -> None:
    """Make a chosen-events organiser an organiser of ``event`` too."""
    if user.role == Role.ORGANISER and not user.all_events and event not in user.events:
        user.events.append(event)


def managed_event_blueprint(name: str, import_name: str, section: str) -> Blueprint:
    """Make a blueprint under ``/organiser/events/<slug>/<section>`` whose views read ``g.event``.

    Every request is checked before its view: visitors go to the login page and
    accounts that do not manage the event get 403, so no view can forget it.
    """
    bp = Blueprint(name, import_name, url_prefix=f"/organiser/events/<slug>/{section}")

    @bp.url_value_preprocessor
    def take_slug(endpoint, values) -> None:
        g.event = None
        g.event_slug = values.pop("slug", "")

    @bp.before_request
    def require_event_access():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        g.event = managed_event_or_403(g.event_slug)
        return None

    @bp.url_defaults
    def keep_slug(endpoint, values) -> None:
        if "slug" not in values and getattr(g, "event", None) is not None:
            values["slug"] = g.event.slug

    return bp
