"""Moderation: reports, the staff queue and actions, automatic defences, the audit log."""
