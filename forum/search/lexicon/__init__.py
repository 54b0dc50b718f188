"""One bilingual lexicon (Italian-English) for the whole site: search expansion and matching.

It is data, read once per process from the files beside this module:

- `domain.tsv`: the site's own vocabulary, hand-kept (twinning, *bando*, smart city,
  *illuminazione pubblica*...), one concept a line with its Italian and English words and
  phrases. It comes first and wins every conflict.
- `freedict.tsv`: the FreeDict Italian-English and English-Italian dictionaries (GNU GPL 2+,
  see NOTICE), rebuilt from Debian's packages by `scripts/build_lexicon.py`. Only *mutual*
  pairs are trusted (the Italian word gives the English one and the English word gives the
  Italian one back), minus the senses listed in `exclude.tsv`, and a dictionary word the
  domain vocabulary already has is left to the domain.
- `weak.txt`: words too vague to be a reason for a match ("prima", "ore", "office").

Every word is read by the analyser of its own language (`forum.search.analysis`), so
inflected forms meet ("lampione", "lampioni") and an Italian word never collides with an
English one that stems alike. A concept's phrases are matched before its words
("protezione civile" is civil protection, "protezione dei dati" data protection, and
"protezione" alone neither). When two concepts' words share a stem in one language
(*comunità* and *comune* both stem to `comun`), that stem is looked up by the exact word
instead, so each word keeps its own concept.
"""
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from forum.search.analysis import ENGLISH, ITALIAN, fold

HERE = Path(__file__).parent
LANGUAGES = ("it", "en")
ANALYSERS = {"it": ITALIAN, "en": ENGLISH}
# A FreeDict group (a word and its mutual translations) grows to at most this many words: a
# longer chain links senses that are not the same ("light" -> "luce" -> "leggero").
MAX_GROUP = 4
MAX_PHRASE = 5
# The files the lexicon is read from: their contents are its version.
DATA_FILES = ("domain.tsv", "freedict.tsv", "exclude.tsv", "weak.txt")


@dataclass
class Concept:
    key: str
    source: str  # "domain" or "freedict"
    terms: dict[str, list[str]] = field(default_factory=lambda: {"it": [], "en": []})
    # (language, term) matched only as written, never by stem
    exact: set[tuple[str, str]] = field(default_factory=set)

    @property
    def term(self) -> str:
        """The term matching stores for every word of this concept."""
        return f"~{self.key}"


@dataclass
class Reading:
    """One meaningful word (or phrase) of a text: its matching term, the words as written
    (lower-cased), and the concept when the lexicon knows it."""

    term: str
    word: str
    concept: Concept | None = None


def _analyse(text: str, language: str) -> list[tuple[str, str]]:
    # The analyser reuses one token object: read its fields before the next one comes.
    return [(t.text, t.original.lower())
            for t in ANALYSERS[language](text, keeporiginal=True)]


def _lines(name: str):
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line


def _split(cell: str) -> list[str]:
    return [t.strip().lower() for t in cell.split(";") if t.strip()]


def domain_concepts() -> list[Concept]:
    concepts = []
    for line in _lines("domain.tsv"):
        key, italian, english = line.split("\t")
        concept = Concept(key, "domain")
        for lang, cell in (("it", italian), ("en", english)):
            for term in _split(cell):
                concept.terms[lang].append(term.lstrip("="))
                if term.startswith("="):
                    concept.exact.add((lang, term.lstrip("=")))
        concepts.append(concept)
    return concepts


def weak_words() -> set[str]:
    return {fold(w) for line in _lines("weak.txt") for w in line.split()}


def _excluded() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in _lines("exclude.tsv"):
        lang, headword, translation = line.split("\t")
        found[(lang, headword.lower())].add(translation.lower())
    return found


def freedict_pairs() -> list[tuple[str, str]]:
    """(Italian word, English word) that each side gives for the other, single words only."""
    excluded = _excluded()
    given = {"it": defaultdict(list), "en": defaultdict(list)}
    for line in _lines("freedict.tsv"):
        lang, headword, translations = line.split("\t")
        skip = excluded.get((lang, headword), set())
        if "*" in skip:
            continue
        given[lang][headword] += [t for t in translations.split("|")
                                  if " " not in t and t not in skip]
    return sorted({(it, en) for it, ens in given["it"].items() for en in ens
                   if it in given["en"].get(en, ())})


