"""seed-demo's twinnings step: the source texts on the pages, idempotent."""
from sqlalchemy import func, select

from forum.extensions import db
from forum.twinnings.models import Event, Twinning, TwinningParticipant
from tests.fixtures.web import page, text_of


def run_seed(app):
    from forum import seed

    with app.test_request_context():
        result = seed.run()
        db.session.commit()
        return result


def counts(app):
    with app.app_context():
        return [db.session.scalar(select(func.count()).select_from(m))
                for m in (Twinning, Event, TwinningParticipant)]


def test_seed_is_idempotent_and_shows_the_sources(app, client):
    first = run_seed(app)
    assert first.created["twinnings"] == 3 and first.created["networks"] == 1
    before = counts(app)
    second = run_seed(app)
    assert second.created["twinnings"] == 0 and second.created["events"] == 0
    assert second.created["twinning participants"] == 0
    assert counts(app) == before

    response = client.get("/twinnings/governance-smart-city-bg-le?lang=it")
    text = text_of(response)
    assert "La Governance della Smart City and Community. BG-LE" in text
    assert "trasferimento di know-how" in text                  # objectives
    assert "Associazione Bergamo Smart City & Community" in text  # results
    assert "6 partecipanti" in text or "6 participants" in text
    assert "Esempio: contenuto fittizio" not in text  # the real twinning is no example
    assert page(response).find("a", href="https://streaming.example.org/gemellaggi/bg-le")

    example = text_of(client.get("/twinnings/numero-unico-pronto-intervento-nu112?lang=en"))
    assert "Example: fictional content for the demo." in example
    italian = text_of(client.get("/twinnings/numero-unico-pronto-intervento-nu112?lang=it"))
    assert "Esempio: contenuto fittizio a scopo dimostrativo." in italian

    lecce = text_of(client.get("/cities/lecce?lang=it"))
    assert "25" in lecce and "15.659.005 €" in lecce and "83.303" in lecce
    assert "Patto per la Città di Lecce. Lecce Smart & Com" in lecce

    network = text_of(client.get("/networks/digiplace?lang=en"))
    assert "DigiPlace" in network and "Pavia example" in network
    assert "Le Ferrovie dimenticate e le vie del Gusto" in network

    listing = text_of(client.get("/twinnings/?lang=en"))
    order = [listing.index(t) for t in ("NU112", "BG-LE", "Ferrovie dimenticate")]
    assert order == sorted(order)
