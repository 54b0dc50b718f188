"""Text analysis: the same text read as Italian and as English, accents folded in both.

Folding happens before stemming, so `citta` and `città` reach the stemmer as the same word
and always stem alike; stop words are removed before folding, while they still match the
stop lists (which spell `è`, `più`, `perché` with their accents).
"""
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# Words of one letter carry no meaning in either language ("l'", "a", "e").
MIN_WORD = 2


def language_analyzer(lang: str):
    """Tokenise, lower-case, drop `lang` stop words, fold accents, stem with Snowball `lang`."""
    return (RegexTokenizer()
            | LowercaseFilter()
            | StopFilter(stoplist=stopwords_for_language(lang), minsize=MIN_WORD)
            | CharsetFilter(accent_map)
            | StemFilter(lang=lang, cachesize=50000))


def words_analyzer():
    """Whole words, folded but not stemmed: the vocabulary "did you mean" suggests from."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


ITALIAN = language_analyzer("it")
ENGLISH = language_analyzer("en")
WORDS = words_analyzer()


def fold(text: str) -> str:
    """Lower-case and accent-free, the way the index spells words."""
    return " ".join(token.text for token in WORDS(text))
