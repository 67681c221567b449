"""Notifications: what happened that concerns a person, with a link to it."""
