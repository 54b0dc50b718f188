"""Event attendance: a member says they attend, the organiser or staff confirm it, and only
a confirmed attendance earns points (taken back with the confirmation)."""
from datetime import timedelta

from sqlalchemy import func, select

from forum.core.db import utcnow
from forum.engagement.models import MemberPoints, PointEntry
from forum.engagement.rules import ACTIONS
from forum.extensions import db
from forum.twinnings import services as twinnings
from forum.twinnings.models import Event, EventAttendance
from tests.fixtures.twinnings import bergamo_lecce, staff_user
from tests.fixtures.web import Member, csrf_from, page, submit, text_of

CURATOR = Member(None, "curator", "curator@example.org", "x" * 12)


def _event(app, slug) -> int:
    with app.app_context():
        return db.session.scalar(select(Event.id))


def _points(app, member) -> int:
    with app.app_context():
        return db.session.scalar(select(MemberPoints.points)
                                 .where(MemberPoints.user_id == member.id)) or 0


def _logout(client):
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/"))})


def _confirm(client, event_id, attendance_id, state):
    return submit(client, f"/events/{event_id}/attendance/{attendance_id}", {"state": state},
                  form_url=f"/events/{event_id}/attendance?lang=en")


def test_a_member_attends_and_only_the_organisers_confirmation_earns_points(app, client,
                                                                           make_user, login):
    slug = bergamo_lecce(app)
    event_id = _event(app, slug)
    member = make_user("chiara", full_name="Chiara Neri")
    login(member)
    twinning_url = f"/twinnings/{slug}?lang=en"
    assert page(client.get(twinning_url)).find("button", string="I attended") is not None
    response = submit(client, f"/events/{event_id}/attend", {}, form_url=twinning_url)
    text = text_of(response)
    assert "You said you attend. The organiser confirms who was there." in text
    assert "1 member attends" in text and "has not confirmed it yet" in text
    # Saying so earns nothing; the member cannot confirm themselves.
    assert _points(app, member) == 0
    with app.app_context():
        attendance_id = db.session.scalar(select(EventAttendance.id))
    token = csrf_from(client.get(twinning_url))
    assert client.get(f"/events/{event_id}/attendance").status_code == 403
    assert client.post(f"/events/{event_id}/attendance/{attendance_id}",
                       data={"csrf_token": token, "state": "on"}).status_code == 403
    _logout(client)

    login(CURATOR)
    listing = text_of(client.get(f"/events/{event_id}/attendance?lang=en"))
    assert "Chiara Neri" in listing and "not yet" in listing
    assert "Attendance confirmed." in text_of(_confirm(client, event_id, attendance_id, "on"))
    points = ACTIONS["event_attended"].points
    assert _points(app, member) == points
    assert "1 confirmed by the organiser" in text_of(client.get(twinning_url))
    assert "The confirmation was taken back." in text_of(
        _confirm(client, event_id, attendance_id, "off"))
    assert _points(app, member) == 0
    _confirm(client, event_id, attendance_id, "on")
    assert _points(app, member) == points
    with app.app_context():
        lines = db.session.scalars(select(PointEntry.points).where(
            PointEntry.action == "event_attended").order_by(PointEntry.id)).all()
    assert lines == [points, -points, points]
    profile = text_of(client.get("/members/chiara?lang=en"))
    assert "Event attended" in profile


def test_no_confirmation_before_the_event_and_none_of_ones_own(app, client, make_user, login):
    slug = bergamo_lecce(app, events=False)
    with app.test_request_context():
        twinning = twinnings.twinning_by_slug(slug, None)
        now = utcnow()
        later = twinnings.create_event(staff_user(), twinning, {
            "title": "Tra una settimana", "starts_at": now + timedelta(days=7),
            "ends_at": now + timedelta(days=7, hours=2)})
        twinnings.attend(staff_user(), later)
        db.session.commit()
        event_id = later.id
    member = make_user("chiara")
    login(member)
    response = submit(client, f"/events/{event_id}/attend", {}, form_url=f"/twinnings/{slug}")
    assert "I will attend" not in text_of(response)
    _logout(client)
    login(CURATOR)
    with app.app_context():
        rows = dict(db.session.execute(select(EventAttendance.user_id, EventAttendance.id)).all())
        curator_id = staff_user().id
    response = _confirm(client, event_id, rows[member.id], "on")
    assert "Attendance can be confirmed once the event has started." in text_of(response)
    token = csrf_from(client.get(f"/events/{event_id}/attendance"))
    own = client.post(f"/events/{event_id}/attendance/{rows[curator_id]}",
                      data={"csrf_token": token, "state": "on"})
    assert own.status_code == 403
    bad = client.post(f"/events/{event_id}/attendance/{rows[member.id]}",
                      data={"csrf_token": token, "state": "maybe"})
    assert bad.status_code == 400
    with app.app_context():
        assert not db.session.scalar(select(func.count(EventAttendance.id)).where(
            EventAttendance.confirmed_at.is_not(None)))


