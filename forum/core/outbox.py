"""Queueing an e-mail from any layer. The outbox is the notifications package's; it plugs its
`queue_mail` in when it is imported (create_app imports every package), so the packages below
it (accounts: confirmations, resets) send mail without importing it."""
from collections.abc import Callable

_queue: Callable | None = None


def register(queue: Callable) -> None:
    global _queue
    _queue = queue


def queue_mail(recipient: str, subject: str, body: str, **options):
    """The message queued in the outbox, sent only if the caller's transaction commits."""
    if _queue is None:
        raise RuntimeError("no outbox: forum.notifications is not imported")
    return _queue(recipient, subject, body, **options)
