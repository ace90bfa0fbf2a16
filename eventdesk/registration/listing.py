"""The attendee query: what the organiser's list, its badges and its exports filter on.

Read from the query string once, turned into WHERE clauses here, so the
attendee list, the badge sheet and anything else that follows the list's
filter select the same guests.
"""

from dataclasses import dataclass

from sqlalchemy import func, or_

from eventdesk.events.models import Event
from eventdesk.inputs import strict_int
from eventdesk.registration.models import Registration, RegistrationStatus

SORTS = {
    "registered": Registration.id,
    "name": func.lower(Registration.name),
    "organisation": func.lower(Registration.organisation),
    "status": Registration.status,
    "checked_in": Registration.checked_in_at,
}
STATUSES = {s.value for s in RegistrationStatus}


@dataclass(frozen=True)
class ListQuery:
    """What the organiser asked the list for, already cleaned."""

    search: str = ""
    status: str = ""
    checked: str = ""
    sort: str = "registered"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "ListQuery":
        """Read the query string; unknown or malformed values fall back to the defaults."""
        page = args.get("page", "1")
        return cls(
            search=args.get("q", "").strip()[:200],
            status=args.get("status", "") if args.get("status") in STATUSES else "",
            checked=args.get("checked", "") if args.get("checked") in ("yes", "no") else "",
            sort=args.get("sort", "") if args.get("sort") in SORTS else "registered",
            descending=args.get("order") == "desc",
            page=strict_int(page, minimum=1, maximum=1_000_000) or 1,
        )

    def args(self, **changes) -> dict:
        """Return the query string for this list with ``changes`` applied."""
        values = {
            "q": self.search, "status": self.status, "checked": self.checked, "sort": self.sort,
            "order": "desc" if self.descending else "", "page": self.page,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None, 1)}

    def order(self):
        """Return the ORDER BY column this query asks for, in its direction."""
        column = SORTS[self.sort]
        return column.desc() if self.descending else column.asc()


def conditions(event: Event, query: ListQuery) -> list:
    """Return the WHERE clauses for the registrations that match the search and filters."""
    clauses = [Registration.event_id == event.id]
    if query.search:
        # autoescape: a % or _ typed in the search is a plain character.
        word = query.search.lower()
        clauses.append(
            or_(
                func.lower(Registration.name).contains(word, autoescape=True),
                Registration.email_normalized.contains(word, autoescape=True),
                func.lower(Registration.organisation).contains(word, autoescape=True),
                Registration.ticket_code == query.search.upper().replace(" ", ""),
            )
        )
    if query.status:
        clauses.append(Registration.status == RegistrationStatus(query.status))
    if query.checked == "yes":
        clauses.append(Registration.checked_in_at.is_not(None))
    elif query.checked == "no":
        clauses.append(Registration.checked_in_at.is_(None))
    return clauses
