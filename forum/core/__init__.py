"""Pieces shared by every domain package."""
