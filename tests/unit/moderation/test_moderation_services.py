"""Moderation rules called directly: the registry, trust, reports, the append-only log."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.accounts.services import create_user
from forum.core.db import utcnow
from forum.core.errors import ServiceError
from forum.discussions import services as discussions
from forum.discussions.models import Post
from forum.extensions import db
from forum.moderation import audit, permissions, registry, services, trust
from forum.moderation.models import LogIsReadOnly, ModerationAction
from forum.twinnings.models import Twinning


def member(name, role="member", days=0):
    user = create_user(name, f"{name}@example.org", "correct horse battery", role=role,
                       confirmed=True)
    user.joined_at = user.email_confirmed_at = utcnow() - timedelta(days=days)
    db.session.flush()
    return user


@pytest.fixture
def space(ctx):
    twinning = Twinning(slug="bg-le", title="BG-LE")
    db.session.add(twinning)
    db.session.flush()
    return twinning


def test_every_kind_of_content_is_registered(ctx):
    assert set(registry.kinds()) == {"post", "discussion", "user", "practice", "call"}
    assert registry.kind_of(User()) == "user"


def test_the_log_is_append_only(ctx):
    entry = audit.record(None, "hide", kind="post", item_id=1, reason="x")
    entry.reason = "changed"
    with pytest.raises(LogIsReadOnly):
        db.session.flush()
    db.session.rollback()
    entry = audit.record(None, "hide", kind="post", item_id=1)
    db.session.delete(entry)
    with pytest.raises(LogIsReadOnly):
        db.session.flush()


def test_links_are_counted_in_every_form(ctx):
    assert trust.count_links("see https://a.it and http://b.it and www.c.it") == 3
    assert trust.count_links("[x](https://a.it) mailto:someone") == 1
    assert trust.count_links("no links, just example.org") == 0


def test_new_members_until_a_first_post_or_a_day_passes(ctx, space):
    fresh = member("fresh")
    old = member("old", days=30)
    staff = member("staff", role="staff")
    assert trust.is_new_member(fresh) and trust.is_new_member(old)
    discussions.start_discussion(old, space, "t", "body")
    assert not trust.is_new_member(old)
    assert not trust.is_new_member(staff)


def test_only_established_members_count_for_automatic_hiding(ctx, space):
    veteran = member("veteran", days=30)
    recent = member("recent", days=2)
    for user in (veteran, recent):
        d = discussions.start_discussion(user, space, "t", "one")
        discussions.reply(user, d, "two")
        discussions.reply(user, d, "three")
    assert trust.established_members([veteran.id, recent.id, None]) == {veteran.id}
    hidden = db.session.scalar(select(Post).where(Post.author_id == veteran.id))
    hidden.visibility = "hidden"
    db.session.flush()
    assert trust.established_members([veteran.id]) == set()


def test_threshold_comes_from_the_setting(ctx, app, space, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_AUTOHIDE_REPORTS", 1)
    author = member("author")
    discussion = discussions.start_discussion(author, space, "t", "spam")
    veteran = member("veteran", days=30)
    d = discussions.start_discussion(veteran, space, "v", "one")
    discussions.reply(veteran, d, "two")
    discussions.reply(veteran, d, "three")
    services.report(veteran, "discussion", discussion, "spam")
    assert discussion.visibility == "pending"
    assert discussion.visibility_reason == services.AUTO_REASON
    line = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "auto-hide"))
    assert line.actor_id is None and line.target_user_id == author.id


def test_report_rules(ctx, space):
    author = member("author")
    reporter = member("reporter")
    discussion = discussions.start_discussion(author, space, "t", "body")
    with pytest.raises(ServiceError):
        services.report(author, "discussion", discussion, "spam")
    with pytest.raises(ServiceError) as error:
        services.report(reporter, "discussion", discussion, "boring")
    assert error.value.field == "reason"
    first = services.report(reporter, "discussion", discussion, "spam", "  note ")
    assert first.note == "note" and first.reported_user_id == author.id
    with pytest.raises(ServiceError):
        services.report(reporter, "discussion", discussion, "other")
    services.dismiss(member("staff", role="staff"), "discussion", discussion)
    # Closed: the same member may report it again.
    assert services.report(reporter, "discussion", discussion, "other").status == "open"


def test_hide_needs_a_reason_and_who_may_suspend_whom(ctx, space):
    staff = member("staff", role="staff")
    admin = member("admin", role="admin")
    author = member("author")
    discussion = discussions.start_discussion(author, space, "t", "body")
    with pytest.raises(ServiceError):
        services.hide(staff, "discussion", discussion, "  ")
    assert permissions.can_suspend(staff, author)
    assert not permissions.can_suspend(staff, member("other", role="staff"))
    assert permissions.can_suspend(admin, member("third", role="staff"))
    assert not permissions.can_suspend(admin, admin)
    assert not permissions.can_suspend(staff, admin)
    assert not permissions.can_purge(staff) and permissions.can_purge(admin)


def test_suspension_ends_sessions_and_records_the_end(ctx):
    staff = member("staff", role="staff")
    bob = member("bob")
    version = bob.session_version
    until = services.suspend(staff, bob, 3, "spam")
    assert bob.is_suspended and bob.session_version == version + 1
    assert timedelta(days=2, hours=23) < until - utcnow() <= timedelta(days=3)
    line = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "suspend"))
    assert line.detail == f"until={until.date().isoformat()}" and line.target_user_id == bob.id
    services.suspend(staff, bob, None, "again")
    assert services.is_indefinite(bob.suspended_until)
    with pytest.raises(ServiceError):
        services.suspend(staff, bob, 0, "zero days")


def test_a_members_reports_are_in_their_export(ctx, space):
    from forum.accounts.services import export_data

    author = member("author")
    reporter = member("reporter")
    discussion = discussions.start_discussion(author, space, "t", "body")
    services.report(reporter, "discussion", discussion, "spam", "looks automated")
    exported = export_data(reporter)["reports"]
    assert exported[0]["kind"] == "discussion" and exported[0]["note"] == "looks automated"
    assert export_data(author)["reports"] == []
