"""The ticket mail as SpamAssassin scores it, with its local rules only (no network)."""

import re
import shutil
import subprocess

import pytest
from mail_helpers import deliver

from eventdesk.db import db
from eventdesk.registration import service

SPAMASSASSIN = shutil.which("spamassassin")
# Rules that would mean the mail looks like a picture with little text, or lacks a
# header every real mail has: none of these may fire.
OURS_TO_AVOID = re.compile(r"HTML_IMAGE_|MIME_HTML_ONLY|MISSING_|MPART_ALT_DIFF|HTML_SHORT_|"
                           r"INVALID_|DATE_IN_|MIME_QP_LONG_LINE|HTML_MIME_NO_HTML_TAG")


@pytest.fixture
def app_config(app_config, smtp):
    app_config["SMTP_URL"] = smtp.url
    return app_config


def spam_status(raw: bytes, tmp_path) -> tuple[float, list[str]]:
    """Return SpamAssassin's score and the rules that fired, local tests only."""
    result = subprocess.run(
        [SPAMASSASSIN, "-t", "-L", "--cf=use_bayes 0", "-p", str(tmp_path / "user_prefs")],
        input=raw, capture_output=True, check=True, timeout=120,
    )
    headers = result.stdout.split(b"\n\n", 1)[0].decode("utf-8", "replace")
    status = re.search(r"^X-Spam-Status: (.*?)(?=^\S)", headers, re.M | re.S).group(1)
    score = float(re.search(r"score=(-?[\d.]+)", status).group(1))
    rules = re.search(r"tests=(.*?) autolearn", " ".join(status.split())).group(1)
    return score, [rule for rule in rules.replace(" ", "").split(",") if rule != "none"]


# make test installs spamassassin (the Makefile's spamassassin target); a machine
# without it skips, as the LibreOffice test does.
@pytest.mark.skipif(SPAMASSASSIN is None, reason="spamassassin is not installed here")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_ticket_mail_scores_as_plain_mail(app, smtp, make_event, now, tmp_path, language):
    event = make_event()
    service.register(event, email="zoe@example.org", name="Zoë de Vries", now=now,
                     language=language)
    db.session.commit()
    deliver(app)
    score, rules = spam_status(smtp.received[0].data, tmp_path)
    # Measured: 0.1 (TRACKER_ID, the ticket code printed under its QR, as it must be).
    assert score < 1.0, (score, rules)
    assert not [rule for rule in rules if OURS_TO_AVOID.match(rule)], rules
