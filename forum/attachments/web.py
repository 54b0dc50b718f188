"""For the views of packages whose forms take files: the larger body limit of those forms."""
from flask import request

from forum.attachments.services import BODY_ALLOWANCE
from forum.core.uploads import max_upload_bytes


def widen_body_limit(endpoint, values) -> None:
    """url_value_preprocessor for upload forms: runs before the CSRF check reads the body."""
    if request.method == "POST":
        request.max_content_length = max_upload_bytes() * BODY_ALLOWANCE + 1024 * 1024


def accept_uploads(blueprint, endpoints: set[str]) -> None:
    """Raise the request body limit for these endpoints before the CSRF check reads the body,
    so an oversized file gets a message on its form instead of a bare 413."""

    @blueprint.url_value_preprocessor
    def _widen(endpoint, values):
        if endpoint in endpoints:
            widen_body_limit(endpoint, values)
