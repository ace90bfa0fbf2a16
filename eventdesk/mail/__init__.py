"""Outgoing mail: the outbox table, SMTP delivery and the development mailbox."""
