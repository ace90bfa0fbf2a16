"""How often a door PIN may be tried, per address and per event, without locking doors.

The door page lists no doors: a PIN is tried against every PIN door of the
event, so a guess at one event is a guess at all its doors at once, and the
limits below count per event (that is, for every door of it together).
"""

from datetime import datetime, timedelta

from eventdesk import ratelimit
from eventdesk.auth.throttle import Checks, Rule, key, succeeded
from eventdesk.events.models import Event

# One event from one address: ten free tries (six digits typed on a tablet go
# wrong now and then), then 15 s, 30 s, 1 min, ... up to an hour: about 40 a day.
PIN_PAIR = Rule(10, timedelta(seconds=15), timedelta(hours=1), timedelta(days=1))
# One address, whatever the event: room for the tablets of several doors
# behind the venue's address, then the same doubling: about 50 a day.
PIN_ADDRESS = Rule(20, timedelta(seconds=15), timedelta(hours=1), timedelta(days=1))
# One event from everywhere: at most ten minutes' wait, so a volunteer is
# slowed, never shut out, while a botnet gets about 170 checked guesses a day;
# with a six-digit PIN and k doors that is a chance of 170 * k in a million a
# day. Addresses that opened a door of the event with a PIN lately are exempt.
PIN_EVENT = Rule(20, timedelta(seconds=15), timedelta(minutes=10), timedelta(days=1))
KNOWN_ADDRESS = timedelta(days=30)


def pin_checks(event: Event, address: str | None, *, now: datetime) -> list[tuple[Rule, str]]:
    """Return the keys a PIN attempt at ``event`` from ``address`` is counted against."""
    address = address or "unknown"
    checks = [(PIN_PAIR, key("pin-pair", event.id, address))]
    if not ratelimit.count(key("pin-known", event.id, address), window=KNOWN_ADDRESS, now=now):
        checks.append((PIN_ADDRESS, key("pin-address", address)))
        checks.append((PIN_EVENT, key("pin-event", event.id)))
    return checks


def pin_succeeded(checks: Checks, event: Event, address: str | None, *, now: datetime) -> None:
    """Forget this address's wrong PINs at ``event``; remember it as a door's address."""
    succeeded(checks, personal=[key("pin-pair", event.id, address or "unknown")], now=now)
    ratelimit.hit(key("pin-known", event.id, address or "unknown"), window=KNOWN_ADDRESS, now=now)
