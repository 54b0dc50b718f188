"""Subscriptions, in-site notifications, the e-mail outbox and feeds."""
