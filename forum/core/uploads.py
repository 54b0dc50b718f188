"""Uploaded files: checked by size, extension and content, images re-encoded, random names.

The content check uses `filetype` (magic numbers, pure Python): the name and the browser's
Content-Type are chosen by the sender and prove nothing. Images are decoded and re-encoded with
Pillow, which drops metadata (EXIF location) and anything hidden after the image data.
"""
import io
import secrets
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.core.db import is_savepoint_release
from forum.core.errors import ServiceError
from forum.extensions import db

IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
# A small file can still decode to a huge bitmap; refuse those before decoding.
MAX_IMAGE_PIXELS = 40_000_000


class UploadError(ServiceError):
    """An upload refused; the message is translated and meant for the form's file field."""

    def __init__(self, message: str, field: str | None = "attachments"):
        super().__init__(message, field)


def max_upload_bytes() -> int:
    return current_app.config["FORUM_MAX_UPLOAD_MB"] * 1024 * 1024


def read_upload(storage, allowed: dict[str, str], max_bytes: int | None = None) -> bytes:
    """The bytes of an uploaded file whose extension and content both are of an allowed type."""
    max_bytes = max_bytes or max_upload_bytes()
    extension = Path(storage.filename or "").suffix.lower().lstrip(".")
    if extension not in allowed:
        raise UploadError(_("Choose a file of one of these types: %(types)s.",
                            types=", ".join(sorted({e.upper() for e in allowed}))))
    data = storage.stream.read(max_bytes + 1)
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(_("The file is larger than %(size)s MB.",
                            size=max_bytes // (1024 * 1024) or 1))
    kind = filetype.guess(data)
    if kind is None or kind.mime not in set(allowed.values()):
        raise UploadError(_("The file's content is not of the type its name says."))
    return data


def resize_image(data: bytes, box: tuple[int, int]) -> tuple[bytes, str]:
    """The image shrunk to fit `box`, re-encoded as PNG (if it has transparency) or JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise UploadError(_("The image is too large."))
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise UploadError(_("The image could not be read.")) from None
    image = ImageOps.exif_transpose(image)
    image.thumbnail(box)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image.convert("RGBA").save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def upload_folder(folder: str) -> Path:
    return Path(current_app.config["FORUM_UPLOAD_DIR"]) / folder


def save_upload(data: bytes, folder: str, extension: str) -> str:
    """Store the bytes under a random name (never the sender's) and return that name."""
    directory = upload_folder(folder)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    (directory / name).write_bytes(data)
    return name


# Files replaced or erased are removed only once the database change is committed, so a
# refused form or a failed commit never leaves a row pointing at a missing file.
_PENDING = "forum.uploads.remove_after_commit"


def remove_after_commit(folder: str, name: str | None) -> None:
    if name and "/" not in name and "\\" not in name:
        db.session.info.setdefault(_PENDING, []).append(upload_folder(folder) / name)


@event.listens_for(Session, "after_commit")
def _remove_pending(session) -> None:
    if is_savepoint_release(session):
        return
    for path in session.info.pop(_PENDING, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session) -> None:
    session.info.pop(_PENDING, None)
