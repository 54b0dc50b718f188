"""Forgotten password: same answer for every address, a link that expires and works once."""
from tests.fixtures.web import link_in, submit, text_of

NEW_PASSWORD = "a brand new pass phrase"
ANSWER = "If an account uses that address, we have sent it a link"


def ask_for_reset(client, email):
    client.get("/?lang=en")
    return submit(client, "/auth/reset", {"email": email})


def test_reset_a_forgotten_password_end_to_end(client, make_user, outbox, login):
    member = make_user()
    response = ask_for_reset(client, member.email.upper())
    assert ANSWER in text_of(response)
    [(recipient, subject, body)] = outbox()
    assert recipient == member.email and subject == "Choose a new password"
    link = link_in(body, "auth/reset/")

    response = submit(client, link, {"password": NEW_PASSWORD})
    assert "Your password has been changed" in text_of(response)
    # The old password no longer works, the new one does.
    response = submit(client, "/auth/login", {"login": member.username,
                                              "password": member.password})
    assert "is not correct" in text_of(response)
    member.password = NEW_PASSWORD
    login(member)
    assert client.get("/account/profile").status_code == 200

    # The link worked once: it is refused now, on the page and on a POST.
    client.get("/?lang=en")
    assert "This link is not valid" in text_of(client.get(link, follow_redirects=True))


def test_answers_are_identical_for_known_and_unknown_addresses(client, make_user, outbox):
    member = make_user()
    first = ask_for_reset(client, member.email)
    second = ask_for_reset(client, "nobody@example.org")
    assert first.status_code == second.status_code == 200
    assert ANSWER in text_of(second)
    assert text_of(first) == text_of(second)
    assert [recipient for recipient, _s, _b in outbox()] == [member.email]


def test_link_stops_working_once_the_password_changed(client, make_user, outbox, login):
    member = make_user()
    ask_for_reset(client, member.email)
    link = link_in(outbox()[0][2], "auth/reset/")
    login(member)
    submit(client, "/account/password", {"current_password": member.password,
                                         "new_password": NEW_PASSWORD})
    submit(client, "/auth/logout", {}, form_url="/account/profile")
    response = client.get(link, follow_redirects=True)
    assert "This link is not valid" in text_of(response)


def test_link_expires(app, client, make_user, outbox):
    member = make_user()
    ask_for_reset(client, member.email)
    link = link_in(outbox()[0][2], "auth/reset/")
    app.config["FORUM_RESET_MAX_AGE"] = -1
    try:
        response = client.get(link, follow_redirects=True)
    finally:
        app.config["FORUM_RESET_MAX_AGE"] = 3600
    assert "This link is not valid" in text_of(response)


def test_reset_refuses_a_weak_password_and_keeps_the_link_usable(client, make_user, outbox):
    member = make_user()
    ask_for_reset(client, member.email)
    link = link_in(outbox()[0][2], "auth/reset/")
    response = submit(client, link, {"password": "password123"})
    assert "among the most common" in text_of(response)
    response = submit(client, link, {"password": NEW_PASSWORD})
    assert "Your password has been changed" in text_of(response)


def test_reset_ends_the_other_sessions(app, client, make_user, outbox, login):
    member = make_user()
    login(member)
    other = app.test_client()
    ask_for_reset(other, member.email)
    submit(other, link_in(outbox()[0][2], "auth/reset/"), {"password": NEW_PASSWORD})
    assert client.get("/account/profile").status_code == 302
