"""Matching on the fixture of known good pairs (tests/fixtures/practices_matching.json)."""
import pytest

from forum.practices import matching, services
from tests.practice_data import fixture, load_fixture


@pytest.fixture
def loaded(ctx):
    return load_fixture()


def _ranked_keys(practices, subject) -> list[str]:
    by_id = {p.id: key for key, p in practices.items()}
    return [by_id[s.practice.id] for s in services.suggestions_for(subject)]


def test_fixture_is_big_enough_and_consistent():
    data = fixture()
    assert len(data["records"]) >= 20
    for expectation in data["expectations"]:
        assert data["records"][expectation["seek"]]["kind"] == "seek"
        assert data["records"][expectation["intended"]]["kind"] in ("offer", "story")
        assert expectation["intended"] not in expectation["unrelated"]


@pytest.mark.parametrize("expectation", fixture()["expectations"], ids=lambda e: e["seek"])
def test_each_seek_ranks_its_offer_first_or_second(loaded, expectation):
    ranked = _ranked_keys(loaded, loaded[expectation["seek"]])
    assert expectation["intended"] in ranked[:2], ranked
    assert not set(expectation["unrelated"]) & set(ranked[:3]), ranked


@pytest.mark.parametrize("expectation", fixture()["offer_expectations"],
                         ids=lambda e: e["offer"])
def test_each_offer_finds_its_open_seeks(loaded, expectation):
    ranked = _ranked_keys(loaded, loaded[expectation["offer"]])
    assert expectation["intended"] in ranked[:2], ranked
    assert not set(expectation["unrelated"]) & set(ranked[:3]), ranked
    # an offer is matched against requests only
    assert all(loaded[key].kind == "seek" for key in ranked)


def test_reasons_name_shared_themes_and_words_as_written(loaded):
    suggestions = services.suggestions_for(loaded["seek-gaming"])
    best = suggestions[0]
    assert best.practice.id == loaded["offer-gaming"].id
    assert best.themes == ["civic-participation"]
    # words as the viewed request writes them, not stems: "gioco" (the glossary's concept
    # "game", which the offer writes "gaming"), "punti"
    assert "gioco" in best.words and "punti" in best.words
    assert all(" " not in word and word == word.lower() for word in best.words)


def test_closed_hidden_and_matched_seeks_are_never_suggested(loaded, ctx):
    offer = loaded["offer-opendata"]
    loaded["story-opendata"].status = "closed"
    loaded["seek-opendata"].visibility = "hidden"
    ctx.flush()
    ids = {s.practice.id for s in services.suggestions_for(loaded["seek-gaming"])}
    assert loaded["story-opendata"].id not in ids
    assert loaded["seek-opendata"].id not in {s.practice.id for s in
                                               services.suggestions_for(offer)}
    # a seek that found its answer no longer shows on offers' pages
    loaded["seek-gaming"].status = "matched"
    ctx.flush()
    assert loaded["seek-gaming"].id not in {
        s.practice.id for s in services.suggestions_for(loaded["offer-gaming"])}


def test_the_same_words_across_accents_and_inflections_meet():
    terms_a = matching.practice_terms("Città partecipativa", "", "", "it").split()
    terms_b = matching.practice_terms("citta e partecipazione", "", "", "it").split()
    assert set(terms_a) == set(terms_b)


def test_unrelated_text_without_shared_themes_is_not_suggested():
    corpus = matching.Corpus([
        matching.Candidate(1, "seek", "open", ["mobility"],
                           matching.practice_terms("Piste ciclabili", "", "", "it")),
        matching.Candidate(2, "offer", "open", ["commerce"],
                           matching.practice_terms("Negozi del centro", "", "", "it")),
    ])
    subject, other = (matching.Candidate(1, "seek", "open", ["mobility"], ""),
                      matching.Candidate(2, "offer", "open", ["commerce"], ""))
    subject.terms = " ".join(corpus.counts[1].elements())
    assert matching.rank(subject, [other], corpus) == []


def test_query_scores_find_words_in_either_language():
    candidates = [
        matching.Candidate(1, "offer", "open", [], matching.practice_terms(
            "Bike sharing", "", "shared bicycles", "en"), "en"),
        matching.Candidate(2, "offer", "open", [], matching.practice_terms(
            "Lampioni LED", "", "illuminazione pubblica", "it"), "it"),
    ]
    assert list(matching.query_scores("bicycle", candidates)) == [1]
    assert list(matching.query_scores("lampione", candidates)) == [2]


def test_the_glossary_bridges_italian_and_english():
    italian = set(matching.practice_terms("Coinvolgere i cittadini con il gioco", "", "", "it")
                  .split())
    english = set(matching.practice_terms("Engaging citizens through gaming", "", "", "en")
                  .split())
    assert {"~citizen", "~game", "~engagement"} <= italian & english