class Lexicon:
    def __init__(self, concepts: list[Concept], weak: set[str]):
        self.concepts = {c.key: c for c in concepts}
        self.weak = weak
        # Vague words by stem too, so "officer" is as vague as "office".
        self._weak_stems = {lang: {stem for w in weak for stem, _ in _analyse(w, lang)}
                            for lang in LANGUAGES}
        # per language: stem -> concepts; folded word -> concept; first stem -> phrases
        self._by_stem: dict[str, dict[str, set[str]]] = {lang: defaultdict(set)
                                                         for lang in LANGUAGES}
        self._by_word: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        self._exact: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
        self._phrases: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {
            lang: defaultdict(list) for lang in LANGUAGES}
        for concept in concepts:
            for lang in LANGUAGES:
                for term in concept.terms[lang]:
                    self._add(concept, lang, term)
        for lang in LANGUAGES:
            for phrases in self._phrases[lang].values():
                phrases.sort(key=lambda p: -len(p[0]))

    def _add(self, concept: Concept, lang: str, term: str) -> None:
        if (lang, term) in concept.exact:
            # Only this very word: its stem is another word's too ("statuto", "stati": stat).
            self._exact[lang][fold(term)] = concept.key
            return
        stems = tuple(stem for stem, _word in _analyse(term, lang))
        if not stems:
            return
        if len(stems) > 1:
            self._phrases[lang][stems[0]].append((stems, concept.key))
            return
        self._by_stem[lang][stems[0]].add(concept.key)
        self._by_word[lang].setdefault(fold(term), concept.key)

    def is_weak(self, stem: str, word: str, lang: str) -> bool:
        return fold(word) in self.weak or stem in self._weak_stems[lang]

    def _single(self, stem: str, word: str, lang: str) -> Concept | None:
        exact = self._exact[lang].get(fold(word))
        if exact:
            return self.concepts[exact]
        if self.is_weak(stem, word, lang):
            return None
        keys = self._by_stem[lang].get(stem)
        if not keys:
            return None
        if len(keys) == 1:
            return self.concepts[next(iter(keys))]
        # Two concepts share this stem: only the exact word decides.
        key = self._by_word[lang].get(fold(word))
        return self.concepts[key] if key else None

    def read(self, text: str, language: str, *, drop_weak: bool = False,
             components: bool = False) -> list[Reading]:
        """The text's words in order, each as its concept when the lexicon knows it (a phrase
        of the lexicon as one reading), otherwise as its stem. `components`: a phrase also
        gives the concepts of its own words ("bike sharing" is about bicycles too)."""
        if not text:
            return []
        lang = language if language in ANALYSERS else "it"
        tokens = _analyse(text, lang)
        readings, i = [], 0
        while i < len(tokens):
            stem, word = tokens[i]
            found = self._phrase_at(tokens, i, lang)
            if found:
                length, key = found
                words = " ".join(w for _s, w in tokens[i:i + length])
                readings.append(Reading(self.concepts[key].term, words, self.concepts[key]))
                if components:
                    readings += self._components(tokens[i:i + length], key, lang)
                i += length
                continue
            i += 1
            if drop_weak and self.is_weak(stem, word, lang):
                continue
            concept = self._single(stem, word, lang)
            readings.append(Reading(concept.term if concept else stem, word, concept))
        return readings

    def _components(self, tokens, key: str, lang: str) -> list[Reading]:
        found = []
        for stem, word in tokens:
            concept = self._single(stem, word, lang)
            # Only the site's own concepts: "social" of "social gaming" says nothing more.
            if concept is not None and concept.key != key and concept.source == "domain":
                found.append(Reading(concept.term, word, concept))
        return found

    def _phrase_at(self, tokens, i: int, lang: str) -> tuple[int, str] | None:
        for stems, key in self._phrases[lang].get(tokens[i][0], ()):
            end = i + len(stems)
            if end <= len(tokens) and all(tokens[i + k][0] == s for k, s in enumerate(stems)):
                return len(stems), key
        return None

    def concept_of(self, text: str, language: str) -> Concept | None:
        """The concept `text` (a word or a phrase) names as a whole, if any."""
        readings = self.read(text, language)
        if len(readings) == 1 and readings[0].concept is not None:
            return readings[0].concept
        return None

    def translations(self, text: str) -> list[tuple[str, str]]:
        """(term, language) the lexicon gives for a word or phrase read in either language:
        the other language's terms first, then synonyms in its own; never `text` itself."""
        own = fold(text)
        found: list[tuple[str, str]] = []
        for lang in LANGUAGES:
            concept = self.concept_of(text, lang)
            if concept is None:
                continue
            other = "en" if lang == "it" else "it"
            for term_lang in (other, lang):
                for term in concept.terms[term_lang]:
                    if fold(term) != own and (term, term_lang) not in found:
                        found.append((term, term_lang))
        return found


def _freedict_concepts(domain: Lexicon) -> list[Concept]:
    """Groups of mutual FreeDict translations, each at most MAX_GROUP words."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    size: dict[tuple[str, str], int] = {}

    def root(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for it, en in freedict_pairs():
        nodes = [("it", it), ("en", en)]
        # A word the domain vocabulary reads already, or a vague one, is not the dictionary's.
        if any(not _analyse(w, lang) or domain.read(w, lang)[0].concept
               or domain.is_weak(_analyse(w, lang)[0][0], w, lang) for lang, w in nodes):
            continue
        for node in nodes:
            if node not in parent:
                parent[node], size[node] = node, 1
        a, b = root(nodes[0]), root(nodes[1])
        if a != b and size[a] + size[b] <= MAX_GROUP:
            a, b = sorted((a, b))
            parent[b] = a
            size[a] += size[b]
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for node in sorted(parent):
        groups[root(node)].append(node)
    concepts = []
    for (lang, word), members in sorted(groups.items()):
        if len({m_lang for m_lang, _w in members}) < 2:
            continue  # a word whose translations all went to other groups
        concept = Concept(f"fd:{lang}:{word}", "freedict")
        for m_lang, m_word in members:
            concept.terms[m_lang].append(m_word)
        concepts.append(concept)
    return concepts


@cache
def get() -> Lexicon:
    """The site's lexicon, built once per process (about a second on this data)."""
    weak = weak_words()
    domain = domain_concepts()
    return Lexicon(domain + _freedict_concepts(Lexicon(domain, weak)), weak)



@cache
def version() -> str:
    """A digest of the lexicon's data files: it changes whenever what they say changes, so
    text analysed with another lexicon (practices' matching terms) can be told apart."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]
