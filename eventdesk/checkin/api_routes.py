"""The check-in JSON API, for the door page and for other scanners.

Decided scans answer 200 with ``status`` ok or error; 4xx is kept for
requests that are malformed or not allowed.
"""

from typing import NoReturn

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk.checkin import doors, listing, offline, scanlog, service
from eventdesk.checkin.access import (
    door_for_request,
    event_by_slug,
    opens_before,
    remember_door,
    scanning_at,
)
from eventdesk.checkin.bearer import AnyDoor, AnyEvent
from eventdesk.checkin.models import Door
from eventdesk.checkin.walkin import walk_in
from eventdesk.db import db, utcnow
from eventdesk.events.models import Event
from eventdesk.extensions import csrf
from eventdesk.i18n import current_language

bp = Blueprint("checkin_api", __name__, url_prefix="/api/v1/events/<slug>")
# Cookie-based callers are checked inside door_for_request; bearer callers need no CSRF.
csrf.exempt(bp)


def _problem(code: int, reason: str, message: str):
    response = jsonify(status="error", reason=reason, message=message)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="eventdesk"'
    return response


def _refuse(event: object) -> NoReturn:
    if event is None:
        abort(404)
    message = _("Sign in at the door, or send a valid door token. Revoked doors are refused.")
    abort(_problem(401, "unauthorized", message))


def _door(slug: str, *, writes: bool) -> tuple[Event, Door]:
    event = event_by_slug(slug)
    door = door_for_request(event, check_csrf=writes) if event is not None else None
    if door is None:
        _refuse(event)
    return event, door


def _scanner(slug: str) -> tuple[AnyEvent, AnyDoor]:
    """Return the event and door of a scan or an undo (plain facts for a bearer token)."""
    event, door = scanning_at(slug, check_csrf=True)
    if door is None:
        _refuse(event)
    return event, door


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(_problem(400, "bad_request", _("Send a JSON object.")))
    nonce = data.get("nonce")
    if nonce is not None and (not isinstance(nonce, str) or len(nonce) > scanlog.NONCE_MAX):
        abort(_problem(400, "bad_nonce", _("The nonce must be text of at most 64 characters.")))
    return data


def _text(data: dict, key: str, limit: int) -> str:
    value = data.get(key) or ""
    if not isinstance(value, str):
        abort(_problem(400, "bad_request", _("The field %(field)s must be text.", field=key)))
    return " ".join(scanlog.printable(value, limit * 2).split())[:limit]


@bp.post("/checkins")
def check_in(slug: str):
    """Check in a ticket code (or a guest picked from search)."""
    if isinstance(request.get_json(silent=True), dict) and "offline_at" in request.get_json():
        return _queued_check_in(slug)
    event, door = _scanner(slug)
    data = _body()
    registration_id = data.get("registration")
    if registration_id is not None:
        result = service.check_in_registration(
            event, registration_id, door=door, nonce=data.get("nonce"), now=utcnow(),
            opens_before=opens_before(),
        )
    else:
        code = data.get("code")
        result = service.check_in(
            event, code if isinstance(code, str) else "", door=door, nonce=data.get("nonce"),
            now=utcnow(), opens_before=opens_before(),
        )
    answer = result.as_json(event)  # before the commit expires what it reads
    db.session.commit()
    return answer


def _queued_check_in(slug: str):
    """Record a check-in the door admitted offline, with the time it happened."""
    event, door = _door(slug, writes=True)
    data = _body()
    now = utcnow()
    try:
        at = offline.parse_scan_time(data.get("offline_at"), now=now)
    except offline.BadScanTime:
        abort(_problem(400, "bad_time", _("The scan time is missing, malformed or too old.")))
    result = offline.queued_check_in(
        event, data.get("registration"), door=door, nonce=data.get("nonce"), at=at, now=now,
        opens_before=opens_before(),
    )
    answer = result.as_json(event)  # before the commit expires what it reads
    db.session.commit()
    return answer


@bp.post("/checkins/queued")
def queued_check_ins(slug: str):
    """Record a batch of scans the door decided offline (check-ins, refusals), oldest first."""
    event, door = _door(slug, writes=True)
    data = _body()
    scans = data.get("scans")
    if not isinstance(scans, list) or not 0 < len(scans) <= offline.BATCH_MAX:
        abort(_problem(400, "bad_request", _("Send a list of at most %(count)d scans.",
                                             count=offline.BATCH_MAX)))
    now = utcnow()
    answers = []
    for scan in scans:
        nonce = scan.get("nonce") if isinstance(scan, dict) else None
        if not isinstance(nonce, str) or not 0 < len(nonce) <= scanlog.NONCE_MAX:
            answers.append({"status": "error", "reason": "bad_nonce"})
            continue
        try:
            at = offline.parse_scan_time(scan.get("offline_at"), now=now)
        except offline.BadScanTime:
            answers.append({"status": "error", "reason": "bad_time", "nonce": nonce})
            continue
        result = offline.queued_scan(
            event, scan, door=door, nonce=nonce, at=at, now=now, opens_before=opens_before(),
        )
        answers.append(result.as_json(event) | {"nonce": nonce})
    db.session.commit()
    return {"results": answers}


