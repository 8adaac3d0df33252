"""Notifiers that reach people through apprise URLs."""
