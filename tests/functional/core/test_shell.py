from tests.fixtures.web import text_of


def test_home_is_italian_by_default_and_english_on_request(italian_client):
    client = italian_client
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="it">' in response.get_data(as_text=True)
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    # the choice is kept in a cookie for the next page
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_security_headers_on_every_response(client):
    for url in ("/", "/does-not-exist"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_not_found_is_translated_and_in_the_layout(client):
    response = client.get("/nowhere?lang=en")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["database"] is True
