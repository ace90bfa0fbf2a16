"""Switching language on the event page keeps what the guest typed (static/js/forms.js)."""

import re

import pytest
from browser_helpers import watch_csp

from eventdesk.events.models import Question, QuestionKind

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def fill_in_dutch_and_switch(browser, live_server, event, *, javascript: bool):
    """Type into the Dutch form, switch to English; return the page's form values."""
    context = browser.new_context(locale="nl-NL", java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    csp = watch_csp(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/events/{event.slug}")
    page.get_by_label("Naam").fill("Zoë de Vries")
    page.get_by_label("E-mailadres").fill("zoe@example.org")
    page.get_by_label("Organisatie (bedrijf of school)").fill("Tata Steel")
    page.get_by_role("radio", name="Nee").check()
    page.get_by_label("Dieetwensen").fill("geen noten")
    page.locator(".language-switch a[lang=en]").click()
    page.get_by_label(re.compile(r"^Name\b")).wait_for()
    kept = {
        "name": page.get_by_label(re.compile(r"^Name\b")).input_value(),
        "email": page.get_by_label(re.compile(r"^Email address\b")).input_value(),
        "organisation": page.get_by_label(re.compile("^Organisation")).input_value(),
        "dinner": page.get_by_role("radio", name="No").is_checked(),
        "diet": page.get_by_label("Dietary needs").input_value(),
    }
    context.close()
    assert errors == [] and csp == []
    return kept


def test_switching_language_keeps_typed_values(browser, live_server, make_event):
    event = make_event(questions=[
        Question(position=1, kind=QuestionKind.YES_NO, label_nl="Blijf je eten?",
                 label_en="Staying for dinner?", required=True),
        Question(position=2, kind=QuestionKind.TEXT, label_nl="Dieetwensen",
                 label_en="Dietary needs"),
    ])
    typed = {"name": "Zoë de Vries", "email": "zoe@example.org",
             "organisation": "Tata Steel", "dinner": True, "diet": "geen noten"}
    assert fill_in_dutch_and_switch(browser, live_server, event, javascript=True) == typed
    # The script is what keeps them: without it the English form starts empty.
    assert fill_in_dutch_and_switch(browser, live_server, event, javascript=False) == {
        "name": "", "email": "", "organisation": "", "dinner": False, "diet": ""}
