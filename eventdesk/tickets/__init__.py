"""Tickets: codes, QR images, calendar invites and the guest mails."""
