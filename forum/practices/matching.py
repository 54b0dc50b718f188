"""Matching practices to each other, and ranking them by relevance to a query.

The scoring is our own, documented here, over the same analysed terms the search index uses
(`forum.search.analysis`: tokenised, lower-cased, stop words of the text's language removed,
accents folded, Snowball-stemmed), so "partecipazione" and "partecipativi" meet as
`partecip`, and "città" and "citta" as `citt`.

1. **Terms.** A practice's terms are its title (counted 3 times), summary (twice) and body
   (once), analysed in the language of the text. The site's bilingual lexicon
   (`forum.search.lexicon`, shared with search) then turns each word or phrase it knows
   into one concept term in both languages ("cittadini" and "citizens", "illuminazione
   pubblica" and "street lighting"), so an Italian request can meet an English offer; words
   too vague to be a reason ("prima", "ore", "office") are left out. The terms are stored
   in `Practice.match_terms` when the text is written, so a page never re-analyses other
   practices, with the `terms_version()` they were made with (the lexicon's digest and
   TERMS_FORMAT): `flask --app forum practices refresh-terms`, which `make run` calls,
   rewrites those made with another version, so a lexicon change reaches old practices.
2. **Text similarity.** Each practice is a TF-IDF vector: term weight `(1 + ln tf) * idf`,
   with `idf = ln((N + 1) / (df + 1)) + 1` over the N published practices, so words every
   practice uses ("comune", "progetto") count little. Similarity is the cosine of the two
   vectors, between 0 and 1.
3. **Themes.** Shared themes multiply the similarity by `1 + THEME_FACTOR * shared /
   themes of the practice being matched` (at most 1.5): they order practices whose texts
   are alike, and cannot lift one whose text is about something else.
4. **Threshold.** A candidate needs a score of at least `MIN_SCORE`, and without a shared
   theme a similarity of at least `MIN_SIMILARITY_WITHOUT_THEMES`; below that nothing is
   suggested rather than noise.

Each suggestion keeps its reasons: the shared themes, and the shared terms that weigh most
in the similarity, spelt as the practice being viewed spells them, with the suggested
practice's own words beside them when it says it otherwise ("videosorveglianza ↔ cctv",
"sprechi ↔ food waste"); vague words are never among them, as they are not terms at all.
"""
import math
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from forum.core.themes import THEMES
from forum.search import lexicon
from forum.search.analysis import ENGLISH, ITALIAN

ANALYSERS = {"it": ITALIAN, "en": ENGLISH}
FIELD_WEIGHTS = (("title", 3), ("summary", 2), ("body", 1))
# Enough of the body to say what a practice is about; keeps analysis cheap on long texts.
BODY_CHARS = 20000

# Shared themes raise the text similarity by at most half: among practices about the same
# thing they break the tie, but they never lift a practice whose text is about something else
# (an added bonus did: 0.15 for a theme outweighed a similarity of 0.04-0.12).
THEME_FACTOR = 0.5
MIN_SCORE = 0.06
# Without a shared theme, a few common words ("centro", "servizio") are not a reason.
MIN_SIMILARITY_WITHOUT_THEMES = 0.1
REASON_WORDS = 4
SUGGESTIONS = 5
# Raise it when `practice_terms` or the analysers give other terms for the same text (a
# change of the lexicon's data files is seen without it: see `terms_version`).
TERMS_FORMAT = 1


def analyser(language: str):
    return ANALYSERS.get(language, ITALIAN)


def analyse(text: str, language: str) -> list[tuple[str, str]]:
    """(term, word as written, lower-cased) for each meaningful word of the text; a term is
    the concept the site's lexicon reads there (a word or a phrase), otherwise the stem."""
    return [(r.term, r.word) for r in lexicon.get().read(text, language, drop_weak=True,
                                                          components=True)]


def _fields(title: str, summary: str, body: str) -> list[tuple[str, int]]:
    return [(title or "", 3), (summary or "", 2), ((body or "")[:BODY_CHARS], 1)]


def terms_version() -> str:
    """What the stored terms of a practice were made with (Practice.match_terms_version)."""
    return f"{TERMS_FORMAT}-{lexicon.version()[:12]}"


def practice_terms(title: str, summary: str, body: str, language: str) -> str:
    """The stored form: stems separated by spaces, repeated by field weight."""
    terms = []
    for text, weight in _fields(title, summary, body):
        stems = [stem for stem, _word in analyse(text, language)]
        terms.extend(stems * weight)
    return " ".join(terms)


def surface_words(title: str, summary: str, body: str, language: str) -> dict[str, str]:
    """stem -> the first word the text uses for it, to show in reasons."""
    words: dict[str, str] = {}
    for text, _weight in _fields(title, summary, body):
        for stem, word in analyse(text, language):
            words.setdefault(stem, word)
    return words


def query_terms(query: str) -> dict[str, list[str]]:
    """A query's stems in each language: a query does not say which language it is in."""
    return {lang: [stem for stem, _word in analyse(query, lang)] for lang in ANALYSERS}


# --- vectors ------------------------------------------------------------------------------


