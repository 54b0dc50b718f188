"""The admin page for roles: admins only, every change recorded with who and when."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from forum.accounts.models import RoleChange, User
from forum.extensions import db
from tests.fixtures.web import page, submit, text_of


def set_role(client, member_id, role):
    return submit(client, f"/admin/members/{member_id}/role", {"role": role},
                  form_url="/admin/members")


def test_only_admins_see_the_roles_page(client, make_user, login):
    assert client.get("/admin/members").status_code == 302
    login(make_user(role="staff"))
    assert client.get("/admin/members").status_code == 403
    target = make_user()
    response = client.post(f"/admin/members/{target.id}/role", data={"role": "admin"})
    assert response.status_code in (400, 403)


def test_member_cannot_change_roles_even_with_a_token(app, client, make_user, login):
    member = make_user()
    target = make_user()
    login(member)
    response = submit(client, f"/admin/members/{target.id}/role", {"role": "admin"},
                      form_url="/account/profile", follow=False)
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, target.id).role == "member"


def test_admin_changes_a_role_and_the_change_is_recorded(app, client, make_user, login):
    admin = make_user(full_name="Ada Admin", role="admin")
    target = make_user(full_name="Teo Target")
    login(admin)
    client.get("/?lang=en")
    before = datetime.now(UTC)
    response = set_role(client, target.id, "staff")
    assert "Teo Target is now: Staff." in text_of(response)
    with app.app_context():
        assert db.session.get(User, target.id).role == "staff"
        [change] = db.session.scalars(select(RoleChange)).all()
        assert (change.user_id, change.changed_by_id) == (target.id, admin.id)
        assert (change.old_role, change.new_role) == ("member", "staff")
        assert before - timedelta(seconds=5) <= change.changed_at <= datetime.now(UTC)
    recent = page(client.get("/admin/members")).select(".role-changes li")
    assert [li.get_text(" ", strip=True).split(": ", 1)[1] for li in recent] == [
        "Ada Admin changed the role of Teo Target from Member to Staff."]
    select_box = page(client.get("/admin/members")).find(id=f"role-{target.id}")
    assert select_box.find("option", selected=True)["value"] == "staff"


def test_same_role_records_nothing_and_unknown_role_is_refused(app, client, make_user, login):
    admin = make_user(role="admin")
    target = make_user()
    login(admin)
    set_role(client, target.id, "member")
    response = submit(client, f"/admin/members/{target.id}/role", {"role": "emperor"},
                      form_url="/admin/members", follow=False)
    assert response.status_code == 400
    assert submit(client, "/admin/members/999999/role", {"role": "staff"},
                  form_url="/admin/members", follow=False).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(RoleChange)).all() == []


def test_the_last_admin_cannot_demote_themselves(app, client, make_user, login):
    admin = make_user(role="admin")
    login(admin)
    client.get("/?lang=en")
    response = set_role(client, admin.id, "member")
    assert "The site needs at least one administrator." in text_of(response)
    with app.app_context():
        assert db.session.get(User, admin.id).role == "admin"
    second = make_user(role="admin")
    set_role(client, second.id, "staff")
    set_role(client, second.id, "admin")
    response = set_role(client, admin.id, "member")
    # Once another admin exists, stepping down works (and this page is then closed).
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, admin.id).role == "member"
