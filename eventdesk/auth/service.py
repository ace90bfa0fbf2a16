"""Account look-ups and password checks."""

import hmac

from sqlalchemy import select

from eventdesk.auth.models import User
from eventdesk.db import db
from eventdesk.extensions import login_manager

# Checked against when the address is unknown, so a wrong address takes as
# long as a wrong password and timing reveals no accounts.
_DUMMY = User(password_hash="scrypt:32768:8:1$aaaaaaaaaaaaaaaa$" + "0" * 128)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the active account stored in the session, if its password is unchanged."""
    user_id, _, mark = session_id.partition(".")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(mark, user.password_mark()):
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active account for ``email`` if ``password`` is right."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        _DUMMY.check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