def test_withdrawing_before_confirmation_and_not_after(app, client, make_user, login):
    slug = bergamo_lecce(app)
    event_id = _event(app, slug)
    member = make_user("chiara")
    login(member)
    url = f"/twinnings/{slug}?lang=en"
    submit(client, f"/events/{event_id}/attend", {}, form_url=url)
    response = submit(client, f"/events/{event_id}/withdraw", {}, form_url=url)
    assert "You no longer attend the event." in text_of(response)
    submit(client, f"/events/{event_id}/attend", {}, form_url=url)
    with app.test_request_context():
        row = db.session.scalar(select(EventAttendance))
        twinnings.confirm_attendance(staff_user(), row, True)
        db.session.commit()
    response = submit(client, f"/events/{event_id}/withdraw", {}, form_url=url)
    assert "ask the organiser to change it" in text_of(response)
    assert _points(app, member) == ACTIONS["event_attended"].points


def test_network_events_take_attendance_too(app, client, make_user, login):
    from forum.places import services as places

    with app.test_request_context():
        network = places.create_network(staff_user(), {"slug": "rete-prova", "name": "Rete"})
        now = utcnow()
        twinnings.create_event(staff_user(), network, {
            "title": "Assemblea", "starts_at": now - timedelta(hours=1),
            "ends_at": now + timedelta(hours=1)})
        db.session.commit()
    login(make_user("chiara"))
    with app.app_context():
        event_id = db.session.scalar(select(Event.id))
    response = submit(client, f"/events/{event_id}/attend", {},
                      form_url="/networks/rete-prova?lang=en")
    assert "1 member attends" in text_of(response)


def test_attendance_is_exported_and_erased_with_its_points(app, client, make_user):
    from forum.accounts.models import User
    from forum.accounts.services import erase_member, export_data

    slug = bergamo_lecce(app)
    member = make_user("chiara")
    with app.test_request_context():
        event = db.session.scalar(select(Event))
        chiara = db.session.get(User, member.id)
        twinnings.attend(chiara, event)
        twinnings.confirm_attendance(staff_user(), twinnings.attendance_of(chiara, event), True)
        db.session.commit()
        exported = export_data(chiara)["event_attendances"]
        assert exported[0]["event_id"] == event.id and exported[0]["confirmed_at"]
        erase_member(chiara)
        db.session.commit()
        assert not db.session.scalar(select(func.count(EventAttendance.id)))
        assert not db.session.scalar(select(func.count(PointEntry.id)).where(
            PointEntry.user_id == member.id))
    assert slug


def test_the_space_pages_queries_do_not_grow_with_events_and_attendance(app, client, make_user,
                                                                       login, count_queries):
    slug = bergamo_lecce(app)
    member = make_user("chiara")
    login(member)

    def cost():
        with count_queries() as statements:
            assert client.get(f"/twinnings/{slug}").status_code == 200
        return len(statements)

    submit(client, f"/events/{_event(app, slug)}/attend", {}, form_url=f"/twinnings/{slug}")
    small = cost()
    with app.test_request_context():
        twinning = twinnings.twinning_by_slug(slug, None)
        now = utcnow()
        for n in range(4):
            event = twinnings.create_event(staff_user(), twinning, {
                "title": f"Incontro {n}", "starts_at": now - timedelta(days=n + 1),
                "ends_at": now - timedelta(days=n + 1) + timedelta(hours=2)})
            from forum.accounts.models import User

            twinnings.attend(db.session.get(User, member.id), event)
            twinnings.attend(staff_user(), event)
        db.session.commit()
    assert cost() == small


def test_a_later_attendance_does_not_inherit_a_withdrawn_ones_points(app, make_user):
    """SQLite reused the highest id after a delete, and the ledger keys awards on the
    attendance's id: the second member's confirmation put the points back on the first."""
    from forum.accounts.models import User

    bergamo_lecce(app)
    first, second = make_user("chiara"), make_user("marco")
    with app.test_request_context():
        event = db.session.scalar(select(Event))
        chiara, marco = db.session.get(User, first.id), db.session.get(User, second.id)
        twinnings.attend(chiara, event)
        withdrawn = twinnings.attendance_of(chiara, event)
        twinnings.confirm_attendance(staff_user(), withdrawn, True)
        twinnings.confirm_attendance(staff_user(), withdrawn, False)
        assert twinnings.withdraw(chiara, event)
        db.session.commit()
        twinnings.attend(marco, event)
        later = twinnings.attendance_of(marco, event)
        twinnings.confirm_attendance(staff_user(), later, True)
        db.session.commit()
    assert _points(app, first) == 0
    assert _points(app, second) == ACTIONS["event_attended"].points



def test_deleting_an_event_takes_back_its_confirmed_attendance_points(app, make_user):
    from forum.accounts.models import User

    bergamo_lecce(app)
    member = make_user("chiara")
    with app.test_request_context():
        event = db.session.scalar(select(Event))
        chiara = db.session.get(User, member.id)
        twinnings.attend(chiara, event)
        twinnings.confirm_attendance(staff_user(), twinnings.attendance_of(chiara, event), True)
        db.session.commit()
        event_id = event.id
    assert _points(app, member) == ACTIONS["event_attended"].points
    with app.test_request_context():
        twinnings.delete_event(staff_user(), db.session.get(Event, event_id))
        db.session.commit()
        assert not db.session.scalar(select(func.count(EventAttendance.id)))
    assert _points(app, member) == 0
