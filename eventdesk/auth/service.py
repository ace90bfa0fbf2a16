"""Account look-ups and password checks."""

import re

from sqlalchemy import select

from eventdesk.auth.models import User
from eventdesk.db import db
from eventdesk.extensions import login_manager
from eventdesk.inputs import normalize_email

# Checked against when the address is unknown, so a wrong address takes as
# long as a wrong password and timing reveals no accounts.
_DUMMY = User(password_hash="scrypt:32768:8:1$aaaaaaaaaaaaaaaa$" + "0" * 128)
# "<account id>.<session generation>", ASCII digits only and small enough for the database.
_SESSION_ID = re.compile(r"([0-9]{1,9})\.([0-9]{1,9})")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the active account stored in the session, if its sessions were not ended."""
    match = _SESSION_ID.fullmatch(session_id)
    if match is None:
        return None
    user = db.session.get(User, int(match[1]))
    if user is None or not user.active or int(match[2]) != user.session_generation:
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active account for ``email`` if ``password`` is right."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        _DUMMY.check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
