"""What can go wrong when registering, as exceptions the views map to messages."""

from eventdesk.events.service import RegistrationWindow
from eventdesk.registration.models import Registration


class RegistrationError(Exception):
    """A registration cannot be made or changed."""


class RegistrationNotOpen(RegistrationError):
    """The event does not take registrations now."""

    def __init__(self, window: RegistrationWindow) -> None:
        super().__init__(window.value)
        self.window = window


class AlreadyCancelled(RegistrationError):
    """The registration was cancelled before."""


class InvitationRequired(RegistrationError):
    """The event is by invitation: only personal invitation links can register."""


class NotWaitlisted(RegistrationError):
    """Only a guest on the waiting list can be promoted."""


class NoSeatFree(RegistrationError):
    """The event is full."""


class AlreadyRegistered(RegistrationError):
    """This address has a live registration for the event already."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(registration.email)
        self.registration = registration
