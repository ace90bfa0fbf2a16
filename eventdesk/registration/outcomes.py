"""What a registration rule did, for the one notify step to turn into mail.

The rules (``registration.admission``, ``seats``, ``service``,
``confirmation``) change registrations and seats and return an ``Outcome``;
they queue no mail. ``registration.notify.announce`` reads outcomes once
they are final, so nothing is queued for a seat that was then lost.
"""

import enum
from dataclasses import dataclass

from eventdesk.registration.models import Registration


class Happened(enum.StrEnum):
    SEATED = "seated"  # has a seat and a ticket now
    WAITLISTED = "waitlisted"  # on the waiting list
    PENDING = "pending"  # holds nothing until the guest confirms their address
    REPEATED = "repeated"  # the address was registered already; nothing changed
    PROMOTED = "promoted"  # moved up from the waiting list to a seat
    CANCELLED = "cancelled"
    RENAMED = "renamed"  # a confirmed guest's name changed: their invite names them
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Outcome:
    """What happened to one registration, and to the guests it moved up."""

    registration: Registration
    happened: Happened
    # False when an earlier row of the same address was started again.
    new_row: bool = True
    # A seat given past the capacity (a walk-in let in by the door).
    forced: bool = False
    # A cancellation: whether the guest had a seat (their calendar entry goes).
    was_confirmed: bool = False
    # Guests who got the seat a cancellation gave back.
    promoted: tuple[Registration, ...] = ()

    @property
    def created(self) -> bool:
        """Tell whether the registration was made (or made again), not merely repeated."""
        return self.happened != Happened.REPEATED
