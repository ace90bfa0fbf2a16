"""Messages to guests: the automatic reminder, updates to chosen guests, a word afterwards.

The invitations package keeps its own "remind the silent" round: it nudges
invitees to answer, with their yes/no links, before they are guests at all.
Writing freely to invitees who have not answered is an audience here.
"""
