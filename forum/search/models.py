"""Index work that could not be done at once, kept until a later write or `search check --fix`."""
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db


class SearchPending(db.Model):
    """One document to bring in line with the database: (type, id); the op is informative.

    The indexer rebuilds the document from the row as it is when the work is applied, so
    several rows for the same document are harmless and order does not matter.
    """

    __tablename__ = "search_pending"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    doc_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(10), default="update")
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
