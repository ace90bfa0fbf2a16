"""Slowing down password and PIN guessing without locking anyone out.

There are no hard locks: a stranger who could lock an account or a door could
lock out the organiser or the volunteers on the event day. Instead every
attempt is counted against a few keys (the account or door together with the
client address, the address alone, and the account or event as a whole) in the
shared rate counters. Each key has a small free allowance; past it, the n-th
further attempt is let through only once ``first_delay * (2**n - 1)`` has passed
since the key's first attempt in the window, so the gaps between the attempts
that are checked double (up to ``max_delay``). An attempt that must wait is
answered at once, with how long to wait, and its password or PIN is not
checked at all.

Attempts are counted first and judged on the total the counting statement
returns, so parallel requests cannot all slip under an allowance; an attempt
that is turned away is taken back, so hammering does not push the wait further
out (which would amount to a lock again).
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _

from eventdesk import ratelimit
from eventdesk.inputs import normalize_email


@dataclass(frozen=True)
class Rule:
    """How many attempts a key gets free, and how the wait grows after that."""

    allowance: int
    first_delay: timedelta
    max_delay: timedelta
    window: timedelta

    def wait_before(self, attempt: int) -> timedelta:
        """Return how long after the window's start the ``attempt``-th attempt may be checked."""
        extra = attempt - self.allowance
        total = timedelta(0)
        delay = self.first_delay
        # Doubling reaches max_delay within a few dozen steps; linear after that.
        while extra > 0 and delay < self.max_delay:
            total += delay
            delay *= 2
            extra -= 1
        return total + max(extra, 0) * self.max_delay


class Throttled(Exception):
    """The attempt must wait; nothing was checked."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__(wait)
        self.wait = wait

    @property
    def retry_after(self) -> int:
        """Return the wait in whole seconds, rounded up (for ``Retry-After``)."""
        return max(1, math.ceil(self.wait.total_seconds()))

    def wait_text(self) -> str:
        """Return the wait in words, in the visitor's language, never shorter than it is."""
        seconds = self.retry_after
        if seconds >= 120:
            seconds = math.ceil(seconds / 60) * 60
        # threshold=2: "90 seconds" and "61 minutes" rather than "2 minutes" and "1 hour".
        return format_timedelta(timedelta(seconds=seconds), threshold=2)

    def message(self) -> str:
        """Return the visitor's explanation: too many attempts, and how long to wait."""
        return _("Too many attempts. Please wait %(wait)s and try again.", wait=self.wait_text())

    def headers(self) -> dict[str, str]:
        """Return the headers of the 429 answer."""
        return {"Retry-After": str(self.retry_after)}


Checks = Sequence[tuple[Rule, str]]


def key(kind: str, *parts: object) -> str:
    """Return a counter key for ``kind``; the parts (addresses, emails) are stored only hashed."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"{kind}:{digest[:40]}"


def admit(checks: Checks, *, now: datetime) -> None:
    """Count one attempt against every key, or raise Throttled and count none.

    The caller should commit before the slow password or PIN check, so no
    lock is held while it runs.
    """
    # One order for every request, so two transactions never wait on each other's rows.
    checks = sorted(checks, key=lambda check: check[1])
    longest = timedelta(0)
    for rule, counter in checks:
        attempt, started = ratelimit.hit_since(counter, window=rule.window, now=now)
        longest = max(longest, started + rule.wait_before(attempt) - now)
    if longest > timedelta(0):
        for rule, counter in checks:
            ratelimit.release(counter, window=rule.window, now=now)
        raise Throttled(longest)


def succeeded(checks: Checks, *, personal: Sequence[str], now: datetime) -> None:
    """Forget the failures of the ``personal`` keys; take this attempt back from the others.

    A right password is no guess: it should not use up the allowance that an
    address shared by many colleagues has.
    """
    for rule, counter in sorted(checks, key=lambda check: check[1]):
        if counter in personal:
            ratelimit.clear(counter)
        else:
            ratelimit.release(counter, window=rule.window, now=now)


# Login. A day's window: the free allowance comes back a day after the first
# failure, or at once with the right password from the same place.
#
# One account from one address: five free tries cover a fumbled password on a
# phone; then 15 s, 30 s, 1 min, ... up to an hour between tries: at most 35
# checked guesses a day, and a forgetful organiser waits an hour at worst.
LOGIN_PAIR = Rule(5, timedelta(seconds=15), timedelta(hours=1), timedelta(days=1))
# One address, whatever the account (guessing many accounts): room for a team
# behind one office or venue address, then the same doubling: 50 a day.
LOGIN_ADDRESS = Rule(20, timedelta(seconds=15), timedelta(hours=1), timedelta(days=1))
# One account from everywhere (guessing from many addresses): never more than
# five minutes' wait, so it only slows; it caps a botnet at about 310 checked
# guesses per account a day. Addresses the account logged in from are exempt.
LOGIN_ACCOUNT = Rule(20, timedelta(seconds=15), timedelta(minutes=5), timedelta(days=1))
# How long an address stays "one this account logs in from".
KNOWN_ADDRESS = timedelta(days=30)


def _pair(email: str, address: str | None) -> tuple[str, str]:
    return normalize_email(email)[:254], address or "unknown"


def login_checks(email: str, address: str | None, *, now: datetime) -> list[tuple[Rule, str]]:
    """Return the keys a login attempt for ``email`` from ``address`` is counted against.

    From an address the account logged in from lately, only that pair counts:
    failures from anywhere else, or of other accounts behind the same
    address, cannot slow the organiser down there.
    """
    email, address = _pair(email, address)
    checks = [(LOGIN_PAIR, key("login-pair", email, address))]
    known = ratelimit.count(key("login-known", email, address), window=KNOWN_ADDRESS, now=now)
    if not known:
        checks.append((LOGIN_ADDRESS, key("login-address", address)))
        checks.append((LOGIN_ACCOUNT, key("login-account", email)))
    return checks


def login_succeeded(
    checks: Checks, email: str, address: str | None, *, now: datetime
) -> None:
    """Forget this pair's failures and remember the address as one the account uses."""
    email, address = _pair(email, address)
    succeeded(checks, personal=[key("login-pair", email, address)], now=now)
    ratelimit.hit(key("login-known", email, address), window=KNOWN_ADDRESS, now=now)
