"""Calls for funding (bandi): the list, follows, reminders, saved searches and calendars."""
