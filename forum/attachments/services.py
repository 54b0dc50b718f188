"""Attachments: checking, storing, listing and serving files attached to content.

The type is decided by the content, never by the name or the browser's Content-Type: PDF and
images by their magic numbers (`filetype`), office documents by looking inside the ZIP (a
renamed archive or executable has none of the parts a real DOCX, XLSX, ODT or ODS has).
Files are stored under random names; the original name is only ever a download name.

Each kind of owner (twinning, project, post…) registers how to load an owner and who may see
it; an attachment is served only to those who may see its owner.
"""
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from forum.attachments.models import Attachment
from forum.core.db import is_savepoint_release
from forum.core.uploads import UploadError, max_upload_bytes, save_upload, upload_folder
from forum.extensions import db

FOLDER = "attachments"

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

ALLOWED = {
    "pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG,
    "docx": DOCX, "xlsx": XLSX, "odt": ODT, "ods": ODS,
}
OOXML_PART = {DOCX: "word/", XLSX: "xl/"}
ODF_TYPES = {ODT, ODS}
# A request may carry this many times the file limit, so an oversized file reaches the form
# (which keeps the rest of what was typed) instead of ending in a bare 413 page.
BODY_ALLOWANCE = 3


class UploadFileError(UploadError):
    """A refused file; the message is translated and names the file."""


@dataclass
class CheckedFile:
    """A file whose size and content passed the checks, not yet stored."""

    name: str
    extension: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OwnerType:
    load: Callable[[int], object | None]
    can_view: Callable[[object, object], bool]
    url: Callable[[object], str]


OWNER_TYPES: dict[str, OwnerType] = {}


def register_owner(name: str, load, can_view, url) -> None:
    """Declare a kind of owner: how to load one by id, who may see it, and its page."""
    OWNER_TYPES[name] = OwnerType(load=load, can_view=can_view, url=url)


def allowed_types_label() -> str:
    return "PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG"


# --- checking -----------------------------------------------------------------------------


def clean_name(filename: str) -> str:
    """The name to offer on download: no folders, no control characters, not too long."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot else name[:200]
    return name or "file"


def _zip_has_parts(data: bytes, content_type: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if content_type in OOXML_PART:
                part = OOXML_PART[content_type]
                return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)
            if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                return False
            return archive.read("mimetype").decode("ascii", "replace").strip() == content_type
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False


def content_matches(data: bytes, content_type: str) -> bool:
    if content_type in OOXML_PART or content_type in ODF_TYPES:
        return data.startswith(b"PK\x03\x04") and _zip_has_parts(data, content_type)
    kind = filetype.guess(data)
    return kind is not None and kind.mime == content_type


def check_file(storage) -> CheckedFile:
    """Read an uploaded file and check its extension, size and content; raise UploadFileError."""
    name = clean_name(storage.filename)
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED:
        raise UploadFileError(_("%(name)s: choose a file of one of these types: %(types)s.",
                                name=name, types=allowed_types_label()))
    limit = max_upload_bytes()
    # From the start: a write retried after a conflict reads the same upload again.
    storage.stream.seek(0)
    data = storage.stream.read(limit + 1)
    if not data:
        raise UploadFileError(_("%(name)s: the file is empty.", name=name))
    if len(data) > limit:
        raise UploadFileError(_("%(name)s is larger than %(size)s MB, the most the site accepts.",
                                name=name, size=current_app.config["FORUM_MAX_UPLOAD_MB"]))
    content_type = ALLOWED[extension]
    if not content_matches(data, content_type):
        raise UploadFileError(_("%(name)s: the content of the file is not a %(type)s document.",
                                name=name, type=extension.upper()))
    return CheckedFile(name=name, extension=extension, content_type=content_type, data=data)


def check_files(files: Iterable) -> list[CheckedFile]:
    """Every non-empty upload of a multiple file field, checked; the first refusal raises."""
    return [check_file(f) for f in files or () if f is not None and getattr(f, "filename", "")]


# --- storing ------------------------------------------------------------------------------


def store(uploader, owner_type: str, owner_id: int, checked: Iterable[CheckedFile]):
    """Write checked files under random names and add their rows (flushed, not committed)."""
    if owner_type not in OWNER_TYPES:
        raise ValueError(f"unknown attachment owner type {owner_type!r}")
    rows = []
    for item in checked:
        stored = save_upload(item.data, FOLDER, item.extension)
        _remember(db.session, "new", stored)
        row = Attachment(owner_type=owner_type, owner_id=owner_id, original_name=item.name,
                         stored_name=stored, content_type=item.content_type, size=len(item.data),
                         uploaded_by_id=getattr(uploader, "id", None))
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def attach(uploader, owner_type: str, owner_id: int, files: Iterable):
    """Check then store the uploads of a file field; nothing is stored if one is refused."""
    return store(uploader, owner_type, owner_id, check_files(files))


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row now and the file once the transaction commits."""
    _remember(db.session, "gone", attachment.stored_name)
    db.session.delete(attachment)
    db.session.flush()


def delete_attachments_of(owner_type: str, owner_id: int) -> None:
    for attachment in attachments_of(owner_type, owner_id):
        delete_attachment(attachment)


def _remember(session, kind: str, stored_name: str) -> None:
    session.info.setdefault(f"attachments_{kind}", []).append(stored_name)


def _remove_files(names) -> None:
    for name in names:
        try:
            (upload_folder(FOLDER) / name).unlink(missing_ok=True)
        except OSError:
            current_app.logger.exception("Could not remove attachment file %s", name)


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if is_savepoint_release(session):
        return
    session.info.pop("attachments_new", None)
    gone = session.info.pop("attachments_gone", None)
    if gone:
        _remove_files(gone)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    # Files written for rows that were never committed would be orphans.
    if previous_transaction.nested:
        return
    session.info.pop("attachments_gone", None)
    new = session.info.pop("attachments_new", None)
    if new:
        _remove_files(new)


# --- reading ------------------------------------------------------------------------------


def attachments_of(owner_type: str, owner_id: int) -> list[Attachment]:
    query = (select(Attachment)
             .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
             .order_by(Attachment.created_at, Attachment.id))
    return list(db.session.scalars(query))


def attachments_of_many(owner_type: str, owner_ids: Iterable[int]) -> dict[int, list]:
    """Attachments of several owners in one query, keyed by owner id."""
    ids = list(owner_ids)
    found: dict[int, list] = {i: [] for i in ids}
    if not ids:
        return found
    query = (select(Attachment)
             .where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(ids))
             .order_by(Attachment.created_at, Attachment.id))
    for row in db.session.scalars(query):
        found[row.owner_id].append(row)
    return found


def uploaded_by(user) -> list[Attachment]:
    query = select(Attachment).where(Attachment.uploaded_by_id == user.id).order_by(Attachment.id)
    return list(db.session.scalars(query))


def owner_url(attachment: Attachment) -> str | None:
    kind = OWNER_TYPES.get(attachment.owner_type)
    owner = kind.load(attachment.owner_id) if kind else None
    return kind.url(owner) if owner is not None else None


def file_path(attachment: Attachment) -> Path:
    return upload_folder(FOLDER) / attachment.stored_name


def export_rows(user) -> list[dict]:
    """The attachments a member uploaded, for the account export."""
    return [{"name": a.original_name, "type": a.content_type, "size": a.size,
             "attached_to": f"{a.owner_type}:{a.owner_id}",
             "uploaded_at": a.created_at.isoformat()} for a in uploaded_by(user)]
