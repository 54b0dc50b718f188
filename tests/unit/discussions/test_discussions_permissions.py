"""Who may reply, quote, edit, delete, restore, pin and lock."""
from types import SimpleNamespace as NS

from forum.discussions import permissions as p


def user(id=1, staff=False, confirmed=True):
    return NS(id=id, is_authenticated=True, is_staff=staff, is_confirmed=confirmed,
              is_suspended=False)


VISITOR = NS(is_authenticated=False)


def post(author_id=1, number=2, visibility="published", locked=False):
    return NS(author_id=author_id, number=number, visibility=visibility,
              discussion=NS(locked=locked))


def test_reply_needs_a_confirmed_member_and_an_open_discussion():
    assert p.can_reply(user(), NS(locked=False))
    assert not p.can_reply(user(), NS(locked=True))
    assert not p.can_reply(user(confirmed=False), NS(locked=False))
    assert not p.can_reply(VISITOR, NS(locked=False))


def test_authors_edit_and_delete_their_replies_while_open():
    assert p.can_edit_post(user(), post())
    assert p.can_delete_post(user(), post())
    assert not p.can_edit_post(user(id=2), post())
    assert not p.can_delete_post(user(id=2), post())
    assert not p.can_edit_post(user(), post(locked=True))
    assert not p.can_delete_post(user(), post(locked=True))
    assert not p.can_edit_post(VISITOR, post())


def test_opening_post_is_deleted_only_by_staff():
    assert not p.can_delete_post(user(), post(number=1))
    assert p.can_edit_post(user(), post(number=1))
    assert p.can_delete_post(user(id=9, staff=True), post(number=1))


def test_deleted_posts_are_restored_by_staff_and_edited_by_nobody():
    gone = post(visibility="deleted")
    assert not p.can_edit_post(user(staff=True), gone)
    assert not p.can_delete_post(user(staff=True), gone)
    assert p.can_restore_post(user(staff=True), gone)
    assert not p.can_restore_post(user(), gone)
    assert not p.can_quote(user(), gone)


def test_only_staff_pin_and_lock():
    assert p.can_moderate_discussion(user(staff=True))
    assert not p.can_moderate_discussion(user())
    assert not p.can_moderate_discussion(VISITOR)
