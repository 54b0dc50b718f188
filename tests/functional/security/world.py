"""The world the route table runs in: one member of every role and one of every object.

Everything is made through the services, inside the test's rolled-back transaction, and the
world keeps only ids, slugs and tokens, so URLs are built from it after its session is gone.
"""
import io
from dataclasses import dataclass, field
from datetime import timedelta

from flask import session
from flask_wtf.csrf import generate_csrf
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from forum.extensions import db
from tests.fixtures.web import PASSWORD, link_in

# The seven roles of DESIGN.md section 7, in the order the table lists them.
VISITOR = "visitor"
UNCONFIRMED = "unconfirmed"
MEMBER = "member"
AUTHOR = "author"
STAFF = "staff"
ADMIN = "admin"
SUSPENDED = "suspended"
ROLES = (VISITOR, UNCONFIRMED, MEMBER, AUTHOR, STAFF, ADMIN, SUSPENDED)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> (id, username)
    ids: dict = field(default_factory=dict)
    slugs: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)

    def user_id(self, role: str) -> int:
        return self.users[role][0]

    def username(self, role: str) -> str:
        return self.users[role][1]


def _png() -> FileStorage:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 102, 204)).save(out, "PNG")
    out.seek(0)
    return FileStorage(out, filename="ritratto.png", content_type="image/png")


def _last_link(path_part: str) -> str:
    from forum.notifications.models import OutboxMessage

    for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())):
        if path_part in message.body:
            return link_in(message.body, path_part)
    raise AssertionError(f"no mail with a link to {path_part}")


