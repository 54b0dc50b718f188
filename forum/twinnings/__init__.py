"""Twinnings: transfers of a practice between cities, their participants and events."""
