"""The demo practices: enough of them, across themes and languages, with pairs that match."""
from sqlalchemy import func, select

from forum import seed
from forum.practices import services
from forum.practices.models import Practice, PracticeInterest
from forum.seed import accounts, places, practices, twinnings

STEPS = [("cities", places.seed_cities), ("organisations", places.seed_organisations),
         ("accounts", accounts.seed_accounts), ("networks", twinnings.seed_networks),
         ("twinnings", twinnings.seed_twinnings), ("practices", practices.seed_practices)]


def _by_title(session, title) -> Practice:
    return session.scalar(select(Practice).where(Practice.title == title))


def test_demo_practices_are_varied_and_running_again_adds_nothing(ctx):
    first = seed.run(STEPS)
    rows = ctx.scalars(select(Practice)).all()
    assert first.created["practices"] >= 20 and len(rows) == first.created["practices"]
    assert {p.language for p in rows} == {"it", "en"}
    assert {p.kind for p in rows} == {"offer", "seek", "story"}
    assert len({code for p in rows for code in p.theme_codes}) >= 10
    assert all(p.is_example for p in rows)
    again = seed.run(STEPS)
    assert again.created["practices"] == 0 and again.created["practice interests"] == 0
    assert ctx.scalar(select(func.count(Practice.id))) == len(rows)
    assert ctx.scalar(select(func.count(PracticeInterest.id))) == len(practices.INTERESTS)


def test_demo_pairs_match(ctx):
    seed.run(STEPS)
    pairs = [
        ("Coinvolgere i cittadini con il social gaming",
         "Piattaforma di social gaming per la partecipazione civica"),
        ("Una struttura di governance per coordinare i progetti smart city",
         "Il modello di governance dell'associazione smart city di Bergamo"),
        ("Aprire i dati del Comune: da dove cominciare?",
         "Come abbiamo aperto i dati: la storia del portale open data"),
        ("Bike sharing for a mid-sized historic town",
         "Electric bike sharing with smart docking stations"),
    ]
    for seek_title, answer_title in pairs:
        ranked = [s.practice.title for s in services.suggestions_for(_by_title(ctx, seek_title))]
        assert answer_title in ranked[:2], (seek_title, ranked)
    governance = _by_title(ctx, "Il modello di governance dell'associazione smart city di Bergamo")
    assert governance.twinning is not None and governance.city.slug == "bergamo"
    assert governance.interest_count == 1
