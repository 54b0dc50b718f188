"""Account rules called directly: passwords, tokens, uniqueness, roles, export and erasure."""
import io

import pytest
from flask_babel import force_locale
from PIL import Image
from werkzeug.datastructures import FileStorage

from forum.accounts import permissions, services, tokens
from forum.accounts.services import InvalidToken
from forum.core import uploads
from forum.core.errors import ServiceError

GOOD = "a perfectly fine pass phrase"


def test_common_password_list_is_large_and_loaded_once():
    passwords = services.common_passwords()
    assert len(passwords) >= 10_000
    assert services.common_passwords() is passwords


@pytest.mark.parametrize("password, ok", [
    ("short", False),
    ("qwertyuiop", False),
    ("PASSWORD123", False),
    ("x" * 9, False),
    ("x" * 10 + "y", True),
    ("no digits or symbols needed", True),
    ("é" * 200, True),
    ("x" * 257, False),
])
def test_password_policy_is_length_and_commonness_only(ctx, password, ok):
    assert (services.password_problem(password) is None) is ok


@pytest.mark.parametrize("username", ["ab", "a" * 31, "with space", "ünïcode", "former-12"])
def test_usernames_outside_the_rules_are_refused(ctx, username):
    with pytest.raises(ServiceError) as error:
        services.create_user(username, "x@example.org", GOOD)
    assert error.value.field == "username"


def test_usernames_and_emails_are_unique_regardless_of_case(ctx):
    services.create_user("Mario.R", "Mario@Example.org", GOOD)
    with pytest.raises(ServiceError) as error:
        services.create_user("mario.r", "other@example.org", GOOD)
    assert error.value.field == "username"
    with pytest.raises(ServiceError) as error:
        services.create_user("someone", "MARIO@example.org", GOOD)
    assert error.value.field == "email"


def test_create_user_keeps_the_cli_signature(ctx):
    user = services.create_user("admin1", "admin@example.org", GOOD, role="admin",
                                confirmed=True, full_name="Ada", listed=True)
    assert user.is_admin and user.is_confirmed and user.full_name == "Ada" and user.listed
    assert user.check_password(GOOD) and user.session_version == 1


def test_authenticate_by_username_or_email(ctx):
    user = services.create_user("Bea", "bea@example.org", GOOD)
    assert services.authenticate("BEA", GOOD) is user
    assert services.authenticate(" Bea@Example.org ", GOOD) is user
    assert services.authenticate("bea", "wrong password") is None
    assert services.authenticate("nobody", GOOD) is None


def test_tokens_are_bound_to_their_purpose_and_expire(ctx):
    token = tokens.make_token(tokens.CONFIRM, {"id": 1})
    assert tokens.read_token(tokens.CONFIRM, token, 60) == {"id": 1}
    assert tokens.read_token(tokens.RESET, token, 60) is None
    assert tokens.read_token(tokens.CONFIRM, token, -1) is None
    assert tokens.read_token(tokens.CONFIRM, token + "x", 60) is None


def test_confirmation_token_for_an_old_address_is_refused(ctx):
    user = services.create_user("carla", "carla@example.org", GOOD)
    token = tokens.make_token(tokens.CONFIRM, {"id": user.id, "email": "old@example.org"})
    with pytest.raises(InvalidToken):
        services.confirm_email(token)
    good = tokens.make_token(tokens.CONFIRM, {"id": user.id, "email": user.email})
    assert services.confirm_email(good) is user and user.is_confirmed
    with pytest.raises(InvalidToken):
        services.confirm_email(good)


def test_reset_token_dies_with_the_password(ctx):
    user = services.create_user("dino", "dino@example.org", GOOD)
    token = tokens.make_token(tokens.RESET, {
        "id": user.id, "pw": tokens.password_fingerprint(user.password_hash)})
    assert services.user_for_reset(token) is user
    version = user.session_version
    services.reset_password(token, "a new and long phrase")
    assert user.session_version == version + 1
    with pytest.raises(InvalidToken):
        services.user_for_reset(token)


def test_change_role_records_and_protects_the_last_admin(ctx):
    admin = services.create_user("boss", "boss@example.org", GOOD, role="admin")
    member = services.create_user("emma", "emma@example.org", GOOD)
    change = services.change_role(admin, member, "admin")
    assert (change.changed_by, change.user, change.old_role, change.new_role) == (
        admin, member, "member", "admin")
    assert services.change_role(admin, member, "admin") is None
    services.change_role(admin, admin, "member")
    with pytest.raises(ServiceError):
        services.change_role(member, member, "staff")
    with pytest.raises(ServiceError):
        services.change_role(member, admin, "overlord")


def test_exporters_and_erasers_are_open_to_other_packages(ctx):
    calls = []

    def export_notes(user):
        return "notes", ["one"]

    def erase_notes(user):
        calls.append(user.id)

    services.exporter(export_notes)
    services.eraser(erase_notes)
    try:
        user = services.create_user("fabio", "fabio@example.org", GOOD, full_name="Fabio")
        data = services.export_data(user)
        assert data["notes"] == ["one"] and data["account"]["full_name"] == "Fabio"
        services.delete_account(user, GOOD)
        assert calls == [user.id]
        assert user.is_deleted and user.email is None
        with force_locale("en"):
            assert user.display_name == "Former member"
    finally:
        services.EXPORTERS.remove(export_notes)
        services.ERASERS.remove(erase_notes)


def test_predicates(ctx):
    unconfirmed = services.create_user("gino", "gino@example.org", GOOD)
    confirmed = services.create_user("hana", "hana@example.org", GOOD, confirmed=True)
    staff = services.create_user("ivo", "ivo@example.org", GOOD, role="staff", confirmed=True)
    assert not permissions.can_post(unconfirmed) and permissions.can_post(confirmed)
    assert permissions.needs_confirmation(unconfirmed)
    assert not permissions.can_view_profile_details(confirmed, unconfirmed)
    assert permissions.can_view_profile_details(unconfirmed, unconfirmed)
    assert permissions.can_view_profile_details(staff, unconfirmed)
    assert not permissions.can_manage_roles(staff)


def _storage(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def _png(size=(10, 10), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def test_uploads_check_extension_size_and_content(ctx):
    png = _png()
    assert uploads.read_upload(_storage(png, "a.PNG"), uploads.IMAGE_TYPES) == png
    with pytest.raises(uploads.UploadError):
        uploads.read_upload(_storage(png, "a.gif"), uploads.IMAGE_TYPES)
    with pytest.raises(uploads.UploadError):
        uploads.read_upload(_storage(png, "a.png"), uploads.IMAGE_TYPES, max_bytes=10)
    with pytest.raises(uploads.UploadError):
        uploads.read_upload(_storage(b"", "a.png"), uploads.IMAGE_TYPES)
    with pytest.raises(uploads.UploadError):
        uploads.read_upload(_storage(b"<svg></svg>" * 10, "a.png"), uploads.IMAGE_TYPES)


def test_resize_keeps_transparency_and_drops_the_rest(ctx):
    data, extension = uploads.resize_image(_png((1000, 500), "RGBA"), (256, 256))
    assert extension == "png"
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (256, 128) and image.mode == "RGBA"
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "taken at home, Via Roma 1"  # ImageDescription
    Image.new("RGB", (300, 300)).save(out, "JPEG", exif=exif)
    with Image.open(io.BytesIO(out.getvalue())) as original:
        assert original.getexif()
    data, extension = uploads.resize_image(out.getvalue(), (256, 256))
    assert extension == "jpg"
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (256, 256) and not image.getexif()
