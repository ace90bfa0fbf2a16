"""The event dashboard, and its live part that the page reloads during the event."""

from flask import g, render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from eventdesk.checkin import offline
from eventdesk.db import utcnow
from eventdesk.i18n import current_language
from eventdesk.organiser import dashboard
from eventdesk.organiser.blueprint import bp
from eventdesk.organiser.tallies import answer_tallies


def _figures(event) -> dict:
    counts = dashboard.status_counts(event)
    over_time = dashboard.registrations_over_time(event)
    arrivals = dashboard.arrivals(event)
    organisations = dashboard.by_organisation(event)
    per_day = dashboard.registrations_per_day(event)
    # Counted outside the ngettext call: a "_" inside it confuses the message extractor.
    busy_days = sum(1 for _day, number in per_day if number)
    return {
        "counts": counts,
        "organisations": organisations,
        "org_max": max((n for _, n in organisations), default=1),
        "over_time": dashboard.line_chart(
            over_time,
            ngettext("%(num)d registration in total", "%(num)d registrations in total",
                     over_time[-1][1] if over_time else 0),
        ),
        "per_day": dashboard.bar_chart(
            per_day,
            ngettext("%(num)d day with registrations", "%(num)d days with registrations",
                     busy_days),
        ),
        "tallies": answer_tallies(event, current_language()),
        "arrivals": dashboard.bar_chart(
            arrivals,
            _("%(count)d of %(total)d confirmed guests have arrived.",
              count=counts["checked_in"], total=counts["confirmed"]),
        ),
        "updated_at": utcnow(),
    }


@bp.get("/events/<slug>/dashboard")
def dashboard_page(slug: str):
    """Show registrations, arrivals and counts for one event."""
    return render_template(
        "organiser/dashboard.html", event=g.event,
        live=dashboard.is_live(g.event, now=utcnow()), **_figures(g.event),
        conflicts=offline.conflicts(g.event),
    )


@bp.get("/events/<slug>/dashboard/live")
def dashboard_live(slug: str):
    """Return the dashboard's figures as an HTML fragment for the live refresh."""
    return render_template("organiser/_dashboard_figures.html", event=g.event, **_figures(g.event))
