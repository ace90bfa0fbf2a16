"""Invitations: invitee lists, personal yes/no links, reminders and plus-ones."""
