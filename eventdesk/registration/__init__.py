"""Registrations: who is coming, the waiting list and guest self-service."""
