"""Keeping the database healthy: ``flask check`` (checks.py) and ``flask backup`` (backup.py)."""
