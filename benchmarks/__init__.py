"""Benchmarks for eventdesk: ``python -m benchmarks`` runs them all and prints one table."""
