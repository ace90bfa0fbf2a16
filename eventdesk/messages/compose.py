"""Turn the compose form into a batch's fields, and show it as a chosen guest will see it."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from eventdesk.events.models import Event
from eventdesk.invitations.models import Invitee
from eventdesk.messages.forms import ComposeForm
from eventdesk.messages.models import Audience, BatchKind, MessageBatch
from eventdesk.messages.rendering import message_context
from eventdesk.messages.service import recipients
from eventdesk.registration.models import Registration

PREVIEW_CHOICES = 200
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,40}/[a-z0-9][a-z0-9.+-]{0,50}")
# Fields a test message carries in its draft (JSON: no dates, no bytes).
JSON_FIELDS = ("kind", "audience", "organisation", "question_id", "answer", "language",
               "subject_nl", "subject_en", "body_nl", "body_en", "link", "attachment_name")


@dataclass
class Draft:
    """A message as the organiser wrote it, before it is stored."""

    fields: dict
    error: str = ""

    @classmethod
    def from_form(cls, form: ComposeForm, event: Event, *, now: datetime) -> "Draft":
        """Read a validated compose form; a send time in the past is an error."""
        question_id, answer = form.question_answer()
        send_at = now
        error = ""
        if form.send_at.data:
            send_at = form.send_at.data.replace(tzinfo=event.zone).astimezone(now.tzinfo)
            if send_at <= now:
                error = _("Please choose a moment in the future, or leave it empty to send now.")
        language = form.language.data or ""

        def written(name: str, code: str) -> str:
            # One language for all: the other language's fields are not sent.
            return (form[f"{name}_{code}"].data or "") if language in ("", code) else ""

        fields = {
            "kind": BatchKind(form.kind.data),
            "audience": Audience(form.audience.data),
            "organisation": form.organisation.data or "",
            "question_id": question_id,
            "answer": answer,
            "language": language,
            "subject_nl": written("subject", "nl"),
            "body_nl": written("body", "nl"),
            "subject_en": written("subject", "en"),
            "body_en": written("body", "en"),
            "link": form.link.data or "",
            "send_at": send_at,
        }
        upload = form.attachment.data
        if upload and getattr(upload, "filename", ""):
            fields["attachment"] = upload.read()
            fields["attachment_name"] = " ".join(
                upload.filename.replace("/", "_").replace("\\", "_").split())[-200:]
            # The browser's word for the type becomes a MIME header: plain tokens only.
            kind = (upload.mimetype or "").lower()
            fields["attachment_type"] = (kind if _MIME_TYPE.fullmatch(kind)
                                         else "application/octet-stream")
        return cls(fields, error)

    def json_fields(self) -> dict:
        """Return the fields a test message's draft carries."""
        return {name: (str(self.fields[name]) if name in ("kind", "audience")
                       else self.fields.get(name, "")) for name in JSON_FIELDS}

    def batch(self, event: Event) -> MessageBatch:
        """Return an unsaved batch with these fields, for counting and previews."""
        batch = MessageBatch(event_id=event.id, **self.fields)
        batch.event = event
        return batch


@dataclass
class Preview:
    """How many guests a message reaches, and how one of them sees it."""

    count: int
    guest: Registration | Invitee | None
    choices: list[SelectChoice] = field(default_factory=list)
    context: dict | None = None


def preview(event: Event, draft: Draft, chosen: str | None) -> Preview:
    """Count the recipients and render the message as the chosen one (or the first) sees it."""
    batch = draft.batch(event)
    guests = recipients(batch)
    choices = [SelectChoice(str(guest.id), f"{guest.name} <{guest.email}>")
               for guest in guests[:PREVIEW_CHOICES]]
    guest = next((guest for guest in guests if str(guest.id) == (chosen or "")),
                 guests[0] if guests else None)
    if guest is None:
        return Preview(0, None, choices)
    language = batch.language or guest.language
    with force_locale(language):
        context = message_context(batch, guest, language)
    return Preview(len(guests), guest, choices, context)

