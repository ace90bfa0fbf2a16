"""Static files with content-hashed addresses, cached for a year and sent gzipped.

``url_for("static", ...)`` adds ``?v=`` with a hash of the file's content, so
a changed file gets a new address and browsers may keep every address for
good. Compressible files are gzipped once per worker and kept in memory
(the door's wasm: 1.09 MB raw, about 460 KB gzipped). No extra library:
whitenoise would need a compress step at build time and its own middleware
in front of Flask, for the dozen files this app has.
"""

import gzip
import hashlib
import os
from functools import lru_cache

from flask import Flask, Response, current_app, request, send_from_directory
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
_COMPRESSIBLE = (".js", ".css", ".svg", ".wasm", ".json", ".txt", ".map", ".html")
_GZIP_MAX_BYTES = 8 * 1024 * 1024


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


@lru_cache(maxsize=64)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)


def _file(filename: str) -> str | None:
    path = safe_join(current_app.static_folder, filename)
    return path if path is not None and os.path.isfile(path) else None


def content_hash(filename: str) -> str | None:
    """Return the short content hash of a static file, or None when there is no such file."""
    path = _file(filename)
    if path is None:
        return None
    stat = os.stat(path)
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = content_hash(values["filename"])
        if version is not None:
            values["v"] = version


def serve_static(filename: str) -> Response:
    """Send a static file: for a year when asked by its current hash, gzipped when accepted."""
    response = send_from_directory(current_app.static_folder, filename)
    path = _file(filename)
    if path is None:  # send_from_directory has answered 404 already
        return response
    stat = os.stat(path)
    if request.args.get("v") == _digest(path, stat.st_mtime_ns, stat.st_size):
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    response.vary.add("Accept-Encoding")
    wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    if (response.status_code == 200 and wants_gzip and filename.endswith(_COMPRESSIBLE)
            and stat.st_size <= _GZIP_MAX_BYTES):
        body = _gzipped(path, stat.st_mtime_ns, stat.st_size)
        response.close()  # the file send_from_directory opened
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))
    return response


def init_app(app: Flask) -> None:
    """Give static addresses their content hash, and serve them cached and compressed."""
    app.url_default_functions.setdefault(None, []).append(_add_version)
    app.view_functions["static"] = serve_static
