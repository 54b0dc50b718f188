"""The e-mail outbox: mail is queued in the caller's transaction and delivered later."""
from forum.extensions import db
from forum.notifications.models import OutboxMessage


def queue_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a plain-text message; it is sent only if the caller's transaction commits."""
    message = OutboxMessage(recipient=recipient, subject=str(subject), body=str(body))
    db.session.add(message)
    db.session.flush()
    return message
