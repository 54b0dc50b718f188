"""'Adopted': a member of another council marks an offer adopted by their organisation; both
sides earn the most points, the offer's author the mentor badge, nobody anything for their
own organisation's offer."""
import re

import pytest
from sqlalchemy import func, select

from forum.engagement.models import BadgeAward, MemberPoints, PointEntry
from forum.engagement.rules import ACTIONS
from forum.extensions import db
from forum.practices.models import Practice, PracticeAdoption
from tests.fixtures.practices import public_administration
from tests.fixtures.web import csrf_from, page, submit, text_of

OFFER_FORM = {
    "kind": "offer", "language": "it", "themes": ["civic-participation"],
    "title": "Social gaming per la partecipazione",
    "summary": "Una piattaforma che premia con punti e badge chi partecipa.",
    "body": "Come l'abbiamo costruita, quanto costa, cosa abbiamo imparato.",
    "city": "0", "twinning": "0", "status": "open", "related": "",
}


@pytest.fixture
def councils(app, make_user):
    with app.app_context():
        bergamo = public_administration("Comune di Bergamo")
        lecce = public_administration("Comune di Lecce")
        db.session.commit()
        ids = {"bergamo": bergamo.id, "lecce": lecce.id}
    return {
        "offerer": make_user("offerer", full_name="Marta Galli", organisation_id=ids["bergamo"],
                             on_leaderboard=True),
        "colleague": make_user("colleague", full_name="Bruno Neri",
                               organisation_id=ids["bergamo"]),
        "adopter": make_user("adopter", full_name="Giulia Ferri", organisation_id=ids["lecce"],
                             on_leaderboard=True),
        "loner": make_user("loner", full_name="Senza Ente"),
        **ids,
    }


def _points(app, member) -> int:
    with app.app_context():
        return db.session.scalar(select(MemberPoints.points)
                                 .where(MemberPoints.user_id == member.id)) or 0


def _post_offer(client, login, councils) -> str:
    login(councils["offerer"])
    response = submit(client, "/practices/new?lang=en",
                      {**OFFER_FORM, "organisation": str(councils["bergamo"])})
    assert response.status_code == 200 and "Your practice is published." in text_of(response)
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/"))})
    return response.request.path


def test_another_council_marks_an_offer_adopted_and_both_profiles_show_it(app, client, login,
                                                                         councils):
    offer_url = _post_offer(client, login, councils)
    offered = _points(app, councils["offerer"])
    assert offered == ACTIONS["practice_offered"].points

    login(councils["adopter"])
    offer_page = page(client.get(f"{offer_url}?lang=en"))
    button = offer_page.find("button", string=re.compile("My organisation adopted it"))
    assert button is not None
    response = submit(client, f"{offer_url}/adopted", {}, form_url=f"{offer_url}?lang=en")
    text = text_of(response)
    assert "Marked as adopted by your organisation" in text
    assert "Comune di Lecce" in page(response).select_one("#adopted").get_text()
    # Twice is once.
    submit(client, f"{offer_url}/adopted", {}, form_url=f"{offer_url}?lang=en")

    adopted = ACTIONS["adopted"].points
    assert adopted == max(action.points for action in ACTIONS.values())
    assert _points(app, councils["offerer"]) == offered + adopted
    assert _points(app, councils["adopter"]) == adopted
    with app.app_context():
        practice_id = int(offer_url.rsplit("/", 1)[1])
        assert db.session.get(Practice, practice_id).adopter_count == 1
        assert db.session.scalar(select(func.count(PracticeAdoption.id))) == 1

    offerer_profile = client.get("/members/offerer?lang=en").get_data(as_text=True)
    assert 'href="/badges#mentor"' in offerer_profile
    assert re.search(rf"\b{offered + adopted} points\b", offerer_profile)
    adopter_profile = client.get("/members/adopter?lang=en").get_data(as_text=True)
    assert re.search(rf"\b{adopted} points\b", adopter_profile)
    assert "Practice adopted by another organisation" in adopter_profile
    board = page(client.get("/leaderboard?period=all&lang=en"))
    names = [row.get_text(" ", strip=True) for row in board.select("tbody th")]
    assert names[:2] == ["Marta Galli", "Giulia Ferri"]
    assert "Marta Galli" in text_of(client.get("/badges?lang=en"))
    organisations = text_of(client.get("/leaderboard?board=organisations&lang=en"))
    assert "Comune di Bergamo" in organisations and "Comune di Lecce" in organisations


