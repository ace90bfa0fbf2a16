"""Answers at a glance and charts that read well with one point and with many."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from backoffice import add_guest, login, make_user

from eventdesk.auth.models import Role
from eventdesk.events.models import Question, QuestionKind
from eventdesk.organiser import dashboard
from eventdesk.organiser.tallies import MAX_TEXTS, answer_tallies
from eventdesk.registration.models import RegistrationStatus


@pytest.fixture
def event(app, make_event):
    event = make_event(questions=[
        Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                 label_en="Staying for dinner?"),
        Question(position=2, kind=QuestionKind.CHOICE, label_nl="Hoe kom je?", label_en="How?",
                 choices=[{"value": "bike", "nl": "Fiets", "en": "Bike"},
                          {"value": "car", "nl": "Auto", "en": "Car"}]),
        Question(position=3, kind=QuestionKind.TEXT, label_nl="Dieetwensen", label_en="Diet"),
    ])
    dinner, travel, diet = (str(q.id) for q in event.questions)
    day = datetime(2030, 12, 1, 12, tzinfo=UTC)
    add_guest(event, "A", "a@example.org", created_at=day,
              answers={dinner: "yes", travel: "bike", diet: "Vegetarisch"})
    add_guest(event, "B", "b@example.org", created_at=day + timedelta(days=2),
              answers={dinner: "yes", travel: "bike", diet: " vegetarisch"})
    add_guest(event, "C", "c@example.org", created_at=day,
              answers={dinner: "no", diet: "Geen noten"})
    add_guest(event, "W", "w@example.org", status=RegistrationStatus.WAITLISTED, created_at=day,
              answers={dinner: "yes", travel: "car", diet: "Halal"})
    return event


def test_tallies_count_confirmed_guests_per_answer(app, event):
    with app.test_request_context():
        dinner, travel, diet = answer_tallies(event, "nl")
    assert (dinner.question, dinner.counts, dinner.answered) == (
        "Blijf je eten?", [("Ja", 2), ("Nee", 1)], 3)
    assert travel.counts == [("Fiets", 2), ("Auto", 0)]
    assert diet.free_text and diet.counts == [("Vegetarisch", 2), ("Geen noten", 1)]
    with app.test_request_context():
        assert answer_tallies(event, "en")[1].counts == [("Bike", 2), ("Car", 0)]


def test_long_free_text_lists_are_cut(app, make_event):
    event = make_event(questions=[Question(position=1, kind=QuestionKind.TEXT, label_nl="X")])
    key = str(event.questions[0].id)
    for number in range(MAX_TEXTS + 3):
        add_guest(event, f"G{number}", f"g{number}@example.org", answers={key: f"wens {number}"})
    (tally,) = answer_tallies(event, "nl")
    assert len(tally.counts) == MAX_TEXTS and tally.more == 3


def test_dashboard_shows_answers_and_registrations_per_day(client, event):
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    client.get("/language/nl")
    html = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert "Aanmeldingen per dag" in html and "Antwoorden van bevestigde gasten" in html
    assert re.search(r"<td>Ja<svg.*?</td><td class=\"num\">2</td>", html)
    assert re.search(r"<td>Vegetarisch<svg.*?</td><td class=\"num\">2</td>", html)
    assert "Halal" not in html  # the waiting list holds no seat
    assert dashboard.registrations_per_day(event) == [("01-12", 3), ("02-12", 0), ("03-12", 1)]


def _label_xs(chart) -> list[float]:
    return [label["x"] for label in chart.x_labels]


@pytest.mark.parametrize("count", [2, 7, 12, 30, 48, 90, 365])
def test_axis_labels_never_collide(count):
    series = [(f"{day % 28 + 1:02d}-12", day) for day in range(count)]
    for chart in (dashboard.bar_chart(series, ""), dashboard.line_chart(series, "")):
        xs = _label_xs(chart)
        gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
        assert xs and all(gap >= dashboard.LABEL_ROOM - 1 for gap in gaps)
        assert all(0 <= x <= dashboard.WIDTH for x in xs)
    assert dashboard.line_chart(series, "").x_labels[-1]["label"] == series[-1][0]


def test_one_point_reads_well():
    line = dashboard.line_chart([("01-12", 4)], "")
    assert not line.empty and line.points == "" and len(line.dots) == 1
    assert line.x_labels == [{"x": line.dots[0]["x"], "label": "01-12", "anchor": "middle"}]
    (bar,) = dashboard.bar_chart([("16:00", 3)], "").bars
    assert bar["w"] <= dashboard.MAX_BAR_WIDTH
    assert abs(bar["x"] + bar["w"] / 2 - (dashboard.PAD_LEFT + dashboard.WIDTH) / 2) < 1


def test_one_point_is_drawn_on_the_dashboard(client, make_event):
    event = make_event()
    add_guest(event, "A", "a@example.org")
    login(client, make_user(Role.ADMIN, "admin@example.org"))
    html = client.get(f"/organiser/events/{event.slug}/dashboard").get_data(as_text=True)
    assert '<circle class="dot"' in html and "<polyline" not in html
