"""Imported by exit_status.py: modules next to the script are importable."""
VALUE = 42
