"""Italian and English analysis, accent folding, and queries run against both."""
from forum.search.analysis import ENGLISH, ITALIAN, fold
from tests.fixtures.search import find, make_content


def terms(analyzer, text):
    return [token.text for token in analyzer(text)]


def test_italian_plural_and_singular_share_a_stem():
    assert terms(ITALIAN, "gemellaggi") == terms(ITALIAN, "gemellaggio")
    assert terms(ITALIAN, "città intelligenti") == terms(ITALIAN, "città intelligente")


def test_accents_are_folded_before_stemming():
    assert terms(ITALIAN, "citta") == terms(ITALIAN, "città")
    assert terms(ENGLISH, "citta") == terms(ENGLISH, "città")
    assert fold("Città PIÙ") == "citta piu"


def test_italian_stop_words_are_dropped():
    assert terms(ITALIAN, "il gemellaggio della città è nato") == \
        terms(ITALIAN, "gemellaggio città nato")


def test_english_stemming():
    assert terms(ENGLISH, "games") == terms(ENGLISH, "gaming") == terms(ENGLISH, "game")
    assert terms(ENGLISH, "the engagement of citizens") == terms(ENGLISH, "engaged citizen")


def test_italian_words_find_their_other_forms(app, search_index):
    content = make_content(app)
    assert ("discussion", content.discussion_id) in find(app, "gemellaggi")
    assert ("twinning", content.twinning_id) in find(app, "città intelligenti")
    assert ("twinning", content.twinning_id) in find(app, "citta intelligente")


def test_english_words_find_english_text(app, search_index):
    content = make_content(app)
    assert find(app, "citizen engagement game") == [("post", content.reply_id)]


def test_title_weighs_more_than_body(app, search_index):
    content = make_content(app)
    # "governance" is in the twinning's title and only in the discussion's space.
    assert find(app, "governance bergamo")[0] == ("twinning", content.twinning_id)


def test_phrase_prefix_and_operators(app, search_index):
    content = make_content(app)
    twinning = ("twinning", content.twinning_id)
    assert twinning in find(app, '"smart city"')
    assert twinning not in find(app, '"city smart"')
    assert twinning in find(app, "gemell*")
    assert twinning in find(app, "governance AND bergamo")
    assert twinning not in find(app, "governance NOT bergamo")
    assert ("post", content.reply_id) in find(app, "ornitorinco OR games")