@bp.get("/checkins/snapshot")
def snapshot(slug: str):
    """Return what the door needs to decide scans offline (all, or changes since a cursor)."""
    event, door = _door(slug, writes=False)
    since = offline.parse_cursor(request.args.get("since", "")[:40])
    answer = offline.snapshot(event, since)
    answer["key"] = offline.door_key(door)
    answer["door"] = door.name
    db.session.commit()
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/checkins/undo")
def undo(slug: str):
    """Take back a check-in."""
    event, door = _scanner(slug)
    data = _body()
    result = service.undo(event, data.get("registration"), door=door, nonce=data.get("nonce"),
                          now=utcnow())
    answer = result.as_json(event)  # before the commit expires what it reads
    db.session.commit()
    return answer


@bp.get("/checkins/search")
def search(slug: str):
    """Find guests by name, organisation or email."""
    event, door = _door(slug, writes=False)
    # Accounts (door staff, organisers) are named people who log in and may
    # see the addresses they see today. A door opened by link, PIN or token
    # may be in anyone's hands: it sees names and organisations only, and
    # finds a guest by address only when given the whole address.
    account = door.user_id is not None
    found = listing.search(event, request.args.get("q", "")[:200], email_parts=account)
    results = []
    for registration in found:
        at = registration.checked_in_at
        result = {
            "id": registration.id,
            "name": registration.name,
            "organisation": registration.organisation,
            "status": registration.status.value,
            "checked_in_at": at.isoformat().replace("+00:00", "Z") if at else None,
            "checked_in_time": at.astimezone(event.zone).strftime("%H:%M") if at else None,
        }
        if account:
            result["email"] = registration.email
        results.append(result)
    db.session.commit()
    return {"results": results}


@bp.get("/checkins/counts")
def counts(slug: str):
    """Return how many guests are in and how many are expected."""
    event, _door_ = _door(slug, writes=False)
    answer = listing.counts(event)
    db.session.commit()
    return answer


@bp.post("/walkins")
def create_walk_in(slug: str):
    """Register a guest at the door and check them in."""
    event, door = _door(slug, writes=True)
    data = _body()
    name = _text(data, "name", 200)
    email = _text(data, "email", 254)
    if not name:
        abort(_problem(400, "name_required", _("Please enter a name.")))
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            abort(_problem(400, "invalid_email", _("Please enter a valid email address.")))
    result = walk_in(
        event, name=name, email=email, organisation=_text(data, "organisation", 200),
        override=data.get("override") is True, door=door, nonce=data.get("nonce"),
        now=utcnow(), language=current_language(), opens_before=opens_before(),
    )
    answer = result.as_json(event)  # before the commit expires what it reads
    db.session.commit()
    return answer


def _name_problem(error: doors.DoorError):
    if isinstance(error, doors.BadDoorName):
        messages = {
            "empty": _("Give this entrance a name."),
            "long": _("An entrance name has at most %(max)d characters.",
                      max=doors.TABLET_NAME_MAX),
            "control": _("An entrance name cannot hold line breaks or control characters."),
        }
        return _problem(400, "bad_name", messages[error.problem])
    if isinstance(error, doors.DoorClosed):
        return _problem(403, "door_closed", _("This door has been closed"))
    return _problem(409, "name_taken", _("That name is taken; choose another."))


@bp.post("/door")
def name_door(slug: str):
    """Name this tablet's door (an account's tablets each scan at their own door)."""
    event = event_by_slug(slug)
    # Not created here: a tablet that names itself at once needs no account-named door.
    door = door_for_request(event, check_csrf=True, create=False) if event is not None else None
    if door is None:
        _refuse(event)
    if door.user_id is None:
        # A link, PIN or token opens a door the organiser named; its tablets share it.
        abort(_problem(409, "named_by_organiser", _("The organiser names this door.")))
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        abort(_problem(400, "bad_name", _("Give this entrance a name.")))
    try:
        door = doors.door_for_tablet(event, current_user, data["name"], now=utcnow())
    except doors.DoorError as error:
        db.session.rollback()
        return _name_problem(error)
    remember_door(door)
    answer = {"status": "ok", "door": door.name, "id": door.id}
    db.session.commit()
    return answer
