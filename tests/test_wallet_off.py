"""Without wallet settings no button shows and the pass addresses do not exist."""

from backoffice import add_guest
from test_wallet import ticket_mail_text


def test_no_wallet_buttons_or_passes_without_configuration(app, client, make_event):
    event = make_event()
    guest = add_guest(event, "Ada", "ada@example.org")
    assert "wallet" not in client.get(f"/r/{guest.manage_token}").get_data(as_text=True).lower()
    assert "wallet" not in ticket_mail_text(app, guest).lower()
    for path in ("ticket.pkpass", "google"):
        assert client.get(f"/r/{guest.manage_token}/wallet/{path}").status_code == 404
    registered = client.get(f"/events/{event.slug}/registered").get_data(as_text=True)
    assert "wallet" not in registered.lower()
