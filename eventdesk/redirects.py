"""Where a ``?next=`` parameter may send a visitor: only to a path on this site."""

import unicodedata
from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri


def _plain_path(target: str) -> bool:
    """Tell whether ``target`` is an absolute path with no scheme, host or tricks."""
    try:
        parts = urlsplit(target)
    except ValueError:  # a malformed host part ("//[evil")
        return False
    return (
        not parts.scheme
        and not parts.netloc
        and parts.path.startswith("/")
        and not target.startswith("//")
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Return ``target`` if it is a path on this site, else ``default``."""
    if not target or len(target) > 2048 or "\\" in target:
        return default
    # Browsers drop tab and line breaks from a Location ("/\t/evil" is
    # "//evil"), and other whitespace or invisible characters have no place in
    # a path of ours either: refuse them all rather than guess what remains.
    if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in target):
        return default
    if not _plain_path(target):
        return default
    # Check what the Location header will hold after Werkzeug's normalisation too.
    return target if _plain_path(iri_to_uri(target)) else default
