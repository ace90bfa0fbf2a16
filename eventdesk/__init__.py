"""eventdesk: event registration, QR tickets by mail and door check-in.

Importing the package loads nothing else: ``create_app`` pulls in the whole
application (``eventdesk.app``) only when it is called.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping | None = None) -> "Flask":
    """Create and configure an eventdesk application."""
    from eventdesk.app import create_app as build

    return build(config)
