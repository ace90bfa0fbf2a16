"""What a guest typed into a registration form that failed, kept for the next page.

After a failed POST the browser shows the POST's answer; reloading it, or
following the language switch (a GET of the same URL), would otherwise lose
everything. The typed values wait in the guest's own session cookie until the
event page shows them again, once.
"""

from flask import session
from werkzeug.datastructures import MultiDict

from eventdesk.registration import screening

_KEY = "registration_draft"
# Neither a token nor the bot checks' fields: those are fresh on every page.
_NOT_KEPT = frozenset({"csrf_token", "ref_code", screening.STAMP_FIELD})
# A session cookie must stay under the browser's 4 KB; a draft beyond this is dropped.
_MAX_CHARS = 2500


def keep(slug: str, formdata: MultiDict) -> None:
    """Keep the values typed into the registration form of event ``slug``."""
    fields = [
        [name, value] for name, value in formdata.items(multi=True)
        if name not in _NOT_KEPT and isinstance(value, str)
    ]
    if sum(len(name) + len(value) for name, value in fields) > _MAX_CHARS:
        session.pop(_KEY, None)
        return
    session[_KEY] = {"slug": slug, "fields": fields}


def take(slug: str) -> MultiDict | None:
    """Return (and forget) the values kept for event ``slug``, if any."""
    draft = session.get(_KEY)
    if not isinstance(draft, dict) or draft.get("slug") != slug:
        return None
    session.pop(_KEY, None)
    fields = draft.get("fields")
    if not isinstance(fields, list):
        return None
    return MultiDict(
        (name, value) for name, value in (tuple(pair) for pair in fields if len(pair) == 2)
        if isinstance(name, str) and isinstance(value, str)
    )


def forget() -> None:
    """Drop any kept values: the registration went through."""
    session.pop(_KEY, None)