def test_ones_own_organisation_cannot_adopt_and_earns_nothing(app, client, login, councils):
    offer_url = _post_offer(client, login, councils)
    for member in ("colleague", "loner", "offerer"):
        login(councils[member])
        offer_page = client.get(f"{offer_url}?lang=en")
        assert "My organisation adopted it" not in text_of(offer_page)
        response = client.post(f"{offer_url}/adopted",
                               data={"csrf_token": csrf_from(offer_page)})
        assert response.status_code == 403, member
        client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/"))})
    with app.app_context():
        assert not db.session.scalar(select(func.count(PointEntry.id)).where(
            PointEntry.action == "adopted"))
        assert not db.session.scalar(select(BadgeAward.id).where(BadgeAward.badge == "mentor"))


def test_taking_an_adoption_back_or_hiding_the_offer_takes_the_points_back(app, client, login,
                                                                          councils):
    from forum.moderation import services as moderation
    from tests.fixtures.twinnings import staff_user

    offer_url = _post_offer(client, login, councils)
    practice_id = int(offer_url.rsplit("/", 1)[1])
    login(councils["adopter"])
    submit(client, f"{offer_url}/adopted", {}, form_url=offer_url)
    before = _points(app, councils["offerer"]), _points(app, councils["adopter"])

    with app.test_request_context():
        staff = staff_user()
        offer = db.session.get(Practice, practice_id)
        moderation.hide(staff, "practice", offer, "checking")
        db.session.commit()
    assert (_points(app, councils["offerer"]), _points(app, councils["adopter"])) == (0, 0)
    with app.test_request_context():
        moderation.restore(staff_user(), "practice", db.session.get(Practice, practice_id),
                           "fine")
        db.session.commit()
    assert (_points(app, councils["offerer"]), _points(app, councils["adopter"])) == before

    with app.app_context():
        adoption_id = db.session.scalar(select(PracticeAdoption.id))
    response = submit(client, f"{offer_url}/adoptions/{adoption_id}/withdraw", {},
                      form_url=f"{offer_url}?lang=en")
    assert "The adoption was taken back." in text_of(response)
    assert _points(app, councils["adopter"]) == 0
    assert _points(app, councils["offerer"]) == ACTIONS["practice_offered"].points
    with app.app_context():
        lines = db.session.scalars(select(PointEntry.points).where(
            PointEntry.action == "adopted").order_by(PointEntry.id)).all()
    adopted = ACTIONS["adopted"].points
    # Append-only: given, reversed on hiding, given back, reversed on withdrawal.
    assert sorted(lines) == sorted([adopted, adopted, -adopted, -adopted] * 2)


def _logout(client):
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get("/"))})


def test_the_adopter_or_staff_may_take_it_back_colleagues_may_not(app, client, login, make_user,
                                                                  councils):
    """Members choose their organisation themselves: naming the adopter's is no right over
    its adoption. The member who marked it and staff may take it back."""
    offer_url = _post_offer(client, login, councils)
    login(councils["adopter"])
    submit(client, f"{offer_url}/adopted", {}, form_url=offer_url)
    _logout(client)
    with app.app_context():
        adoption_id = db.session.scalar(select(PracticeAdoption.id))
    withdraw_url = f"{offer_url}/adoptions/{adoption_id}/withdraw"
    adopters_colleague = make_user("lecce2", organisation_id=councils["lecce"])
    for member in (adopters_colleague, councils["colleague"]):
        login(member)
        offer_page = client.get(f"{offer_url}?lang=en")
        assert "Take the adoption back" not in text_of(offer_page), member.username
        token = csrf_from(offer_page)
        assert client.post(withdraw_url, data={"csrf_token": token}).status_code == 403
        assert client.post(f"{offer_url}/adoptions/999999/withdraw",
                           data={"csrf_token": token}).status_code == 404
        _logout(client)
    with app.app_context():
        assert db.session.scalar(select(func.count(PracticeAdoption.id))) == 1

    login(make_user("staffer", role="staff"))
    response = submit(client, withdraw_url, {}, form_url=f"{offer_url}?lang=en")
    assert "The adoption was taken back." in text_of(response)
    _logout(client)

    login(councils["adopter"])
    submit(client, f"{offer_url}/adopted", {}, form_url=offer_url)
    with app.app_context():
        adoption_id = db.session.scalar(select(PracticeAdoption.id))
    assert "Take the adoption back" in text_of(client.get(f"{offer_url}?lang=en"))
    response = submit(client, f"{offer_url}/adoptions/{adoption_id}/withdraw", {},
                      form_url=f"{offer_url}?lang=en")
    assert "The adoption was taken back." in text_of(response)
    assert _points(app, councils["adopter"]) == 0
    with app.app_context():
        assert not db.session.scalar(select(func.count(PracticeAdoption.id)))


