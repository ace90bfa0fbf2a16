"""A preview of an event description's Markdown, rendered as the event page will show it."""

from flask import Response
from flask_babel import gettext as _
from wtforms import TextAreaField
from wtforms.validators import Length

from eventdesk.events.display import render_markdown
from eventdesk.forms import Form
from eventdesk.organiser.blueprint import bp

MAX_TEXT = 20_000


class PreviewForm(Form):
    text = TextAreaField(validators=[Length(max=MAX_TEXT)])


@bp.post("/markdown-preview")
def markdown_preview():
    """Return the sanitised HTML of the posted Markdown, for the editor's preview pane."""
    form = PreviewForm()
    if not form.validate_on_submit():
        return Response(_("This text is too long to preview."), status=400, mimetype="text/plain")
    # The uncached function: previews are typed letter by letter and would push
    # the event pages' descriptions out of render_markdown's cache.
    html = render_markdown.__wrapped__(form.text.data or "")
    return Response(str(html), mimetype="text/html", headers={"Cache-Control": "no-store"})
