"""The version of each dataset, moved on by every change that can alter its rows."""
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db


class DatasetVersion(db.Model):
    """A counter per dataset: part of its ETag, and its Last-Modified.

    Derived fingerprints (row count, highest id) miss changes that alter neither, such as a
    practice hidden and another published; a counter moved in the same transaction as the
    change cannot.
    """

    __tablename__ = "opendata_versions"

    dataset: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
