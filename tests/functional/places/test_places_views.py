"""City profiles, projects and networks as visitors see them; staff curation forms."""
from decimal import Decimal

from tests.fixtures.twinnings import bergamo_lecce, lecce_with_totals, staff_user
from tests.fixtures.web import page, submit, text_of


def figures(response) -> dict:
    soup = page(response)
    return {dd["data-figure"]: dd.get_text(" ", strip=True)
            for dd in soup.select("dd[data-figure]")}


def test_lecce_profile_in_italian_and_english(app, client):
    bergamo_lecce(app)
    slug = lecce_with_totals(app, projects=1)
    response = client.get(f"/cities/{slug}?lang=it")
    assert response.status_code == 200
    assert figures(response) == {"projects": "25", "investment": "15.659.005 €",
                                 "population": "83.303"}
    text = text_of(response)
    # the declared totals come with their source and date; the one held project is listed
    assert "Comune di Lecce, profilo Smart City" in text
    assert "9 novembre 2015" in text
    assert "Progetto 0" in text
    assert "La Governance della Smart City and Community. BG-LE" in text
    english = client.get(f"/cities/{slug}?lang=en")
    assert figures(english) == {"projects": "25", "investment": "€15,659,005",
                                "population": "83,303"}
    assert "9 November 2015" in text_of(english)


def test_city_without_declared_totals_sums_its_projects(app, client):
    from forum.extensions import db
    from forum.places import services

    with app.test_request_context():
        city = services.create_city(None, {"name": "Cremona", "population": 71000})
        for amount in ("1000", "2500"):
            services.create_project(None, city, {"title": f"P {amount}", "description": "",
                                                 "investment": Decimal(amount)})
        db.session.commit()
    shown = figures(client.get("/cities/cremona?lang=en"))
    assert shown == {"projects": "2", "investment": "€3,500", "population": "71,000"}
    assert "Totals declared" not in text_of(client.get("/cities/cremona?lang=en"))


def test_city_page_queries_do_not_grow(app, client, count_queries):
    def measure(slug):
        client.get(f"/cities/{slug}")
        with count_queries() as queries:
            assert client.get(f"/cities/{slug}").status_code == 200
        return len(queries)

    from forum.extensions import db
    from forum.places import services

    with app.test_request_context():
        small = services.create_city(None, {"name": "Piccola"})
        large = services.create_city(None, {"name": "Grande"})
        for city, n in ((small, 2), (large, 30)):
            for i in range(n):
                services.create_project(None, city, {"title": f"P{i}", "description": "x"})
        db.session.commit()
    few, many = measure("piccola"), measure("grande")
    assert few == many and many <= 15


def test_project_page(app, client):
    from datetime import date

    from forum.extensions import db
    from forum.places import services

    with app.test_request_context():
        lecce = services.create_city(None, {"name": "Lecce", "slug": "lecce"})
        project = services.create_project(staff_user(), lecce, {
            "title": "Patto per la Città di Lecce. Lecce Smart & Com",
            "description": "Piattaforme di **social gaming** e di open data.",
            "investment": Decimal("2000000"), "target_areas": "Centro Storico",
            "status": "in-progress", "start_date": date(2016, 1, 1),
            "end_date": date(2018, 12, 31), "themes": ["open-data", "commerce"]})
        services.add_news(None, project, {"title": "Avvio", "body": "Partiti i lavori."})
        db.session.commit()
        url = f"/cities/lecce/projects/{project.id}"
    text = text_of(client.get(url + "?lang=it"))
    for expected in ("Lecce Smart & Com", "social gaming", "2.000.000", "Centro Storico",
                     "In progress" if False else "1 gennaio 2016", "Avvio", "Partiti i lavori."):
        assert expected in text
    assert client.get("/cities/lecce/projects/999999").status_code == 404
    assert client.get("/cities/bari/projects/1").status_code == 404


def test_staff_create_a_network_with_members(app, client, make_user, login):
    staff = make_user(role="staff")
    login(staff)
    bergamo_lecce(app)
    response = submit(client, "/networks/new", {
        "name": "Rete DigiPlace", "slug": "", "summary": "Città medie",
        "description": "Una rete di *città medie*.", "website": "https://digiplace.example.org"})
    assert response.status_code == 200
    assert "Rete DigiPlace" in text_of(response)
    with app.app_context():
        from forum.places.services import city_by_slug
        lecce_id = city_by_slug("lecce").id
    submit(client, "/networks/rete-digiplace/members",
           {"city": str(lecce_id), "organisation_name": "", "organisation_kind":
            "public-administration", "is_example": "y"},
           form_url="/networks/rete-digiplace/edit")
    submit(client, "/networks/rete-digiplace/members",
           {"city": "0", "organisation_name": "Università del Salento",
            "organisation_kind": "university-research"},
           form_url="/networks/rete-digiplace/edit")
    text = text_of(client.get("/networks/rete-digiplace?lang=en"))
    assert "Lecce example" in text
    assert "Università del Salento" in text
    assert "Cities marked \"example\" are fictional" in text
    # a bad website and a taken slug are refused with the text kept
    response = submit(client, "/networks/new", {"name": "Altra", "slug": "rete-digiplace",
                                                 "website": "javascript:alert(1)"})
    soup = page(response)
    assert soup.find("input", id="name")["value"] == "Altra"
    assert "http:// or https://" in text_of(response) or "http://" in text_of(response)


def test_staff_edit_city_declared_totals(app, client, make_user, login):
    staff = make_user(role="staff")
    login(staff)
    response = submit(client, "/cities/new", {"name": "Lecce", "population": "83303",
                                               "declared_projects": "25"})
    # declared totals need a source and a date
    assert page(response).find(id="totals_source-error") is not None
    response = submit(client, "/cities/new", {
        "name": "Lecce", "population": "83303", "declared_projects": "25",
        "declared_investment": "15659005", "totals_source": "Comune di Lecce",
        "totals_as_of": "2015-11-09"})
    assert figures(response)["investment"] == "€15,659,005"
    response = submit(client, "/cities/new", {"name": "Lecce"})
    assert page(response).find(id="slug-error") is not None


def test_members_get_403_and_visitors_sign_in(app, client, make_user, login):
    slug = bergamo_lecce(app)
    urls = ["/cities/new", "/cities/lecce/edit", "/cities/lecce/projects/new", "/networks/new",
            "/twinnings/new", f"/twinnings/{slug}/edit", f"/twinnings/{slug}/events/new"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(make_user())
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_lists_render_in_both_languages(app, client):
    from forum import seed

    with app.test_request_context():
        seed.run()
        db_session().commit()
    for url in ("/cities/", "/networks/", "/twinnings/", "/networks/digiplace",
                "/twinnings/numero-unico-pronto-intervento-nu112", "/cities/matera"):
        for lang in ("it", "en"):
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, (url, lang)
    assert "Lecce" in text_of(client.get("/cities/?lang=en"))
    assert "DigiPlace" in text_of(client.get("/networks/?lang=en"))
    assert client.get("/cities/?page=nope").status_code == 400
    assert client.get("/cities/atlantide").status_code == 404
    assert client.get("/networks/atlantide").status_code == 404


def db_session():
    from forum.extensions import db

    return db.session
