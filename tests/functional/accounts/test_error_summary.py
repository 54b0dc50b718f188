"""A failed submit shows every error at once, listed at the top of the form with links."""
from tests.fixtures.web import page, submit
from tests.functional.accounts.test_accounts_register import registration


def test_registration_lists_every_error_at_once_with_links_to_the_fields(app, client,
                                                                         make_user):
    make_user("taken.name")
    # A username taken (a rule of the service), a common password (the service too), no
    # full name and no privacy consent (the form's own checks): all four after one submit.
    response = submit(client, "/auth/register?lang=it", registration(
        username="Taken.Name", password="password123", full_name="", accept_privacy=None))
    soup = page(response)
    summary = soup.select_one("form .error-summary")
    assert summary is not None and summary.has_attr("autofocus")
    assert summary["tabindex"] == "-1"
    assert summary["aria-labelledby"] == summary.select_one("h2")["id"]
    assert summary.select_one("h2").get_text(strip=True) == "Il modulo ha 4 errori"
    links = {a["href"]: a.get_text(" ", strip=True) for a in summary.select("a")}
    assert set(links) == {"#username", "#password", "#full_name", "#accept_privacy"}
    assert "già in uso" in links["#username"] or "scegline" in links["#username"].lower()
    for href in links:
        control = soup.select_one(href)
        assert control is not None and control.get("aria-invalid") == "true"
        assert control.find_parent("form") is summary.find_parent("form")
    # The summary comes before the first field.
    form = summary.find_parent("form")
    assert str(form).index("error-summary") < str(form).index('id="username"')


def test_an_untouched_form_has_no_summary(client):
    assert page(client.get("/auth/register")).select_one(".error-summary") is None


def test_one_error_in_english(client):
    response = submit(client, "/auth/login?lang=en", {"login": "", "password": "x"})
    summary = page(response).select_one(".error-summary")
    assert summary.select_one("h2").get_text(strip=True) == "The form has 1 error"
    assert [a["href"] for a in summary.select("a")] == ["#login"]
