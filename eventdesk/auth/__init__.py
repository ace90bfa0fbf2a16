"""Accounts, roles and login for the back office and the door."""