@dataclass
class Candidate:
    """What matching needs of a practice: no text, no relationships."""

    id: int
    kind: str
    status: str
    themes: list[str]
    terms: str
    language: str = "it"


class Corpus:
    """Document frequencies over a set of practices, and their TF-IDF vectors."""

    def __init__(self, candidates: Iterable[Candidate]):
        # Terms interned: each word is one string for the whole corpus, not one per practice
        # (a worker keeps the corpus: forum/practices/corpus.py).
        self.counts = {c.id: Counter(map(sys.intern, (c.terms or "").split()))
                       for c in candidates}
        self.df: Counter = Counter()
        for counts in self.counts.values():
            self.df.update(counts.keys())
        self.n = len(self.counts)
        self._vectors: dict[int, tuple[dict[str, float], float]] = {}

    def idf(self, term: str) -> float:
        return math.log((self.n + 1) / (self.df.get(term, 0) + 1)) + 1

    def weigh(self, counts: Counter) -> tuple[dict[str, float], float]:
        vector = {t: (1 + math.log(tf)) * self.idf(t) for t, tf in counts.items() if tf > 0}
        return vector, math.sqrt(sum(w * w for w in vector.values())) or 1.0

    def vector(self, practice_id: int) -> tuple[dict[str, float], float]:
        found = self._vectors.get(practice_id)
        if found is None:
            # Its counts are not needed once weighed: the corpus keeps one copy of each. They
            # go only after the vector is stored: a worker's threads share the corpus, and one
            # that finds no vector yet must still find the counts (not weigh an empty Counter).
            found = self.weigh(self.counts.get(practice_id) or Counter())
            self._vectors[practice_id] = found
            self.counts.pop(practice_id, None)
        return found


# --- suggestions --------------------------------------------------------------------------


@dataclass
class Suggestion:
    id: int
    score: float
    similarity: float
    themes: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    practice: object = None  # the loaded row, filled in by the service

    @property
    def theme_labels(self) -> list:
        return [THEMES[code] for code in self.themes]


def score(corpus: Corpus, subject: Candidate, other: Candidate) -> Suggestion:
    vector, norm = corpus.vector(subject.id)
    other_vector, other_norm = corpus.vector(other.id)
    products = {t: w * other_vector[t] for t, w in vector.items() if t in other_vector}
    similarity = sum(products.values()) / (norm * other_norm)
    shared = [code for code in THEMES if code in subject.themes and code in other.themes]
    share = len(shared) / len(subject.themes) if subject.themes else 0.0
    stems = sorted(products, key=lambda t: (-products[t], t))[:REASON_WORDS]
    return Suggestion(id=other.id, score=similarity * (1 + THEME_FACTOR * share),
                      similarity=similarity, themes=shared, stems=stems)


def rank(subject: Candidate, candidates: Iterable[Candidate], corpus: Corpus,
         limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The best candidates for `subject`, best first; ties go to the newer (higher id)."""
    found = []
    for other in candidates:
        if other.id == subject.id:
            continue
        suggestion = score(corpus, subject, other)
        if suggestion.score < MIN_SCORE or not (suggestion.stems or suggestion.themes):
            continue
        if not suggestion.themes and suggestion.similarity < MIN_SIMILARITY_WITHOUT_THEMES:
            continue
        found.append(suggestion)
    found.sort(key=lambda s: (-s.score, -s.id))
    return found[:limit]


def explain(suggestions: list[Suggestion], words: dict[str, str],
            other_words: dict[int, dict[str, str]] | None = None, language: str = "it") -> None:
    """Give each suggestion its reasons: the terms that weigh most, as the viewed practice
    writes them, and as the suggested one does when it says it otherwise
    ("videosorveglianza ↔ cctv")."""
    other_words = other_words or {}
    for suggestion in suggestions:
        theirs = other_words.get(suggestion.id, {})
        reasons = []
        for term in suggestion.stems:
            mine, other = words.get(term, term), theirs.get(term)
            # Two forms of one word ("partecipando", "partecipazione") are one reason.
            if other and _stems_of(other, language) != _stems_of(mine, language):
                reasons.append(f"{mine} ↔ {other}")
            else:
                reasons.append(mine)
        suggestion.words = reasons


def _stems_of(text: str, language: str) -> list[str]:
    return [token.text for token in analyser(language)(text)]


# --- queries ------------------------------------------------------------------------------


def query_scores(query: str, candidates: Iterable[Candidate]) -> dict[int, float]:
    """id -> relevance of each candidate that has a word of the query; others are left out.

    The query is analysed in each practice's own language; the score is the sum of the
    TF-IDF weights of the query's terms in the practice, over the practice's vector length
    (so a long text does not win by being long).
    """
    candidates = list(candidates)
    corpus = Corpus(candidates)
    terms = query_terms(query)
    scores = {}
    for candidate in candidates:
        wanted = set(terms.get(candidate.language, terms["it"]))
        vector, norm = corpus.vector(candidate.id)
        total = sum(vector.get(t, 0.0) for t in wanted)
        if total > 0:
            scores[candidate.id] = total / norm
    return scores
