"""The twinning pages as visitors, members and staff see them."""
from sqlalchemy import select

from forum.extensions import db
from forum.twinnings.models import Twinning, TwinningParticipant
from tests.helpers import page, submit, text_of
from tests.twinning_data import BG_LE, bergamo_lecce


def test_visitor_reads_the_twinning(app, client):
    slug = bergamo_lecce(app, participants=2)
    response = client.get(f"/twinnings/{slug}?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "La Governance della Smart City and Community. BG-LE" in text
    assert "Objectives" in text and "trasferimento di know-how" in text
    assert "Results" in text and "Associazione Bergamo Smart City" in text
    assert "Bergamo : Transferring city" in text and "Lecce : Beneficiary city" in text
    assert "2 participants" in text
    assert "Persona" in text
    # the general discussion created with the twinning is listed
    assert "Discussione generale del gemellaggio" in text
    # the event going on now is marked live, with its streaming link
    assert "Live now" in text
    assert page(response).find("a", href="https://stream.example.org/bg-le") is not None
    # visitors are invited to sign in rather than shown a join button
    assert "Join the twinning" not in text


def test_unknown_twinning_is_404(client):
    assert client.get("/twinnings/nothing-here").status_code == 404


def test_member_joins_and_leaves(app, client, make_user, login):
    slug = bergamo_lecce(app, participants=0)
    member = make_user(full_name="Chiara Neri")
    login(member)
    response = submit(client, f"/twinnings/{slug}/join", {}, form_url=f"/twinnings/{slug}?lang=en")
    assert "You joined the twinning." in text_of(response)
    assert "1 participant" in text_of(response) and "Chiara Neri" in text_of(response)
    # joining twice changes nothing
    submit(client, f"/twinnings/{slug}/join", {}, form_url=f"/twinnings/{slug}")
    with app.app_context():
        twinning = db.session.scalar(select(Twinning).where(Twinning.slug == slug))
        assert twinning.participant_count == 1
    response = submit(client, f"/twinnings/{slug}/leave", {}, form_url=f"/twinnings/{slug}")
    assert "0 participants" in text_of(client.get(f"/twinnings/{slug}?lang=en"))
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(TwinningParticipant)) == 0


def test_unconfirmed_member_cannot_join(app, client, make_user, login):
    slug = bergamo_lecce(app)
    member = make_user(confirmed=False)
    login(member)
    token_page = client.get(f"/twinnings/{slug}")
    assert "Join the twinning" not in text_of(client.get(f"/twinnings/{slug}?lang=en"))
    from tests.helpers import csrf_from
    response = client.post(f"/twinnings/{slug}/join", data={"csrf_token": csrf_from(token_page)})
    assert response.status_code == 403


def test_visitor_posting_join_is_sent_to_sign_in(app, client):
    slug = bergamo_lecce(app)
    from tests.helpers import csrf_from
    response = client.post(f"/twinnings/{slug}/join",
                           data={"csrf_token": csrf_from(client.get("/auth/login"))})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_list_is_filtered_and_bad_filters_are_400(app, client):
    bergamo_lecce(app)
    assert BG_LE in client.get("/twinnings/?city=lecce").get_data(as_text=True)
    assert BG_LE in client.get("/twinnings/?status=active").get_data(as_text=True)
    assert BG_LE not in client.get("/twinnings/?status=concluded").get_data(as_text=True)
    for query in ("city=atlantis", "network=none", "status=sleeping", "page=0", "page=x"):
        assert client.get(f"/twinnings/?{query}").status_code == 400, query
