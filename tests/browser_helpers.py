"""Watch a browser page for Content-Security-Policy violations."""

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
