"""Gemellaggi: the co-design and twinning community for Italian municipalities."""
from forum.app import create_app

__all__ = ["create_app"]