def build_world() -> World:
    """One of everything the routes need; needs a request context; flushes, never commits."""
    from forum.accounts import services as accounts
    from forum.attachments import services as attachments
    from forum.calls import services as calls
    from forum.calls.models import ROME
    from forum.core.db import utcnow
    from forum.discussions import services as discussions
    from forum.discussions.models import Post
    from forum.moderation import services as moderation
    from forum.places import services as places
    from forum.practices import services as practices
    from forum.twinnings import services as twinnings

    w = World()
    people = {}
    for role, account_role, confirmed in (
        (UNCONFIRMED, "member", False), (MEMBER, "member", True), (AUTHOR, "member", True),
        (STAFF, "staff", True), (ADMIN, "admin", True), (SUSPENDED, "member", True),
    ):
        user = accounts.create_user(f"sec-{role}", f"sec-{role}@example.org", PASSWORD,
                                    role=account_role, confirmed=confirmed, listed=True,
                                    full_name=f"Persona {role.title()}")
        people[role] = user
        w.users[role] = (user.id, user.username)
    staff, author, member = people[STAFF], people[AUTHOR], people[MEMBER]

    # The author's public profile has a picture, so the avatar route has something to serve.
    accounts.update_profile(author, {
        "full_name": "Autrice Di Prova", "profession": "Project manager", "organisation_id": None,
        "new_organisation": None, "organisation_kind": None, "city_id": None,
        "bio": "Lavoro sui *gemellaggi*.", "preferred_language": "it", "listed": True,
        "avatar": _png()})

    # The member keeps their profile out of the directory; their picture follows it.
    accounts.update_profile(member, {
        "full_name": "Persona Riservata", "profession": None, "organisation_id": None,
        "new_organisation": None, "organisation_kind": None, "city_id": None, "bio": None,
        "preferred_language": "it", "listed": False, "avatar": _png()})

    # Places: two cities, an organisation, a project with news, a network with a member.
    bergamo = places.create_city(staff, {"slug": "sec-bergamo", "name": "Bergamo",
                                         "population": 120287})
    lecce = places.create_city(staff, {"slug": "sec-lecce", "name": "Lecce",
                                       "population": 83303})
    council = places.organisation_named("Comune di Lecce (prova)", "public-administration")
    # The member works for a council: it can say the council adopted the author's offer.
    member.organisation = council
    project = places.create_project(staff, lecce, {
        "title": "Piattaforma open data", "description": "Dati *aperti*.",
        "status": "in-progress"})
    places.add_news(staff, project, {"title": "Avvio", "body": "Il progetto parte."})
    network = places.create_network(staff, {"slug": "sec-rete", "name": "Rete di prova"})
    network_member = places.add_network_member(staff, network, city=bergamo)
    w.slugs.update(city=lecce.slug, network=network.slug)
    w.ids.update(project=project.id, network_member=network_member.id)

    # A twinning of the two cities, in the network, with an event.
    twinning = twinnings.create_twinning(staff, {
        "slug": "sec-bg-le", "title": "Gemellaggio di prova BG-LE",
        "description": "Co-progettazione.", "status": "active", "themes": ["governance"],
        "network": network,
        "cities": [{"city": bergamo, "role": "transferring"},
                   {"city": lecce, "role": "beneficiary"}],
    })
    now = utcnow()
    event = twinnings.create_event(staff, twinning, {
        "title": "Incontro", "place": "Lecce", "starts_at": (now + timedelta(days=3)).replace(
            tzinfo=None), "ends_at": (now + timedelta(days=3, hours=2)).replace(tzinfo=None)})
    twinnings.join(author, twinning)
    twinnings.attend(author, event)
    w.slugs["twinning"] = twinning.slug
    w.ids["event"] = event.id
    w.ids["attendance"] = twinnings.attendance_of(author, event).id

    # The author's discussion: the opening post, a reply with a PDF, and a reply staff deleted.
    discussion = discussions.start_discussion(author, twinning, "Come partire", "Primo passo.")
    reply = discussions.reply(author, discussion, "Una risposta.")
    attachment = attachments.attach(author, "post", reply.id, [
        FileStorage(io.BytesIO(PDF), filename="piano.pdf", content_type="application/pdf")])[0]
    gone = discussions.reply(author, discussion, "Una risposta cancellata.")
    discussions.delete_post(staff, gone)
    # A second discussion of the author's, locked by staff after the author replied.
    closed = discussions.start_discussion(author, twinning, "Discussione chiusa", "Apertura.")
    locked_reply = discussions.reply(author, closed, "Prima della chiusura.")
    discussions.set_locked(staff, closed, True)
    # Hidden by staff: a reply of the author's, and a whole discussion of theirs.
    hidden_reply = discussions.reply(author, discussion, "Il mio numero di telefono è…")
    hidden_file = attachments.attach(author, "post", hidden_reply.id, [
        FileStorage(io.BytesIO(PDF), filename="privato.pdf", content_type="application/pdf")])[0]
    moderation.hide(staff, "post", hidden_reply, "Dati personali")
    hidden = discussions.start_discussion(author, twinning, "Discussione nascosta", "Spam.")
    moderation.hide(staff, "discussion", hidden, "Spam")
    # An open report: the member reported the author's reply.
    moderation.report(member, "post", reply, "off-topic", "Non c'entra.")
    w.ids.update(hidden_post=hidden_reply.id, hidden_discussion=hidden.id,
                 hidden_attachment=hidden_file.id)
    w.names["hidden_attachment"] = hidden_file.original_name
    opening = db.session.scalar(select(Post).where(Post.discussion_id == discussion.id,
                                                   Post.number == 1))
    w.ids.update(discussion=discussion.id, opening_post=opening.id, post=reply.id,
                 deleted_post=gone.id, attachment=attachment.id, locked_discussion=closed.id,
                 locked_post=locked_reply.id)
    w.names["attachment"] = attachment.original_name

    # The author's practice.
    practice = practices.create_practice(author, {
        "kind": "offer", "title": "Gioco civico", "summary": "Coinvolgere con il gioco.",
        "body": "Come abbiamo fatto.", "language": "it", "themes": ["governance"]})
    practice_file = attachments.attach(author, "practice", practice.id, [
        FileStorage(io.BytesIO(PDF), filename="scheda.pdf", content_type="application/pdf")])[0]
    hidden_practice = practices.create_practice(author, {
        "kind": "seek", "title": "Cerco pubblicità", "summary": "Spam.", "body": "Spam.",
        "language": "it", "themes": ["governance"]})
    moderation.hide(staff, "practice", hidden_practice, "Spam")
    # Another practice of the author's, which the member's council adopted.
    adopted = practices.create_practice(author, {
        "kind": "offer", "title": "Bilancio partecipativo", "summary": "Decidere insieme.",
        "body": "Come funziona.", "language": "it", "themes": ["governance"]})
    adoption = practices.mark_adopted(member, adopted)
    w.ids.update(practice=practice.id, practice_attachment=practice_file.id,
                 hidden_practice=hidden_practice.id, adopted_practice=adopted.id,
                 adoption=adoption.id)

    # Calls: one staff published, one the author proposed; the author follows the first and
    # keeps a saved search, which give the unsubscribe link and a saved search id.
    def call_fields(title):
        deadline = (now + timedelta(days=30)).astimezone(ROME).replace(
            tzinfo=None, second=0, microsecond=0)
        return {"title": title, "issuer": "Commissione europea", "level": "eu",
                "programme": "URBACT IV", "summary": "Per le città.", "body": "Testo.",
                "applicants": ["municipalities"], "themes": ["open-data"],
                "total_budget": None, "max_grant": None, "cofunding_rate": None,
                "opens_on": (now - timedelta(days=10)).astimezone(ROME).date(),
                "deadline": deadline, "official_url": "https://example.org/bando",
                "is_example": False}

    call = calls.create_call(staff, call_fields("Bando pubblicato"))
    proposed = calls.create_call(author, call_fields("Bando proposto"))
    calls.follow(author, call)
    search = calls.save_search(author, calls.Filters(theme="open-data"))
    w.ids.update(call=call.id, proposed_call=proposed.id, saved_search=search.id)
    w.tokens["unsubscribe"] = calls.unsubscribe_token(calls.follow_of(author, call))

    # Links a member gets by e-mail: confirm, reset, change of address.
    accounts.send_confirmation(people[UNCONFIRMED])
    w.tokens["confirm"] = _last_link("/auth/confirm/").rsplit("/", 1)[1]
    accounts.request_password_reset(member.email)
    w.tokens["reset"] = _last_link("/auth/reset/").rsplit("/", 1)[1]
    accounts.request_email_change(member, "sec-member-new@example.org", PASSWORD)
    w.tokens["email"] = _last_link("/account/email/").rsplit("/", 1)[1]

    # A message the sender gave up on: the parked-mail page lists it, with a retry button.
    from forum.notifications.services import queue_mail

    parked = queue_mail("sec-nobody@example.invalid", "Non consegnata", "Testo.")
    parked.attempts, parked.parked_at = 10, now
    parked.last_error = "SMTPRecipientsRefused: <sec-nobody@example.invalid> <script>x</script>"
    w.ids["parked_mail"] = parked.id

    db.session.flush()
    return w


