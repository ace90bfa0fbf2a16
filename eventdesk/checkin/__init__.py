"""Door check-in: doors and their secrets, the scan log, the check-in page and API."""
