"""Test data for cities, networks and twinnings, made through the services (as staff would)."""
from datetime import timedelta
from decimal import Decimal

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.extensions import db
from forum.places import services as places
from forum.twinnings import services as twinnings

BG_LE = "la-governance-della-smart-city-and-community-bg-le"


def staff_user():
    user = db.session.scalar(db.select(User).where(User.username_key == "curator"))
    if user is None:
        from forum.accounts.services import create_user

        user = create_user("curator", "curator@example.org", "x" * 12, role="staff",
                           confirmed=True)
    return user


def city(slug, name, population=None, **extra):
    data = {"slug": slug, "name": name, "population": population, **extra}
    found = places.city_by_slug(slug)
    if found is not None:
        return places.update_city(staff_user(), found, data) if extra else found
    return places.create_city(staff_user(), data)


def bergamo_lecce(app, *, participants=0, events=True):
    """The Bergamo–Lecce twinning with its cities; commits; returns the slug."""
    with app.test_request_context():
        staff = staff_user()
        bergamo = city("bergamo", "Bergamo", 120287)
        lecce = city("lecce", "Lecce", 83303)
        twinning = twinnings.create_twinning(staff, {
            "title": "La Governance della Smart City and Community. BG-LE",
            "description": "Un ambiente di **co-progettazione** di idee e soluzioni.",
            "objectives": "Lo scambio dei processi di governance e il trasferimento di know-how.",
            "results": "Il Comune di Bergamo ha costituito l'Associazione Bergamo Smart City.",
            "status": "active", "themes": ["governance"],
            "cities": [{"city": bergamo, "role": "transferring"},
                       {"city": lecce, "role": "beneficiary"}],
        })
        if events:
            now = utcnow()
            twinnings.create_event(staff, twinning, {
                "title": "Incontro in diretta", "place": "Lecce",
                "stream_url": "https://stream.example.org/bg-le",
                "starts_at": now - timedelta(minutes=30), "ends_at": now + timedelta(hours=1)})
        add_participants(twinning, participants)
        db.session.commit()
        return twinning.slug


def add_participants(twinning, n, prefix="part"):
    # Rows made directly: hashing 50 passwords would only slow the test down.
    start = db.session.scalar(db.select(db.func.count(User.id)))
    for i in range(n):
        name = f"{prefix}{start + i}"
        user = User(username=name, username_key=name, email=f"{name}@example.org",
                    full_name=f"Persona {start + i}", listed=True, joined_at=utcnow(),
                    email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.flush()
        twinnings.join(user, twinning)


def lecce_with_totals(app, projects=1):
    with app.test_request_context():
        lecce = city("lecce", "Lecce", 83303, declared_projects=25,
                     declared_investment=Decimal("15659005"),
                     totals_source="Comune di Lecce, profilo Smart City",
                     totals_as_of=utcnow().date().replace(year=2015, month=11, day=9))
        for i in range(projects):
            places.create_project(staff_user(), lecce, {
                "title": f"Progetto {i}", "description": "Testo", "status": "in-progress",
                "investment": Decimal("1000")})
        db.session.commit()
        return lecce.slug