# --- signing in --------------------------------------------------------------------------------


def csrf_token_for(app, client) -> str:
    """A valid CSRF token tied to `client`'s session, without fetching a page."""
    with client.session_transaction() as stored:
        raw = stored.get("csrf_token")
    with app.test_request_context():
        if raw is not None:
            session["csrf_token"] = raw
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    return token


def signed_in_client(app, world: World, role: str):
    """A test client signed in through the real sign-in form as `role` (none for visitors).

    The suspended member signs in while still in good standing and is suspended afterwards,
    so their open session is what the table proves dead.
    """
    client = app.test_client()
    if role == VISITOR:
        return client
    # The suspended member ticks "remember me": neither cookie may outlive the suspension.
    response = client.post("/auth/login", data={
        "csrf_token": csrf_token_for(app, client), "login": world.username(role),
        "password": PASSWORD, **({"remember": "y"} if role == SUSPENDED else {})})
    assert response.status_code == 302, f"{role} could not sign in"
    if role == SUSPENDED:
        # Live first: the session works until the suspension, which must end it at once.
        assert client.get("/account/profile").status_code == 200
        suspend(app, world.user_id(role))
    return client


def suspend(app, user_id: int) -> None:
    from forum.accounts.models import User
    from forum.core.db import utcnow

    with app.app_context():
        db.session.get(User, user_id).suspended_until = utcnow() + timedelta(days=7)
        db.session.commit()
