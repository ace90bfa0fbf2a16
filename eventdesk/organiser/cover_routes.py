"""The event's cover image: upload it, replace it, remove it."""

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from eventdesk.db import db
from eventdesk.events import covers
from eventdesk.forms import Form
from eventdesk.organiser.blueprint import bp


class CoverForm(Form):
    """An image file for the event page and for shared links' previews."""

    cover = FileField(_l("Cover image"), validators=[FileRequired(_l("Choose an image."))])


def _back(slug: str):
    return redirect(url_for("organiser.edit_event", slug=slug) + "#cover")


@bp.post("/events/<slug>/cover")
def upload_cover(slug: str):
    """Store a new cover image for the event, replacing any earlier one."""
    form = CoverForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.cover.errors)) or _("Choose an image."), "error")
        return _back(slug)
    try:
        covers.set_cover(g.event, form.cover.data.read(covers.MAX_BYTES + 1))
    except covers.BadCover:
        flash(_("Please choose a JPEG, PNG or WebP image of at most 2 MB and 40 megapixels."),
              "error")
        return _back(slug)
    db.session.commit()
    flash(_("The cover image is saved."), "success")
    return _back(slug)


@bp.post("/events/<slug>/cover/remove")
def remove_cover(slug: str):
    """Take the cover image off the event."""
    form = Form()
    if form.validate_on_submit() and g.event.cover is not None:
        covers.remove_cover(g.event)
        db.session.commit()
        flash(_("The cover image is removed."), "success")
    return _back(slug)
