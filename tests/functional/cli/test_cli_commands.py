"""The `flask --app forum …` commands, run through Flask's CLI test runner."""
import logging

import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db
from forum.notifications.models import OutboxMessage
from forum.notifications.services import queue_mail
from forum.places.models import City, Organisation
from forum.seed import accounts as seed_accounts

PASSWORD = "una password lunga abbastanza"


@pytest.fixture(autouse=True)
def own_index_folder(app, tmp_path, monkeypatch):
    """seed-demo builds a search index when there is none: in this test's folder, not the
    session's, which other tests expect to find as they left it."""
    monkeypatch.setitem(app.config, "FORUM_SEARCH_INDEX_DIR", str(tmp_path / "index"))


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return invoke


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def find_user(app, username) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username_key == username.lower()))
        if user is not None:
            db.session.expunge(user)
        return user


# --- users create -------------------------------------------------------------------------

def test_users_create_reads_the_password_from_stdin(app, cli):
    result = cli("users", "create", "Chiara_B", "--email", "Chiara@Example.org", "--role",
                 "admin", input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert "Created admin Chiara_B" in result.output
    user = find_user(app, "chiara_b")
    assert user.email == "chiara@example.org"
    assert user.role == "admin"
    assert user.is_confirmed
    assert user.check_password(PASSWORD)
    assert not user.check_password("something else entirely")


def test_users_create_makes_a_member_by_default(app, cli):
    result = cli("users", "create", "membro", "--email", "m@example.org", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert find_user(app, "membro").role == "member"


@pytest.mark.parametrize("username, email, message", [
    ("taken", "other@example.org", "That username is already in use."),
    ("TAKEN", "other@example.org", "That username is already in use."),
    ("other", "TAKEN@example.org", "That e-mail address is already in use."),
])
def test_users_create_refuses_an_existing_username_or_email(app, cli, make_user, username,
                                                            email, message):
    make_user("taken", email="taken@example.org")

    result = cli("users", "create", username, "--email", email, input=PASSWORD + "\n")

    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}"
    assert count(app, User) == 1


@pytest.mark.parametrize("args, password, message", [
    (("shorty", "--email", "s@example.org"), "too short",
     "Error: The password is refused: Use at least 10 characters."),
    (("common", "--email", "s@example.org"), "1234567890",
     "Error: The password is refused: This password is among the most common ones and easy "
     "to guess: choose another."),
    (("former-7", "--email", "s@example.org"), PASSWORD,
     "Error: This username is reserved: choose another."),
    (("x", "--email", "s@example.org"), PASSWORD,
     "Error: A username has 3 to 30 letters, digits, '_', '.' or '-'."),
    (("spazio in mezzo", "--email", "s@example.org"), PASSWORD,
     "Error: A username has 3 to 30 letters, digits, '_', '.' or '-'."),
    (("nomail", "--email", "not-an-address"), PASSWORD,
     "Error: 'not-an-address' is not an e-mail address."),
])
def test_users_create_refuses_bad_input_with_one_line(app, cli, args, password, message):
    result = cli("users", "create", *args, input=password + "\n")
    assert result.exit_code == 1
    assert result.output.strip() == message
    assert count(app, User) == 0


def test_users_create_refuses_an_unknown_role(app, cli):
    result = cli("users", "create", "capo", "--email", "c@example.org", "--role", "boss",
                 input=PASSWORD + "\n")
    assert result.exit_code == 2
    assert count(app, User) == 0


# --- seed-demo ----------------------------------------------------------------------------

def seeded_rows(app):
    with app.app_context():
        return {
            "cities": sorted(db.session.scalars(select(City.slug))),
            "organisations": sorted(db.session.scalars(select(Organisation.name))),
            "users": sorted(db.session.scalars(select(User.username))),
        }


def test_seed_demo_loads_the_demo_data_and_running_it_again_adds_nothing(app, cli):
    first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    assert_sign_in_hints(app, first.output)
    rows = seeded_rows(app)

    second = cli("seed-demo")
    assert second.exit_code == 0, second.output

    assert seeded_rows(app) == rows
    assert {"bergamo", "lecce"} <= set(rows["cities"])
    assert {"Comune di Lecce", "Università del Salento", "Energia Media",
            "CNR – Consiglio Nazionale delle Ricerche",
            "TSCAI – The Smart City Association Italy"} <= set(rows["organisations"])
    assert {"admin", "staff", "giulia.ferri"} <= set(rows["users"])
    assert len(rows["users"]) >= 12
    assert "accounts: 0 created" in second.output
    assert "organisations: 0 created" in second.output
    assert_sign_in_hints(app, second.output)


def assert_sign_in_hints(app, output):
    assert f"{app.config['FORUM_BASE_URL']}/auth/login" in output
    assert seed_accounts.DEMO_PASSWORD in output
    for label, username in (("member", "giulia.ferri"), ("staff", "staff"), ("admin", "admin")):
        assert f"{label}:" in output and username in output


def test_seed_demo_prints_the_address_it_serves_on(app, cli, monkeypatch):
    # `make run PORT=8080` makes FORUM_BASE_URL http://127.0.0.1:8080 (HOST and PORT).
    monkeypatch.setitem(app.config, "FORUM_BASE_URL", "http://127.0.0.1:8080")
    result = cli("seed-demo")
    assert "Sign in at http://127.0.0.1:8080/auth/login " in result.output


def test_seed_demo_counts_what_it_wrote_and_builds_the_index_once(app, cli, caplog):
    from forum.discussions.models import Discussion, Post
    from forum.search import services as search

    with caplog.at_level(logging.WARNING, logger="forum.search"):
        first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    lines = dict(line.split(": ", 1) for line in first.output.splitlines() if ": " in line)
    assert lines["discussions"] == f"{count(app, Discussion)} created, 0 already there"
    assert lines["posts"] == f"{count(app, Post)} created, 0 already there"
    # Whoosh builds its index; PostgreSQL's search tables exist already and take the changes.
    assert lines["search index"].startswith("built, ") or lines["search index"] == "up to date"
    with app.app_context():
        assert search.check().clean

    again = cli("seed-demo")
    assert "search index: up to date" in again.output
    assert f"posts: 0 created, {count(app, Post)} already there" in again.output


def test_seed_demo_practices_are_written_by_members_of_the_organisation_they_name(app, cli):
    from forum.practices.models import Practice

    cli("seed-demo")
    with app.app_context():
        practices = db.session.scalars(select(Practice)).all()
        assert len(practices) >= 20
        assert [p.title for p in practices
                if p.organisation_id and p.organisation_id != p.author.organisation_id] == []


def test_seed_demo_cities_and_accounts_are_as_described(app, cli):
    cli("seed-demo")
    with app.app_context():
        lecce = db.session.scalar(select(City).where(City.slug == "lecce"))
        assert (lecce.name, lecce.region, lecce.province, lecce.population) == (
            "Lecce", "Puglia", "LE", 83303)
        roles = dict(db.session.execute(select(User.username, User.role)).all())
        assert roles["admin"] == "admin" and roles["staff"] == "staff"
        assert roles["giulia.ferri"] == "member"
        members = db.session.scalars(select(User)).all()
        assert all(u.is_confirmed for u in members)
        assert sum(not u.listed for u in members) == 1
        assert all(u.last_login_at and u.last_login_at >= u.joined_at for u in members)
        spread = max(u.joined_at for u in members) - min(u.joined_at for u in members)
        assert spread.days > 365
        member = next(u for u in members if u.username == "giulia.ferri")
        assert member.organisation.name == "Comune di Lecce"
        assert member.city.slug == "lecce"
        assert member.profession == "Funzionaria comunale"
        assert member.check_password(seed_accounts.DEMO_PASSWORD)
        assert "<strong>Lecce Smart City</strong>" in member.bio_html


def test_seed_demo_refuses_demo_accounts_in_production(app, cli, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")

    refused = cli("seed-demo")
    assert refused.exit_code == 1
    assert "--yes-i-know" in refused.output
    assert count(app, User) == 0

    allowed = cli("seed-demo", "--yes-i-know")
    assert allowed.exit_code == 0, allowed.output
    assert count(app, User) > 0
    assert seed_accounts.DEMO_PASSWORD not in allowed.output


# --- outbox send --------------------------------------------------------------------------

def test_development_without_a_server_prints_each_mail_whole_once_committed(app, monkeypatch,
                                                                             capsys):
    monkeypatch.setitem(app.config, "FORUM_MAIL_CONSOLE", True)
    link = "http://localhost/auth/confirm/eyJ1c2VyIjozfQ.aBcDeF.qwertyuiopasdfghjklzxcvbnm12"
    with app.app_context():
        queue_mail("nuova@example.org", "Conferma", f"Apri {link} per confermare.")
        db.session.rollback()
        assert "nuova@example.org" not in capsys.readouterr().err
        queue_mail("nuova@example.org", "Conferma", f"Apri {link} per confermare.")
        db.session.commit()
    printed = capsys.readouterr().err
    assert "Mail to nuova@example.org" in printed and link in printed
    with app.app_context():
        # Printed once: `outbox send` finds nothing left to log.
        assert db.session.scalar(select(OutboxMessage)).logged_at is not None


def test_production_never_prints_mail(app, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "FORUM_MAIL_CONSOLE", True)
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")
    with app.app_context():
        queue_mail("nuova@example.org", "Conferma", "Testo")
        db.session.commit()
    assert "nuova@example.org" not in capsys.readouterr().err


def test_outbox_send_without_a_server_logs_the_mail_once(app, cli, caplog):
    with app.app_context():
        queue_mail("giulia@example.org", "Prova", "Testo della prova")
        db.session.commit()

    with caplog.at_level(logging.INFO, logger="forum.mail"):
        first = cli("outbox", "send")
        second = cli("outbox", "send")

    assert first.exit_code == 0, first.output
    assert "logged 1" in first.output
    assert "logged 0" in second.output
    assert sum("Testo della prova" in r.getMessage() for r in caplog.records) == 1
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.sent_at is None and message.logged_at is not None


def test_outbox_send_exits_non_zero_when_a_message_fails(app, cli):
    with app.app_context():
        queue_mail("giulia@example.org", "Prova", "Testo della prova")
        db.session.commit()
    # Nothing listens on port 1: the SMTP server is down.
    app.config.update(FORUM_MAIL_SERVER="127.0.0.1", FORUM_MAIL_PORT=1)
    try:
        result = cli("outbox", "send")
    finally:
        app.config.update(FORUM_MAIL_SERVER=None, FORUM_MAIL_PORT=25)

    assert result.exit_code == 1, result.output
    assert "failed 1" in result.output
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.sent_at is None and message.last_error


# --- translate ----------------------------------------------------------------------------

def test_translate_extract_writes_a_sorted_template_without_locations(app, cli, monkeypatch,
                                                                      tmp_path):
    from babel.messages.pofile import read_po

    from forum import cli as commands

    template = tmp_path / "messages.pot"
    monkeypatch.setattr(commands, "TEMPLATE", template)

    result = cli("translate", "extract")

    assert result.exit_code == 0, result.output
    text = template.read_text()
    assert "#: " not in text
    with template.open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    # Lazy strings from module level (organisation kinds) and plain _() calls are both there.
    assert "University and research" in ids
    assert "Please sign in to see this page." in ids
    assert ids == sorted(ids, key=lambda i: i if isinstance(i, str) else i[0])


def test_outbox_send_loop_keeps_going_until_interrupted(app, cli, monkeypatch):
    from forum import cli as commands

    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 1:
            # Mail queued while the sender waits is picked up in the next round.
            with app.app_context():
                queue_mail("marco@example.org", "Seconda", "Arrivata durante la pausa")
                db.session.commit()
            return
        raise KeyboardInterrupt

    monkeypatch.setattr(commands.time, "sleep", sleep)
    with app.app_context():
        queue_mail("giulia@example.org", "Prima", "Già in coda")
        db.session.commit()

    result = cli("outbox", "send", "--loop", "--interval", "7")

    assert result.exit_code == 0, result.output
    assert pauses == [7, 7]
    assert result.output.count("logged 1") == 2
    assert result.output.rstrip().endswith("Stopped.")
    with app.app_context():
        assert all(m.logged_at for m in db.session.scalars(select(OutboxMessage)))
