"""Slack's Events API: a receiver that verifies and lands events (receiver.py), and the landing store
a sensor reads them from (landing.py)."""
