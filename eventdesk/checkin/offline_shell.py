"""The door page's service worker: what a tablet keeps to reload the door without a network."""

import hashlib
import json
import os

from flask import Response, current_app, url_for

from eventdesk import staticfiles
from eventdesk.events.models import Event

# Everything the door page loads: the shell's styles and scripts, the barcode
# reader and its wasm. (Sounds are made with the Web Audio API: no files.)
DOOR_ASSETS = (
    "favicon.svg",
    "css/app.css",
    "css/checkin.css",
    "js/forms.js",
    "js/checkin.js",
    "js/checkin-offline.js",
    "js/checkin-badges.js",
    "vendor/barcode-detector-polyfill.js",
    "vendor/zxing_reader.wasm",
)
WORKER = "js/checkin-sw.js"


def asset_urls() -> list[str]:
    """Return the content-hashed addresses of the door's static files that exist."""
    return [url_for("static", filename=name) for name in DOOR_ASSETS
            if staticfiles.content_hash(name) is not None]


def service_worker(event: Event) -> Response:
    """Return the worker script for ``event``'s door page."""
    shell = url_for("checkin.page", slug=event.slug)
    assets = asset_urls()
    with open(os.path.join(current_app.static_folder, WORKER), encoding="utf-8") as handle:
        body = handle.read()
    # A new version whenever a file (or the worker) changes: the browser then installs it.
    version = hashlib.sha256(json.dumps([assets, body]).encode()).hexdigest()[:12]
    prologue = (f"var SHELL = {json.dumps(shell)};\nvar ASSETS = {json.dumps(assets)};\n"
                f"var VERSION = {json.dumps(version)};\n")
    response = Response(prologue + body, mimetype="text/javascript")
    # Browsers check a worker for updates themselves; no cache in between.
    response.headers["Cache-Control"] = "no-cache"
    return response
