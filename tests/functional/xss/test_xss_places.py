"""The XSS corpus through cities, projects and their news, networks, twinnings and events.

Staff write these through the services; each payload fills every text field of one city, one
of its projects, one network and one twinning, and the pages that show them are checked:
item pages, lists, the home page and the staff edit forms (where the text sits in attributes
and text areas).
"""
from datetime import timedelta

import pytest

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.extensions import db
from forum.places import services as places
from forum.twinnings import services as twinnings
from tests.fixtures.web import PASSWORD, Member
from tests.functional.xss.xss_support import (
    BATCH,
    CORPUS,
    HARMLESS,
    Visit,
    batch_id,
    chunks,
    fit,
    report,
    scan,
    sweep,
)


def _member(name: str, text: str, role: str = "member", listed: bool = True) -> User:
    user = User(username=name, username_key=name, email=f"{name}@example.org", role=role,
                full_name=fit(text, 120), listed=listed, joined_at=utcnow(),
                email_confirmed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    return user


def _world(staff, base_city, number: int, text: str) -> dict:
    """One city, project (with news), network (with an organisation) and twinning (with an
    event, a participant who says they attend it) whose every text field is `text`."""
    city = places.create_city(staff, {
        "slug": f"xss-city-{number}", "name": fit(text, 120), "region": fit(text, 80),
        "province": fit(text, 80), "description": text, "totals_source": fit(text, 300)})
    project = places.create_project(staff, city, {
        "title": fit(text, 200), "description": text, "target_areas": text,
        "status": "in-progress"})
    places.add_news(staff, project, {"title": fit(text, 200), "body": text})
    network = places.create_network(staff, {
        "slug": f"xss-network-{number}", "name": fit(text, 200), "summary": fit(text, 300),
        "description": text})
    places.add_network_member(staff, network, city=city)
    places.add_network_member(staff, network, organisation_name=fit(f"{text} {number}", 200))
    twinning = twinnings.create_twinning(staff, {
        "slug": f"xss-twinning-{number}", "title": fit(text, 200), "summary": fit(text, 300),
        "description": text, "objectives": text, "results": text, "status": "active",
        "themes": ["governance"], "network": network,
        "cities": [{"city": city, "role": "transferring"},
                   {"city": base_city, "role": "beneficiary"}]})
    now = utcnow()
    event = {"title": fit(text, 200), "description": text, "place": fit(text, 200),
             "stream_url": "https://stream.example.org/live",
             "starts_at": twinnings.utc_to_rome(now).replace(tzinfo=None),
             "ends_at": twinnings.utc_to_rome(now + timedelta(hours=1)).replace(tzinfo=None)}
    meeting = twinnings.create_event(staff, twinning, event)
    twinnings.create_event(staff, network, event)
    participant = _member(f"participant{number}", text)
    twinnings.join(participant, twinning)
    # The participant says they attend: staff (the organiser) list them to confirm it.
    twinnings.attend(participant, meeting)
    # An unlisted participant's name is shown without a link to the profile.
    twinnings.join(_member(f"quiet{number}", text, listed=False), twinning)
    return {"city": city.slug, "project": project.id, "network": network.slug,
            "twinning": twinning.slug, "event": meeting.id}


def _visits(number: int, text: str, made: dict, *, staff: bool) -> list[Visit]:
    city, network, twinning = made["city"], made["network"], made["twinning"]
    project = f"/cities/{city}/projects/{made['project']}"
    title, name = fit(text, 200), fit(text, 120)
    if not staff:
        return [
            Visit("twinning", f"/twinnings/{twinning}", text, [title]),
            Visit("city", f"/cities/{city}", text, [name]),
            Visit("project", project, text, [title]),
            Visit("network", f"/networks/{network}", text, [title]),
        ]
    return [
        Visit("twinning-edit", f"/twinnings/{twinning}/edit", text),
        Visit("city-edit", f"/cities/{city}/edit", text),
        Visit("project-edit", f"{project}/edit", text),
        Visit("network-edit", f"/networks/{network}/edit", text),
        Visit("attendance", f"/events/{made['event']}/attendance", text, [title]),
    ]


LISTS = ("/twinnings/", "/cities/", "/networks/", "/")


def _build(app, payloads, start):
    with app.test_request_context():
        staff = _member("xssstaff", "Staff member", role="staff")
        staff.set_password(PASSWORD)
        base = places.create_city(staff, {"slug": "xss-base", "name": "Base city"})
        made = [(start + i, text, _world(staff, base, start + i, text))
                for i, text in enumerate(payloads)]
        db.session.commit()
        return Member(staff.id, staff.username, staff.email, PASSWORD), made


def _baselines(client, made, staff):
    visits = _visits(*made, staff=staff)
    pages = {visit.kind: scan(client.get(visit.url)) for visit in visits}
    if not staff:
        pages.update({url: scan(client.get(url)) for url in LISTS})
    return pages


BATCHES = list(chunks(list(enumerate(CORPUS, start=1)), BATCH))


@pytest.mark.parametrize("batch", BATCHES, ids=batch_id)
def test_every_place_and_twinning_field(app, client, login, batch):
    """Visitors and staff see each payload as text: item pages, lists, and staff forms."""
    staff, made = _build(app, [HARMLESS] + [text for _number, text in batch], batch[0][0] - 1)
    harmless, made = made[0], made[1:]
    failures = []
    for as_staff in (False, True):
        if as_staff:
            login(staff)
        lists = [] if as_staff else [Visit(url, url, "the batch") for url in LISTS]
        baselines = _baselines(client, harmless, as_staff)
        visits = [visit for entry in made for visit in _visits(*entry, staff=as_staff)]
        failures += sweep(client, visits + lists, baselines)
    assert not failures, report(failures)
