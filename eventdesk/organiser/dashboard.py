"""Dashboard figures and their charts, drawn as SVG geometry on the server."""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from eventdesk.db import db
from eventdesk.events.models import Event
from eventdesk.registration.models import Registration, RegistrationStatus

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 220, 40, 28, 12
LIVE_BEFORE, LIVE_AFTER = timedelta(hours=3), timedelta(hours=2)
MAX_BARS = 48
MAX_DAYS = 90
# Room per axis label in SVG units: "16-12" or "10:40" at the chart's font size.
LABEL_ROOM = 56
MAX_BAR_WIDTH = 56


@dataclass
class Chart:
    """What the template draws: bars or a line, axis ticks, and a text alternative."""

    bars: list[dict] = field(default_factory=list)
    points: str = ""
    dots: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    summary: str = ""
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def empty(self) -> bool:
        return not self.bars and not self.points and not self.dots


def _y_ticks(top: int) -> tuple[int, list[dict]]:
    step = max(1, _nice_step(top / 4))
    ceiling = max(step, -(-top // step) * step)
    ticks = [
        {"y": _y(value, ceiling), "label": value} for value in range(0, ceiling + 1, step)
    ]
    return ceiling, ticks


def _nice_step(raw: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if step >= raw:
            return step
    return int(raw) + 1


def _y(value: float, ceiling: int) -> float:
    usable = HEIGHT - PAD_BOTTOM - PAD_TOP
    return round(HEIGHT - PAD_BOTTOM - usable * value / ceiling, 1)


def _label_every(count: int, room: float) -> int:
    """Return how many points share one axis label so that labels never overlap."""
    return max(1, math.ceil(count * LABEL_ROOM / room))


def bar_chart(series: list[tuple[str, int]], summary: str) -> Chart:
    """Lay out one bar per (label, value); as many labels as fit are written under the axis."""
    if not series:
        return Chart(summary=summary)
    ceiling, ticks = _y_ticks(max(value for _, value in series))
    slot = (WIDTH - PAD_LEFT) / len(series)
    every = _label_every(len(series), WIDTH - PAD_LEFT)
    # One bar alone would fill the chart; keep bars slim and centred in their slot.
    width = min(slot * 0.8, MAX_BAR_WIDTH)
    chart = Chart(y_ticks=ticks, summary=summary)
    for index, (label, value) in enumerate(series):
        x = PAD_LEFT + index * slot
        top = _y(value, ceiling)
        chart.bars.append({
            "x": round(x + (slot - width) / 2, 1), "y": top, "w": round(width, 1),
            "h": round(HEIGHT - PAD_BOTTOM - top, 1), "label": label, "value": value,
        })
        if index % every == 0:
            chart.x_labels.append({"x": round(x + slot / 2, 1), "label": label, "anchor": "middle"})
    return chart


def line_chart(series: list[tuple[str, int]], summary: str) -> Chart:
    """Lay out a running total as a polyline."""
    if not series:
        return Chart(summary=summary)
    ceiling, ticks = _y_ticks(max(value for _, value in series))
    step = (WIDTH - PAD_LEFT - 10) / max(len(series) - 1, 1)
    every = _label_every(len(series), WIDTH - PAD_LEFT - 10)
    chart = Chart(y_ticks=ticks, summary=summary)
    points = []
    last = len(series) - 1
    for index, (label, value) in enumerate(series):
        x = round(PAD_LEFT + index * step, 1)
        points.append(f"{x},{_y(value, ceiling)}")
        # The last point is always labelled; a regular label too close to it gives way.
        if (index % every == 0 and last - index >= every) or index == last:
            chart.x_labels.append({"x": x, "label": label, "anchor": "middle"})
    if len(series) == 1:
        # A line needs two points: one day alone is drawn as a dot in the middle.
        x = PAD_LEFT + (WIDTH - PAD_LEFT) / 2
        chart.dots.append({"x": round(x, 1), "y": _y(series[0][1], ceiling),
                           "label": series[0][0], "value": series[0][1]})
        chart.x_labels = [{"x": round(x, 1), "label": series[0][0], "anchor": "middle"}]
        chart.points = ""
        return chart
    # The first and last labels sit at the edges: keep them inside the picture.
    chart.x_labels[0]["anchor"] = "start"
    if len(chart.x_labels) > 1:
        chart.x_labels[-1]["anchor"] = "end"
    chart.points = " ".join(points)
    return chart


def status_counts(event: Event) -> dict[str, int]:
    """Count registrations per status, and those checked in."""
    counts = {status.value: 0 for status in RegistrationStatus}
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    for status, number in rows:
        counts[status.value] = number
    counts["checked_in"] = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id, Registration.checked_in_at.is_not(None)
        )
    ) or 0
    return counts


def by_organisation(event: Event, *, limit: int = 12) -> list[tuple[str, int]]:
    """Return the organisations with the most live registrations."""
    name = func.trim(Registration.organisation)
    rows = db.session.execute(
        select(name, func.count())
        .where(Registration.event_id == event.id,
               Registration.status != RegistrationStatus.CANCELLED)
        .group_by(name)
        .order_by(func.count().desc(), name)
        .limit(limit)
    )
    return [(organisation or "–", number) for organisation, number in rows]


def _moments(event: Event, column) -> list[datetime]:
    statement = (
        select(column)
        .where(Registration.event_id == event.id, column.is_not(None))
        .order_by(column)
        .execution_options(yield_per=2000)
    )
    zone = event.zone
    return [moment.astimezone(zone) for moment in db.session.scalars(statement)]


def registrations_over_time(event: Event) -> list[tuple[str, int]]:
    """Return the running total of registrations per day, in the event's zone."""
    per_day = Counter(moment.date() for moment in _moments(event, Registration.created_at))
    if not per_day:
        return []
    day, last = min(per_day), max(per_day)
    total, series = 0, []
    while day <= last:
        total += per_day.get(day, 0)
        series.append((day.strftime("%d-%m"), total))
        day += timedelta(days=1)
    return series


def registrations_per_day(event: Event) -> list[tuple[str, int]]:
    """Return new registrations per day in the event's zone (the latest days if many)."""
    per_day = Counter(moment.date() for moment in _moments(event, Registration.created_at))
    if not per_day:
        return []
    day, last = min(per_day), max(per_day)
    series = []
    while day <= last:
        series.append((day.strftime("%d-%m"), per_day.get(day, 0)))
        day += timedelta(days=1)
    return series[-MAX_DAYS:]


def arrivals(event: Event) -> list[tuple[str, int]]:
    """Return check-ins per 10 minutes (the latest bars when the door was open long)."""
    buckets = Counter(
        moment.replace(minute=moment.minute - moment.minute % 10, second=0, microsecond=0)
        for moment in _moments(event, Registration.checked_in_at)
    )
    if not buckets:
        return []
    slot, last = min(buckets), max(buckets)
    series = []
    while slot <= last:
        series.append((slot.strftime("%H:%M"), buckets.get(slot, 0)))
        slot += timedelta(minutes=10)
    return series[-MAX_BARS:]


def is_live(event: Event, *, now: datetime) -> bool:
    """Tell whether the doors may be open, so the page should refresh itself."""
    return event.starts_at - LIVE_BEFORE <= now <= event.ends_at + LIVE_AFTER
