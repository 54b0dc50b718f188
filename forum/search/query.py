"""A search query parsed once, the same for every back-end that reads it.

The syntax members type: words (all of them must match), "a phrase", a prefix* (at least
MIN_PREFIX letters), AND, OR, NOT (upper case, as the page's help says) and parentheses.
Anything else is read as words, never as an error or a field name: `title:x` is two words.
A `Word` may carry `alternatives` — other words that also match it, ranked below it (the
place where cross-language expansion plugs in: see `EXPANDERS`).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 300
MIN_PREFIX = 3
# ANDNOT and ANDMAYBE as in Whoosh's syntax, which the Whoosh back-end also reads.
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
_ENDS = (None, ")", *OPERATORS)


class QueryError(ValueError):
    """A query with nothing searchable in it."""


@dataclass(frozen=True)
class Word:
    text: str
    # (other word or phrase, weight < 1[, language "it"/"en"]): matches of this word too,
    # ranked below the word itself; with a language, read by that language's analysis only.
    alternatives: tuple[tuple, ...] = field(default=())
    # A type of content this word names ("gemellaggi": twinning), which is met by being
    # of that type as well as by saying the word.
    kind: str | None = None


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


Node = Word | Phrase | Prefix | And | Or | Not

# Functions node -> node run after parsing, in order (e.g. a lexicon adding alternatives).
EXPANDERS: list[Callable[[Node], Node]] = []

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_WORD = re.compile(r"\w+")


def clean(text: str) -> str:
    text = (text or "")[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote means no phrase at all
    return " ".join(text.split())


def parse(text: str) -> Node:
    """The query tree of `text`; QueryError when it holds nothing to look for."""
    parser = _Parser(_TOKEN.findall(clean(text)))
    node = parser.sequence(top=True)
    if node is None or not _positive(node):
        raise QueryError(text)
    return node


def expand(node: Node) -> Node:
    for expander in EXPANDERS:
        node = expander(node)
    return node


def _positive(node) -> bool:
    """Whether the query asks for something (a NOT alone would match nearly everything)."""
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_positive(item) for item in node.items)
    if isinstance(node, Or):
        return all(_positive(item) for item in node.items)
    return True


def _combine(kind, items):
    items = [i for i in items if i is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else kind(tuple(items))


def _terms(token: str) -> Node | None:
    """One bare token: its words, the last one a prefix when it ends in * or ?."""
    if token.startswith('"'):
        words = tuple(_WORD.findall(token))
        if not words:
            return None
        return Word(words[0]) if len(words) == 1 else Phrase(words)
    wildcard = re.search(r"[*?]", token)
    head = token[:wildcard.start()] if wildcard else token
    words = _WORD.findall(head)
    nodes: list = [Word(w) for w in words]
    if wildcard and words and head.endswith(words[-1]):
        stem = nodes.pop()
        nodes.append(Prefix(stem.text.lower()) if len(stem.text) >= MIN_PREFIX else None)
    return _combine(And, nodes)


class _Parser:
    """sequence := unit ([AND|ANDNOT|ANDMAYBE] unit)* ; unit := negation (OR negation)* ;
    negation := NOT negation | atom ; atom := ( sequence ) | phrase | word."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        self.at += 1
        return self.tokens[self.at - 1]

    def sequence(self, top=False):
        items = []
        while (token := self.peek()) is not None:
            if token == ")":
                self.take()
                if top:
                    continue  # a stray closing parenthesis is ignored
                break
            if token == "AND":
                self.take()
                continue
            if token in ("ANDNOT", "ANDMAYBE"):
                self.take()
                inner = self.unit() if self.peek() not in _ENDS else None
                # "a ANDMAYBE b" only ranks a match of b higher: it restricts nothing.
                if token == "ANDNOT" and inner is not None:
                    items.append(Not(inner))
                continue
            items.append(self.unit())
        return _combine(And, items)

    def unit(self):
        items = [self.negation()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in _ENDS:
                break
            items.append(self.negation())
        return _combine(Or, items)

    def negation(self):
        if self.peek() == "NOT":
            self.take()
            if self.peek() in _ENDS:
                # A NOT with nothing to apply to is no query (as Whoosh's parser reads it).
                raise QueryError(" ".join(self.tokens))
            inner = self.negation()
            return Not(inner) if inner is not None else None
        return self.atom()

    def atom(self):
        token = self.take()
        if token == "(":
            return self.sequence()
        if token in OPERATORS:
            return None
        return _terms(token)
