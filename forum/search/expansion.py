"""A query's words and their translations, worked out above the search back-ends.

`expand(text)` reads a plain query (no operators, quotes or prefixes: those are the
visitor's own exact syntax) as a list of `QueryWord`: each word, or each phrase the lexicon
knows as a whole ("street lighting", "comunità energetica"), with the lexicon's terms for it
in the other language and its synonyms in its own (`Alternative`). A back-end matches a
`QueryWord` when the word *or* any alternative is there, the alternative weighted below the
word (ALTERNATIVE_WEIGHT), so an exact match still ranks first; it requires every
`QueryWord`, and falls back to any of them, most words first, when that finds little.

`type_weights(words)` is the per-type prior the back-ends multiply scores by: the site's
core objects (twinnings, networks, calls, cities) above a short bio or a single reply, and a
kind of content the query names ("gemellaggi", "bandi", "networks") well above the rest.
"""
import re
from dataclasses import dataclass, field

from forum.search import lexicon
from forum.search.analysis import ENGLISH, ITALIAN, fold

ALTERNATIVE_WEIGHT = 0.5
MAX_ALTERNATIVES = 4
MAX_QUERY_WORDS = 12

# Per type of content, what its score is multiplied by. A twinning is the site's core
# object; a call or a city profile is what a visitor comes for; a reply is a fragment of a
# thread and a member's bio a few lines: with length normalisation alone, those short texts
# outranked the twinning they talk about.
TYPE_PRIOR = {"twinning": 2.0, "network": 1.6, "call": 1.5, "city": 1.5, "project": 1.3,
              "practice": 1.3, "discussion": 1.0, "post": 0.8, "member": 0.6}
# A query naming a kind of content ("gemellaggi", "calls for funding") wants that kind.
NAMED_KIND_FACTOR = 5.0
# Lexicon concepts that name a type of content. Not "città" or "progetto": the site's texts
# use them everywhere ("smart city", "il progetto"), so they name no kind in a query.
KIND_CONCEPTS = {"twinning": "twinning", "network": "network", "call-for-funding": "call",
                 "good-practice": "practice"}

# The visitor's own query syntax: quotes, prefixes, groups, fields, boosts, operators.
QUERY_SYNTAX = re.compile(r'["*?()\[\]{}:^~+]|(?:^|\s)-|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b')
WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass
class Alternative:
    text: str       # a word or a phrase, as written (not analysed)
    language: str   # "it" or "en": searched in that language's fields only
    weight: float = ALTERNATIVE_WEIGHT


@dataclass
class QueryWord:
    text: str                                   # the visitor's word or phrase
    alternatives: list[Alternative] = field(default_factory=list)
    kind: str | None = None                     # a type of content this word names


def _stems(text: str, language: str) -> tuple[str, ...]:
    analyser = ITALIAN if language == "it" else ENGLISH
    return tuple(token.text for token in analyser(text))


def _alternatives(text: str, lex: lexicon.Lexicon) -> list[Alternative]:
    """The lexicon's terms for `text`, one per distinct analysed form, the other language
    first; never one the word itself already matches."""
    own = {_stems(text, lang) for lang in lexicon.LANGUAGES}
    seen, found = set(), []
    for term, lang in lex.translations(text):
        stems = _stems(term, lang)
        # A longer phrase around the word itself ("governance model") finds nothing more.
        # ...and the same words in another order ("pubblica illuminazione") neither.
        if not stems or (lang, frozenset(stems)) in seen or \
                any(set(o) <= set(stems) for o in own if o):
            continue
        seen.add((lang, frozenset(stems)))
        found.append(Alternative(term, lang))
        if len(found) == MAX_ALTERNATIVES:
            break
    return found


def _concept(text: str, lex: lexicon.Lexicon) -> lexicon.Concept | None:
    for lang in lexicon.LANGUAGES:
        concept = lex.concept_of(text, lang)
        if concept is not None:
            return concept
    return None


def expand(text: str) -> list[QueryWord] | None:
    """The query as words with their alternatives; None when the query uses the search
    syntax, or is one word the lexicon has nothing for (searched exactly, as typed)."""
    text = text or ""
    if QUERY_SYNTAX.search(text):
        return None
    tokens = WORD.findall(text)[:MAX_QUERY_WORDS]
    lex = lexicon.get()
    words, i = [], 0
    while i < len(tokens):
        # The longest run of words the lexicon knows as one phrase, else the word alone.
        for end in range(min(len(tokens), i + lexicon.MAX_PHRASE), i, -1):
            phrase = " ".join(tokens[i:end])
            concept = _concept(phrase, lex)
            if concept is not None or end == i + 1:
                break
        kind = KIND_CONCEPTS.get(concept.key) if concept is not None else None
        words.append(QueryWord(phrase, _alternatives(phrase, lex) if concept else [], kind))
        i = end
    if not words or (len(words) == 1 and not words[0].alternatives and not words[0].kind):
        return None
    return words


def also_searched(words: list[QueryWord] | None) -> list[tuple[str, str]]:
    """The alternatives a search used, with their language, for the results page ("also
    searched: ..."; each marked with its `lang`, as the other language's words are)."""
    shown: list[tuple[str, str]] = []
    for word in words or ():
        for alternative in word.alternatives:
            if fold(alternative.text) not in {fold(text) for text, _lang in shown}:
                shown.append((alternative.text, alternative.language))
    return shown


def type_weights(words: list[QueryWord] | None) -> dict[str, float]:
    weights = dict(TYPE_PRIOR)
    for word in words or ():
        if word.kind:
            weights[word.kind] = weights.get(word.kind, 1.0) * NAMED_KIND_FACTOR
    return weights
