"""Practice services: adopters, matched, export and erasure."""
import pytest

from forum.accounts import services as accounts
from forum.accounts.services import create_user
from forum.core.errors import ServiceError
from forum.practices import services
from forum.practices.models import PracticeInterest
from tests.fixtures.practices import public_administration


def _member(name, organisation=None, **profile):
    return create_user(name, f"{name}@example.org", "x" * 12, confirmed=True,
                       organisation=organisation, **profile)


def _practice(author, kind="offer", organisation=None, **extra):
    return services.create_practice(author, {
        "kind": kind, "title": f"{kind} di prova", "summary": "", "body": "Testo.",
        "language": "it", "themes": ["governance"], "organisation": organisation, **extra})


def test_adopters_are_distinct_public_administrations(ctx):
    lecce, bari = public_administration("Comune di Lecce"), public_administration("Comune di Bari")
    from forum.places.models import Organisation

    university = Organisation(name="Università", kind="university-research")
    ctx.add(university)
    offer = _practice(_member("offerente"))
    assert offer.adopter_count == 0
    # two members of the same administration count once; a university does not count
    for name, org in (("anna", lecce), ("bruno", lecce), ("carla", university), ("dario", bari)):
        services.express_interest(_member(name, org), offer, "", notify=False)
    assert offer.interest_count == 4 and offer.adopter_count == 2
    # a seek of a third administration matched with the offer adopted it
    third = public_administration("Comune di Matera")
    seek = _practice(_member("cercatore"), "seek", third)
    assert seek.adopter_count == 1  # it asks for it
    services.mark_matched(seek.author, seek, offer.id, None)
    assert offer.adopter_count == 3
    # changing the answer moves the adoption
    other = _practice(_member("altro"))
    services.mark_matched(seek.author, seek, other.id, None)
    assert offer.adopter_count == 2 and other.adopter_count == 1


def test_interest_in_a_seek_offers_help_and_does_not_count_as_asking(ctx, outbox):
    lecce = public_administration("Comune di Lecce")
    seek = _practice(_member("chi-cerca", lecce, preferred_language="en"), "seek", lecce)
    services.express_interest(_member("aiuto", public_administration("Comune di Bari")), seek,
                              "Possiamo aiutarvi")
    assert seek.adopter_count == 1
    recipient, subject, body = outbox()[-1]
    assert recipient == "chi-cerca@example.org"
    assert subject == "aiuto can help with your practice"
    assert "says they can help with your request" in body and "Possiamo aiutarvi" in body


def test_own_practice_and_long_messages_are_refused(ctx):
    author = _member("autrice")
    offer = _practice(author)
    with pytest.raises(ServiceError):
        services.express_interest(author, offer, "")
    with pytest.raises(ServiceError):
        services.express_interest(_member("altra"), offer, "x" * 1001)


def test_export_and_erasure(ctx):
    author, fan = _member("autore"), _member("fan", public_administration("Comune di Bari"))
    offer = _practice(author)
    services.express_interest(fan, offer, "Mi interessa", notify=False)
    data = accounts.export_data(fan)
    assert data["practice_interests"][0]["message"] == "Mi interessa"
    assert accounts.export_data(author)["practices"][0]["title"] == "offer di prova"
    accounts.erase_member(fan)
    assert ctx.query(PracticeInterest).count() == 0
    assert offer.interest_count == 0 and offer.adopter_count == 0
    accounts.erase_member(author)
    assert offer.author_id == author.id  # the practice stays, under "former member"


def test_the_matching_corpus_is_kept_until_the_content_changes(ctx, monkeypatch):
    from forum.extensions import db
    from forum.practices import corpus, matching

    author = _member("corpo")
    offer = _practice(author, title="Orti urbani condivisi", body="Orti nei quartieri.")
    seek = _practice(_member("cerca"), "seek", title="Cerchiamo orti urbani",
                     body="Orti per il quartiere.")
    db.session.commit()
    built = []
    real = matching.Corpus
    monkeypatch.setattr(matching, "Corpus", lambda c: built.append(1) or real(c))
    corpus.forget()
    first = [s.id for s in services.suggestions_for(seek)]
    assert first == [offer.id]
    services.suggestions_for(seek)
    assert len(built) == 1  # the second page reused the worker's corpus
    later = _practice(author, title="Orti urbani in città", body="Orti urbani e quartieri.")
    db.session.commit()  # the content version moves: the next page builds it again
    assert later.id in [s.id for s in services.suggestions_for(seek)]
    assert len(built) == 2
