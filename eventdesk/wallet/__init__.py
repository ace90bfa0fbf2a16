"""Wallet passes: Apple Wallet .pkpass files and Google Wallet save links for tickets."""
