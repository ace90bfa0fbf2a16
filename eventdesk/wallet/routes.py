"""Guest links to wallet passes, behind the personal manage token."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    url_for,
)

from eventdesk.db import utcnow
from eventdesk.links import external_url
from eventdesk.registration.models import Registration, RegistrationStatus
from eventdesk.registration.service import registration_by_token
from eventdesk.wallet import apple, google
from eventdesk.wallet.facts import NoPass, PassFacts, pass_facts
from eventdesk.wallet.settings import wallets

bp = Blueprint("wallet", __name__)

# A pass carries the ticket: keep it out of shared caches.
_PRIVATE = {"Cache-Control": "private, no-store"}


def _ticket(token: str, wallet: object | None) -> tuple[Registration, PassFacts]:
    """Return the guest's registration and pass facts.

    404 when this wallet is not configured or the token is unknown; 410 with a
    page that says why when the registration holds no ticket (any more).
    """
    if wallet is None:
        abort(404)
    registration = registration_by_token(token)
    if registration is None:
        abort(404)
    try:
        return registration, pass_facts(registration)
    except NoPass:
        page = render_template("wallet/no_pass.html", registration=registration)
        abort(make_response(page, 410, _PRIVATE))


@bp.get("/r/<token>/wallet/ticket.pkpass")
def apple_pass(token: str):
    """Send the guest's ticket as an Apple Wallet pass, built from the facts as they are now."""
    signer = wallets(current_app).apple
    registration, facts = _ticket(token, signer)
    headers = dict(_PRIVATE)
    headers["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.pkpass"'
    return Response(apple.build_pkpass(facts, signer), mimetype=apple.MIMETYPE, headers=headers)


@bp.get("/r/<token>/wallet/google")
def google_pass(token: str):
    """Send the guest on to Google Wallet with a freshly signed save link."""
    issuer = wallets(current_app).google
    registration, facts = _ticket(token, issuer)
    link = google.save_url(
        facts, issuer, event_id=registration.event_id,
        origin=current_app.config["BASE_URL"], now=utcnow(),
    )
    return redirect(link, 303), _PRIVATE


@bp.app_template_global()
def wallet_links(registration: Registration, external: bool = False) -> dict:
    """Return the wallet links for ``registration``'s ticket: only the configured ones."""
    configured = wallets(current_app)
    if registration.status != RegistrationStatus.CONFIRMED or not registration.ticket_code:
        return {}
    build = external_url if external else url_for
    token = registration.manage_token
    links = {}
    if configured.apple is not None:
        links["apple"] = build("wallet.apple_pass", token=token)
    if configured.google is not None:
        links["google"] = build("wallet.google_pass", token=token)
    return links


@bp.app_template_global()
def wallets_offered() -> bool:
    """Tell whether any wallet pass is configured (for the hint on the "check your inbox" page)."""
    configured = wallets(current_app)
    return configured.apple is not None or configured.google is not None
