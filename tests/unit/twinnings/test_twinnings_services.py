"""Twinning rules: cities and roles, slugs, membership counts, event times, export/erase."""
from datetime import datetime

import pytest

from forum.core.errors import BadFilter, ServiceError
from forum.extensions import db
from forum.places import services as places
from forum.twinnings import services


@pytest.fixture
def english(app):
    """A request context in English, so messages can be read as written in the code."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def cities(ctx, english):
    return [places.create_city(None, {"name": n}) for n in ("Bergamo", "Lecce", "Matera")]


def data(cities, roles, **extra):
    return {"title": "Gemellaggio di prova", "description": "", "objectives": "",
            "results": "", **extra,
            "cities": [{"city": c, "role": r} for c, r in zip(cities, roles, strict=False)]}


def user(name, confirmed=True):
    from forum.accounts.services import create_user

    return create_user(name, f"{name}@example.org", "x" * 12, confirmed=confirmed)


@pytest.mark.parametrize("roles, message", [
    (["transferring"], "at least two cities"),
    (["transferring", "transferring"], "one beneficiary"),
    (["beneficiary", "beneficiary", "beneficiary"], "one transferring"),
])
def test_cities_and_roles_are_checked(cities, roles, message):
    with pytest.raises(ServiceError) as error:
        services.create_twinning(None, data(cities, roles))
    assert error.value.field == "cities" and message in error.value.message


def test_a_city_cannot_appear_twice(cities):
    rows = data(cities, [])
    rows["cities"] = [{"city": cities[0], "role": "transferring"},
                      {"city": cities[0], "role": "beneficiary"}]
    with pytest.raises(ServiceError, match="only once"):
        services.create_twinning(None, rows)


def test_slug_is_made_from_the_title_and_must_be_free(cities):
    first = services.create_twinning(None, data(cities, ["transferring", "beneficiary"]))
    assert first.slug == "gemellaggio-di-prova"
    with pytest.raises(ServiceError) as error:
        services.create_twinning(None, data(cities, ["transferring", "beneficiary"]))
    assert error.value.field == "slug"
    with pytest.raises(ServiceError):
        services.create_twinning(None, data(cities, ["transferring", "beneficiary"], slug="new"))


def test_creating_a_twinning_opens_its_general_discussion(cities):
    from forum.discussions.models import Discussion

    staff = user("curatrice")
    twinning = services.create_twinning(staff, data(cities, ["transferring", "beneficiary"]))
    general = db.session.scalar(db.select(Discussion).where(Discussion.twinning_id == twinning.id))
    assert general.is_general and general.author_id == staff.id


def test_editing_changes_roles_and_cities(cities):
    twinning = services.create_twinning(None, data(cities[:2], ["transferring", "beneficiary"]))
    services.update_twinning(None, twinning, data(
        [cities[1], cities[2], cities[0]], ["transferring", "beneficiary", "beneficiary"]))
    assert {(link.city.name, link.role) for link in twinning.cities} == {
        ("Lecce", "transferring"), ("Matera", "beneficiary"), ("Bergamo", "beneficiary")}


def test_join_and_leave_keep_the_count(cities):
    twinning = services.create_twinning(None, data(cities, ["transferring", "beneficiary"]))
    anna, bruno = user("anna.test"), user("bruno.test")
    assert services.join(anna, twinning) and services.join(bruno, twinning)
    assert not services.join(anna, twinning)
    assert twinning.participant_count == 2
    assert [u.username for u in services.latest_participants(twinning)] == ["bruno.test",
                                                                            "anna.test"]
    assert services.leave(anna, twinning) and not services.leave(anna, twinning)
    assert twinning.participant_count == 1


def test_export_and_erase_cover_memberships_and_attachments(cities):
    from forum.accounts import services as accounts
    from forum.attachments import services as attachments

    twinning = services.create_twinning(None, data(cities, ["transferring", "beneficiary"]))
    member = user("carla.test")
    services.join(member, twinning)
    pdf = attachments.CheckedFile("nota.pdf", "pdf", "application/pdf", b"%PDF-1.4\n%%EOF")
    attachments.store(member, "twinning", twinning.id, [pdf])
    exported = accounts.export_data(member)
    assert exported["twinning_memberships"][0]["slug"] == twinning.slug
    assert exported["attachments"][0]["name"] == "nota.pdf"
    accounts.erase_member(member)
    assert twinning.participant_count == 0
    assert services.participations_of(member) == []
    # the file stays, as a contribution
    assert len(attachments.attachments_of("twinning", twinning.id)) == 1


def test_event_times_are_italian_wall_clock_stored_in_utc(cities):
    twinning = services.create_twinning(None, data(cities, ["transferring", "beneficiary"]))
    summer = services.create_event(None, twinning, {
        "title": "Estate", "starts_at": datetime(2026, 7, 1, 10, 0),
        "ends_at": datetime(2026, 7, 1, 12, 0)})
    winter = services.create_event(None, twinning, {
        "title": "Inverno", "starts_at": datetime(2026, 1, 15, 10, 0),
        "ends_at": datetime(2026, 1, 15, 12, 0)})
    assert summer.starts_at.hour == 8 and winter.starts_at.hour == 9
    assert services.utc_to_rome(summer.starts_at) == datetime(2026, 7, 1, 10, 0)
    assert summer.is_live(summer.starts_at) and not summer.is_live(summer.ends_at)
    with pytest.raises(ServiceError):
        services.create_event(None, twinning, {
            "title": "Al contrario", "starts_at": datetime(2026, 7, 1, 10, 0),
            "ends_at": datetime(2026, 7, 1, 9, 0)})


def test_unknown_filters_raise(ctx):
    for arguments in ({"city": "atlantide", "network": None, "status": None},
                      {"city": None, "network": "nessuna", "status": None},
                      {"city": None, "network": None, "status": "dormiente"}):
        with pytest.raises(BadFilter):
            services.resolve_filters(**arguments)


def test_services_refuse_script_links_whoever_calls_them(cities):
    twinning = services.create_twinning(None, data(cities, ["transferring", "beneficiary"]))
    with pytest.raises(ServiceError) as error:
        services.create_event(None, twinning, {
            "title": "x", "starts_at": datetime(2026, 7, 1, 10),
            "ends_at": datetime(2026, 7, 1, 11),
            "stream_url": "javascript:alert(1)"})
    assert error.value.field == "stream_url"
    with pytest.raises(ServiceError):
        places.create_network(None, {"name": "Rete", "website": "data:text/html,<script>"})


def test_events_list_live_first_then_coming_then_past(app):
    from datetime import timedelta

    from forum.core.db import utcnow
    from forum.extensions import db
    from forum.twinnings import services
    from forum.twinnings.models import Event

    with app.app_context():
        twinning = _plain_twinning_for_events()
        now = utcnow()
        for title, start, hours in [("past", -48, 2), ("later", 72, 2), ("soon", 24, 2),
                                    ("live", -1, 3), ("older", -96, 2)]:
            db.session.add(Event(twinning_id=twinning.id, title=title,
                                 starts_at=now + timedelta(hours=start),
                                 ends_at=now + timedelta(hours=start + hours)))
        db.session.flush()
        titles = [e.title for e in services.events_of(twinning, now=now)]
        assert titles == ["live", "soon", "later", "past", "older"]


def _plain_twinning_for_events():
    from forum.extensions import db
    from forum.places.models import City
    from forum.twinnings.models import Twinning, TwinningCity

    city_a, city_b = City(name="A", slug="a-events"), City(name="B", slug="b-events")
    twinning = Twinning(slug="events-order", title="Events order")
    twinning.cities = [TwinningCity(city=city_a, role="transferring"),
                       TwinningCity(city=city_b, role="beneficiary")]
    db.session.add(twinning)
    db.session.flush()
    return twinning
