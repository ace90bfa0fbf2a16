"""The attendee list's pages: the list query's guests, counted and paged in the database."""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select

from eventdesk.checkin.models import Door
from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.registration.listing import ListQuery, conditions
from eventdesk.registration.models import Registration

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    rows: list[tuple[Registration, str | None]]
    total: int
    page: int
    pages: int


def attendee_page(event: Event, query: ListQuery, *, per_page: int = PER_PAGE) -> Page:
    """Return one page of the list, with each guest's check-in door name."""
    clauses = conditions(event, query)
    total = db.session.scalar(select(func.count(Registration.id)).where(*clauses)) or 0
    pages = max(ceil(total / per_page), 1)
    page = min(query.page, pages)
    rows = db.session.execute(
        select(Registration, Door.name)
        .where(*clauses)
        .outerjoin(Door, Door.id == Registration.checked_in_door_id)
        .order_by(query.order(), Registration.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(rows=[(row[0], row[1]) for row in rows], total=total, page=page, pages=pages)
