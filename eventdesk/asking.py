"""Ask before destroying: a POST that cannot be undone first shows a confirmation page.

The page is rendered by the server, so it works without JavaScript and under the
strict Content-Security-Policy, reads well with a screen reader, and needs nothing
in the templates that post the action: the view carries the question. The
confirmation page posts the same fields again (the CSRF token included) plus
``confirmed=yes``; only then does the view run.
"""

from collections.abc import Callable
from functools import wraps

from flask import g, render_template, request, url_for

CONFIRMED = "confirmed"


def asks_first(
    question: str,
    *,
    consequence: str,
    button: str,
    back: str,
    keep: tuple[str, ...] = ("slug",),
    subject: Callable[..., str | None] | None = None,
):
    """Make a POST view show a confirmation page unless the form says ``confirmed=yes``.

    ``back`` is the endpoint the "keep" choice returns to, built from the view
    arguments named in ``keep``; ``subject`` names what is affected (a guest, a door).
    """

    def decorate(view):
        @wraps(view)
        def asking(*args, **kwargs):
            if request.form.get(CONFIRMED) == "yes":
                return view(*args, **kwargs)
            fields = [(name, value) for name, value in request.form.items(multi=True)
                      if name != CONFIRMED]
            named = subject(**kwargs) if subject else None
            return render_template(
                "organiser/confirm.html", event=getattr(g, "event", None),
                question=str(question), consequence=str(consequence), button=str(button),
                subject=named,
                action=url_for(request.endpoint, **(request.view_args or {})),
                back=url_for(back, **{name: kwargs[name] for name in keep if name in kwargs}),
                fields=fields,
            )

        return asking

    return decorate