def test_a_member_who_changes_organisation_does_not_mark_the_offer_again(app, client, login,
                                                                         councils):
    from forum.accounts.models import User
    from forum.practices import services as practices

    offer_url = _post_offer(client, login, councils)
    login(councils["adopter"])
    submit(client, f"{offer_url}/adopted", {}, form_url=offer_url)
    with app.app_context():
        other = public_administration("Comune di Matera")
        db.session.commit()
        other_id = other.id
        user = db.session.get(User, councils["adopter"].id)
        user.organisation_id = other_id
        db.session.commit()
    offer_page = client.get(f"{offer_url}?lang=en")
    assert "My organisation adopted it" not in text_of(offer_page)
    response = client.post(f"{offer_url}/adopted", data={"csrf_token": csrf_from(offer_page)})
    assert response.status_code == 403
    with app.test_request_context():
        offer = db.session.get(Practice, int(offer_url.rsplit("/", 1)[1]))
        assert practices.mark_adopted(db.session.get(User, councils["adopter"].id), offer) \
            is None
        db.session.commit()
        assert db.session.scalar(select(func.count(PracticeAdoption.id))) == 1
    adopted = ACTIONS["adopted"].points
    assert _points(app, councils["adopter"]) == adopted
    assert _points(app, councils["offerer"]) == ACTIONS["practice_offered"].points + adopted


def test_adoptions_are_exported_and_stay_the_organisations_when_the_member_goes(app, client,
                                                                               login, councils):
    from forum.accounts.models import User
    from forum.accounts.services import erase_member, export_data

    offer_url = _post_offer(client, login, councils)
    login(councils["adopter"])
    submit(client, f"{offer_url}/adopted", {}, form_url=offer_url)
    with app.test_request_context():
        adopter = db.session.get(User, councils["adopter"].id)
        exported = export_data(adopter)
        assert exported["practice_adoptions"][0]["organisation_id"] == councils["lecce"]
        assert {e["action"] for e in exported["engagement"]["ledger"]} == {"adopted"}
        erase_member(adopter)
        db.session.commit()
        adoption = db.session.scalar(select(PracticeAdoption))
        assert adoption.user_id is None and adoption.organisation_id == councils["lecce"]
    assert "Giulia Ferri" not in text_of(client.get("/leaderboard?period=all&lang=en"))


def test_the_offer_pages_queries_do_not_grow_with_its_adoptions(app, client, make_user, login,
                                                               councils, count_queries):
    offer_url = _post_offer(client, login, councils)

    def cost():
        client.get(offer_url)  # the matching corpus reloads after a write: not counted
        with count_queries() as statements:
            assert client.get(offer_url).status_code == 200
        return len(statements)

    login(councils["adopter"])
    submit(client, f"{offer_url}/adopted", {}, form_url=offer_url)
    small = cost()
    with app.app_context():
        councils_ids = [public_administration(f"Comune numero {n}").id for n in range(4)]
        db.session.commit()
    members = [make_user(f"council{n}", organisation_id=council)
               for n, council in enumerate(councils_ids)]
    with app.test_request_context():
        from forum.accounts.models import User
        from forum.practices import services as practices

        offer = db.session.get(Practice, int(offer_url.rsplit("/", 1)[1]))
        for member in members:
            practices.mark_adopted(db.session.get(User, member.id), offer)
        db.session.commit()
    assert cost() == small


def test_a_later_adoption_does_not_lose_its_points_to_a_withdrawn_ones_id(app, client, login,
                                                                          make_user, councils):
    """SQLite reused the highest id after a delete, and the ledger keys awards on the
    adoption's id: the offerer got nothing for a second council's adoption."""
    from forum.accounts.models import User
    from forum.practices import services as practices

    offer_url = _post_offer(client, login, councils)
    with app.app_context():
        matera = public_administration("Comune di Matera")
        db.session.commit()
        matera_id = matera.id
    second = make_user("matera", organisation_id=matera_id)
    with app.test_request_context():
        offer = db.session.get(Practice, int(offer_url.rsplit("/", 1)[1]))
        first = practices.mark_adopted(db.session.get(User, councils["adopter"].id), offer)
        db.session.commit()
        practices.withdraw_adoption(None, first)
        db.session.commit()
        practices.mark_adopted(db.session.get(User, second.id), offer)
        db.session.commit()
    adopted = ACTIONS["adopted"].points
    assert _points(app, councils["adopter"]) == 0
    assert _points(app, second) == adopted
    assert _points(app, councils["offerer"]) == ACTIONS["practice_offered"].points + adopted
