"""Watch a browser page for Content-Security-Policy violations, script errors and failed answers."""

# Runs before the page's own scripts, in every document of the context; the
# browser reports each blocked script, style, frame or wasm compile as a
# ``securitypolicyviolation`` event, and this turns it into a console line.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked " +
                (event.blockedURI || "inline") + " on " + event.documentURI);
});
"""


def watch_csp(page) -> list[str]:
    """Collect the page's CSP violations (events and console reports) into a list."""
    violations: list[str] = []
    page.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(text)

    page.on("console", on_console)
    return violations


def watch_errors(page, *, failing_status: int = 400) -> list[str]:
    """Collect the page's script errors and answers with ``failing_status`` or above into a list."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_response(response) -> None:
        if response.status >= failing_status:
            errors.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    return errors


def log_in_in_dutch(page, live_server: str, email: str, password: str) -> None:
    """Log in through the Dutch login page, as an organiser does, and wait for the start page."""
    page.goto(f"{live_server}/language/nl?next=/organiser/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Je evenementen").wait_for()
