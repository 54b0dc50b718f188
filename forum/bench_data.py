"""`flask --app forum bench-data`: a large synthetic data set for the benchmarks in bench/.

Text is Italian (three posts in four) and English, drawn from the frequency-ordered word
lists in bench/wordlist/ with a Zipf distribution (the word of rank r comes up about 1/r as
often as the commonest), mixed with function words and a few set phrases, so the index sees
realistic term statistics: a handful of words in nearly every document, a long tail in few.

Rows go in with bulk INSERTs (`session.execute(insert(Model), rows)`) and explicit ids: no
ORM objects, so no flush and none of the per-row search hooks run; `search reindex` builds
the index afterwards. Every member, organisation and text is fictional.
"""
import itertools
import random
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from forum.config import ROOT
from forum.core.db import utcnow
from forum.core.themes import THEMES
from forum.core.visibility import HIDDEN, PENDING, PUBLISHED
from forum.extensions import db

WORDLISTS = ROOT / "bench" / "wordlist"
BATCH = 2000
ZIPF_EXPONENT = 1.0
ENGLISH_SHARE = 0.25

# Cities are public facts; people and organisations below are made up.
CITIES = [
    ("Bergamo", "Lombardia"), ("Lecce", "Puglia"), ("Torino", "Piemonte"),
    ("Milano", "Lombardia"), ("Bologna", "Emilia-Romagna"), ("Firenze", "Toscana"),
    ("Genova", "Liguria"), ("Napoli", "Campania"), ("Bari", "Puglia"), ("Palermo", "Sicilia"),
    ("Catania", "Sicilia"), ("Cagliari", "Sardegna"), ("Trento", "Trentino-Alto Adige"),
    ("Bolzano", "Trentino-Alto Adige"), ("Padova", "Veneto"), ("Verona", "Veneto"),
    ("Venezia", "Veneto"), ("Udine", "Friuli-Venezia Giulia"), ("Trieste", "Friuli-Venezia Giulia"),
    ("Parma", "Emilia-Romagna"), ("Modena", "Emilia-Romagna"), ("Reggio Emilia", "Emilia-Romagna"),
    ("Ravenna", "Emilia-Romagna"), ("Rimini", "Emilia-Romagna"), ("Pisa", "Toscana"),
    ("Livorno", "Toscana"), ("Siena", "Toscana"), ("Arezzo", "Toscana"), ("Perugia", "Umbria"),
    ("Terni", "Umbria"), ("Ancona", "Marche"), ("Pesaro", "Marche"), ("Pescara", "Abruzzo"),
    ("L'Aquila", "Abruzzo"), ("Campobasso", "Molise"), ("Potenza", "Basilicata"),
    ("Matera", "Basilicata"), ("Cosenza", "Calabria"), ("Reggio Calabria", "Calabria"),
    ("Salerno", "Campania"), ("Caserta", "Campania"), ("Foggia", "Puglia"),
    ("Taranto", "Puglia"), ("Brindisi", "Puglia"), ("Sassari", "Sardegna"),
    ("Messina", "Sicilia"), ("Siracusa", "Sicilia"), ("Como", "Lombardia"),
    ("Brescia", "Lombardia"), ("Mantova", "Lombardia"), ("Cremona", "Lombardia"),
    ("Pavia", "Lombardia"), ("Novara", "Piemonte"), ("Cuneo", "Piemonte"),
    ("Asti", "Piemonte"), ("Aosta", "Valle d'Aosta"), ("La Spezia", "Liguria"),
    ("Savona", "Liguria"), ("Vicenza", "Veneto"), ("Treviso", "Veneto"),
]
FIRST_NAMES = """Alessia Bruno Carla Dario Elena Fabio Giulia Irene Luca Marta Nicola Olga Paolo
Rita Sara Tommaso Ugo Valeria Zeno Agnese Bianca Cesare Diana Enrico Flavia Gino Ilaria Leo
Mirko Nadia Oscar Piera Renzo Silvia Teresa Vito Wanda Amelia Brando Clelia""".split()
LAST_NAMES = """Abete Borsari Calvetti Dondi Ermini Fagiani Galassi Iannone Lorusso Manfredini
Nardelli Orsolini Pellacani Quarta Rinaldelli Sbarbati Tedeschini Uccellini Vannucci Zampieri
Arcangeli Bellomo Chiappori Dellarosa Ferrandi Grisanti Lanzara Marchiori Novelli Ottaviani
Pierantoni Rossetto Sacchetti Tortorella Ubaldini Ventimiglia""".split()
PROFESSIONS = ["Funzionario comunale", "Ricercatrice", "Project manager", "Assessore",
               "Data analyst", "Urbanista", "Docente universitario", "Consulente",
               "Responsabile innovazione", "Sviluppatrice software"]
ORG_KINDS = ["public-administration", "university-research", "business", "civil-society",
             "environment-third-sector"]
ORG_WORDS = ["Consorzio", "Fondazione", "Associazione", "Laboratorio", "Cooperativa",
             "Agenzia", "Centro studi", "Istituto", "Rete", "Osservatorio"]

FUNCTION_WORDS = {
    "it": "di e il la che per con un una del della nel alla non è sono le gli dei da come "
          "più anche ma su tra".split(),
    "en": "the of and to in a is that for with on are this by from as it be we our".split(),
}
# Set phrases of the domain, so phrase queries find real, repeated word sequences.
PHRASES = {
    "it": ["città intelligente", "città intelligenti", "pubblica amministrazione",
           "centro storico", "dati aperti", "servizi digitali", "partecipazione civica",
           "mobilità sostenibile", "gemellaggio tra comuni", "buone pratiche",
           "distretto urbano del commercio", "piattaforma di social gaming"],
    "en": ["smart city", "open data", "public administration", "citizen engagement",
           "digital services", "good practice", "historic centre", "social gaming platform"],
}


class Vocabulary:
    """One language's words in rank order and a Zipf sampler over them."""

    def __init__(self, lang: str, path: Path | None = None):
        self.lang = lang
        path = path or WORDLISTS / f"{lang}.txt"
        self.words = [w for w in path.read_text(encoding="utf-8").split() if w]
        weights = [1 / (rank ** ZIPF_EXPONENT) for rank in range(1, len(self.words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.function = FUNCTION_WORDS[lang]
        self.phrases = PHRASES[lang]

    def word(self, rank: int) -> str:
        """The word of 1-based frequency `rank`."""
        return self.words[rank - 1]

    def sample(self, rng: random.Random, n: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def sentence(self, rng: random.Random, low: int = 6, high: int = 18) -> str:
        content = self.sample(rng, rng.randint(low, high))
        out = []
        for word in content:
            if rng.random() < 0.45:
                out.append(rng.choice(self.function))
            out.append(word)
        if rng.random() < 0.12:
            out.insert(rng.randrange(len(out) + 1), rng.choice(self.phrases))
        sentence = " ".join(out)
        return sentence[0].upper() + sentence[1:] + "."

    def paragraphs(self, rng: random.Random, sentences: int) -> list[str]:
        paras, left = [], sentences
        while left > 0:
            n = min(left, rng.randint(2, 4))
            paras.append(" ".join(self.sentence(rng) for _ in range(n)))
            left -= n
        return paras

    def title(self, rng: random.Random) -> str:
        words = self.sample(rng, rng.randint(3, 6))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(self.phrases))
        title = " ".join(words)
        return title[0].upper() + title[1:]


def html(paragraphs: list[str]) -> str:
    # The words are letters only, so this is what render_markdown would give for them.
    return "".join(f"<p>{p}</p>\n" for p in paragraphs)


def slugify(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


class Generator:
    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        self.vocab = {"it": Vocabulary("it"), "en": Vocabulary("en")}
        self.now = utcnow()
        self.counts: dict[str, int] = {}
        self.explicit_ids: set[str] = set()  # tables whose ids we chose, not the database

    # helpers -----------------------------------------------------------------------------

    def lang(self) -> str:
        return "en" if self.rng.random() < ENGLISH_SHARE else "it"

    def when(self, days: int = 3 * 365):
        return self.now - timedelta(seconds=self.rng.randrange(days * 86400))

    def themes(self) -> str:
        return " ".join(self.rng.sample(list(THEMES), self.rng.randint(1, 3)))

    def next_id(self, model) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def insert(self, model, rows: list[dict]) -> None:
        if rows and "id" in rows[0]:
            self.explicit_ids.add(model.__tablename__)
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(model), rows[start:start + BATCH])
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(rows)

    def visibility(self, hidden_share: float = 0.02) -> str:
        roll = self.rng.random()
        if roll < hidden_share:
            return HIDDEN
        if roll < hidden_share * 1.5:
            return PENDING
        return PUBLISHED

    # content -----------------------------------------------------------------------------

    def places(self, networks: int, twinnings: int):
        from forum.places.models import City, Network, NetworkMember, Organisation
        from forum.twinnings.models import Twinning, TwinningCity

        existing = dict(db.session.execute(select(City.slug, City.id)).all())
        city_rows, city_id = [], self.next_id(City)
        for name, region in CITIES:
            slug = slugify(name)
            if slug in existing:
                continue
            paras = self.vocab["it"].paragraphs(self.rng, 3)
            city_rows.append({"id": city_id, "name": name, "slug": slug, "region": region,
                              "population": self.rng.randint(30000, 900000),
                              "description": "\n\n".join(paras),
                              "description_html": html(paras)})
            existing[slug] = city_id
            city_id += 1
        self.insert(City, city_rows)
        self.city_ids = list(existing.values())
        self.city_slugs = {v: k for k, v in existing.items()}

        taken = set(db.session.scalars(select(Organisation.name)))
        org_rows, org_id = [], self.next_id(Organisation)
        for i in range(60):
            name = f"{self.rng.choice(ORG_WORDS)} {self.vocab['it'].word(50 + i).title()} {i}"
            if name in taken:
                continue
            org_rows.append({"id": org_id, "name": name, "kind": self.rng.choice(ORG_KINDS),
                             "city_id": self.rng.choice(self.city_ids), "created_at": self.when()})
            org_id += 1
        self.insert(Organisation, org_rows)
        self.org_ids = list(db.session.scalars(select(Organisation.id)))

        net_rows, member_rows, net_id = [], [], self.next_id(Network)
        for _ in range(networks):
            v = self.vocab[self.lang()]
            paras = v.paragraphs(self.rng, 4)
            net_rows.append({"id": net_id, "slug": f"bench-network-{net_id}",
                             "name": f"Rete {v.title(self.rng)}", "summary": v.sentence(self.rng),
                             "description": "\n\n".join(paras), "description_html": html(paras),
                             "visibility": PUBLISHED, "created_at": self.when()})
            for city in self.rng.sample(self.city_ids, self.rng.randint(3, 10)):
                member_rows.append({"network_id": net_id, "city_id": city, "is_example": True,
                                    "joined_at": self.when()})
            net_id += 1
        self.insert(Network, net_rows)
        self.insert(NetworkMember, member_rows)
        self.network_ids = [r["id"] for r in net_rows]

        tw_rows, tc_rows, tw_id = [], [], self.next_id(Twinning)
        for _ in range(twinnings):
            v = self.vocab[self.lang()]
            parts = [v.paragraphs(self.rng, n) for n in (4, 2, 2)]
            cities = self.rng.sample(self.city_ids, self.rng.randint(2, 3))
            tw_rows.append({
                "id": tw_id, "slug": f"bench-twinning-{tw_id}", "title": v.title(self.rng),
                "summary": v.sentence(self.rng)[:300],
                "description": "\n\n".join(parts[0]), "description_html": html(parts[0]),
                "objectives": "\n\n".join(parts[1]), "objectives_html": html(parts[1]),
                "results": "\n\n".join(parts[2]), "results_html": html(parts[2]),
                "status": "active", "is_example": True, "themes": self.themes(),
                "network_id": self.rng.choice(self.network_ids) if self.rng.random() < 0.5
                else None,
                "visibility": PUBLISHED, "created_at": self.when()})
            for n, city in enumerate(cities):
                tc_rows.append({"twinning_id": tw_id, "city_id": city,
                                "role": "transferring" if n == 0 else "beneficiary"})
            tw_id += 1
        self.insert(Twinning, tw_rows)
        self.insert(TwinningCity, tc_rows)
        self.twinning_ids = [r["id"] for r in tw_rows]

    def members(self, count: int):
        from werkzeug.security import generate_password_hash

        from forum.accounts.models import User

        # One hash for all: hashing 500 passwords would take longer than the rest together.
        password = generate_password_hash("bench-password-not-for-login", method="pbkdf2:sha256:1")
        user_id = self.next_id(User)
        rows = []
        for _ in range(count):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            username = f"{first}.{last}.{user_id}".lower()
            v = self.vocab[self.lang()]
            bio = " ".join(v.sentence(self.rng) for _ in range(self.rng.randint(1, 3)))
            joined = self.when()
            rows.append({
                "id": user_id, "username": username, "username_key": username,
                "email": f"{username}@bench.example", "password_hash": password,
                "full_name": f"{first} {last}", "profession": self.rng.choice(PROFESSIONS),
                "organisation_id": self.rng.choice(self.org_ids) if self.org_ids else None,
                "city_id": self.rng.choice(self.city_ids), "bio": bio, "bio_html": html([bio]),
                "role": "member", "listed": self.rng.random() < 0.85, "joined_at": joined,
                "email_confirmed_at": joined, "privacy_accepted_at": joined})
            user_id += 1
        self.insert(User, rows)
        self.user_ids = [r["id"] for r in rows]

    def discussions(self, count: int, posts: int):
        from forum.discussions.models import Discussion, Post

        # Thread lengths skewed like a forum's: most short, a few very long.
        # (Pareto, capped: one thread of 30,000 posts would be a different benchmark.)
        weights = [min(self.rng.paretovariate(1.3), 40.0) for _ in range(count)]
        scale = max(0, posts - count) / sum(weights)
        lengths = [1 + int(w * scale) for w in weights]
        for i in self.rng.sample(range(count), k=min(count, max(0, posts - sum(lengths)))):
            lengths[i] += 1  # the rounding remainder, so the total is exact
        disc_id, post_id = self.next_id(Discussion), self.next_id(Post)
        disc_rows, post_rows = [], []
        for length in lengths:
            lang = self.lang()
            v = self.vocab[lang]
            in_twinning = self.rng.random() < 0.7
            created = self.when()
            authors = self.rng.sample(self.user_ids, min(len(self.user_ids),
                                                         self.rng.randint(1, 12)))
            when = created
            for number in range(1, length + 1):
                paras = v.paragraphs(self.rng, self.rng.randint(2, 7))
                when = when + timedelta(minutes=self.rng.randint(5, 3000))
                post_rows.append({
                    "id": post_id, "discussion_id": disc_id, "number": number,
                    "author_id": authors[0] if number == 1 else self.rng.choice(authors),
                    "body": "\n\n".join(paras), "body_html": html(paras),
                    "visibility": PUBLISHED if number == 1 else self.visibility(),
                    "created_at": created if number == 1 else min(when, self.now)})
                post_id += 1
            disc_rows.append({
                "id": disc_id, "title": v.title(self.rng)[:200],
                "twinning_id": self.rng.choice(self.twinning_ids) if in_twinning else None,
                "network_id": None if in_twinning else self.rng.choice(self.network_ids),
                "author_id": authors[0], "themes": self.themes() if self.rng.random() < 0.5
                else "", "reply_count": length - 1, "participant_count": len(authors),
                "created_at": created, "last_activity_at": min(when, self.now),
                "last_post_id": post_id - 1, "last_number": length,
                "visibility": self.visibility(0.01)})
            disc_id += 1
            if len(post_rows) >= 5 * BATCH:
                self._flush_discussions(Discussion, Post, disc_rows, post_rows)
        self._flush_discussions(Discussion, Post, disc_rows, post_rows)

    def _flush_discussions(self, Discussion, Post, disc_rows, post_rows):
        self.insert(Discussion, disc_rows)
        self.insert(Post, post_rows)
        disc_rows.clear()
        post_rows.clear()

    def practices(self, count: int):
        from forum.practices import matching
        from forum.practices.models import Practice

        practice_id = self.next_id(Practice)
        rows = []
        for _ in range(count):
            lang = self.lang()
            v = self.vocab[lang]
            title, summary = v.title(self.rng)[:200], v.sentence(self.rng)[:300]
            paras = v.paragraphs(self.rng, self.rng.randint(3, 8))
            body = "\n\n".join(paras)
            rows.append({
                "id": practice_id, "kind": self.rng.choice(["offer", "seek", "story"]),
                "title": title, "summary": summary, "body": body, "body_html": html(paras),
                "language": lang, "status": "open",
                "city_id": self.rng.choice(self.city_ids),
                "organisation_id": self.rng.choice(self.org_ids) if self.org_ids else None,
                "twinning_id": self.rng.choice(self.twinning_ids)
                if self.rng.random() < 0.3 else None,
                "author_id": self.rng.choice(self.user_ids), "themes": self.themes(),
                "match_terms": matching.practice_terms(title, summary, body, lang),
                "match_terms_version": matching.terms_version(),
                "is_example": True, "visibility": self.visibility(), "created_at": self.when()})
            practice_id += 1
        self.insert(Practice, rows)

    def calls(self, count: int):
        from forum.calls.models import LEVELS, Call

        call_id = self.next_id(Call)
        rows = []
        for _ in range(count):
            v = self.vocab[self.lang()]
            paras = v.paragraphs(self.rng, self.rng.randint(3, 6))
            created = self.when(2 * 365)
            rows.append({
                "id": call_id, "title": f"Bando {v.title(self.rng)}"[:200],
                "issuer": f"{self.rng.choice(ORG_WORDS)} {v.title(self.rng)}"[:200],
                "level": self.rng.choice(list(LEVELS)), "programme": v.title(self.rng)[:200],
                "summary": v.sentence(self.rng)[:500], "body": "\n\n".join(paras),
                "body_html": html(paras), "themes": self.themes(),
                "total_budget": self.rng.randint(10, 5000) * 10000,
                "deadline": created + timedelta(days=self.rng.randint(30, 900)),
                "is_example": True, "author_id": self.rng.choice(self.user_ids),
                "visibility": PUBLISHED, "published_at": created, "created_at": created,
                "updated_at": created})
            call_id += 1
        self.insert(Call, rows)


def _optional_model(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _reset_sequences(tables: list[str]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move them past the new rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def generate(*, posts: int, discussions: int, practices: int, calls: int, members: int,  # noqa: PLR0913 (the data set's sizes, by name)
             networks: int = 20, twinnings: int = 200, seed: int = 1) -> dict[str, int]:
    """Insert the data set (no commit); returns rows inserted per table."""
    gen = Generator(seed)
    gen.places(networks, twinnings)
    gen.members(members)
    gen.discussions(discussions, max(posts, discussions))
    if practices and _optional_model("forum.practices.models"):
        gen.practices(practices)
    if calls and _optional_model("forum.calls.models"):
        gen.calls(calls)
    _reset_sequences(sorted(gen.explicit_ids))
    return gen.counts


@click.command("bench-data")
@with_appcontext
@click.option("--posts", default=50000, show_default=True, type=click.IntRange(min=1))
@click.option("--discussions", default=2000, show_default=True, type=click.IntRange(min=1))
@click.option("--practices", default=2000, show_default=True, type=click.IntRange(min=0))
@click.option("--calls", default=300, show_default=True, type=click.IntRange(min=0))
@click.option("--members", default=500, show_default=True, type=click.IntRange(min=1))
@click.option("--networks", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--twinnings", default=200, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
@click.option("--yes-i-know", is_flag=True, help="Run in production anyway.")
def bench_data(yes_i_know: bool, **sizes) -> None:
    """Fill the database with a large synthetic data set; then run `search reindex`."""
    if current_app.config.get("FORUM_ENV") == "production" and not yes_i_know:
        raise click.ClickException("bench-data fills the database with synthetic content; "
                                   "in production add --yes-i-know if you really mean it.")
    counts = generate(**sizes)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Planner statistics for the new rows: before autovacuum gets to them (or where it is
        # off) PostgreSQL takes a 50,000-row table for empty and picks nested loops that made
        # the profile page take 2.6 s instead of a few milliseconds.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    for table, n in counts.items():
        click.echo(f"{table}: {n}")
    skipped = [name for name, module in (("practices", "forum.practices.models"),
                                         ("calls", "forum.calls.models"))
               if sizes[name] and not _optional_model(module)]
    if skipped:
        click.echo(f"Not generated (no such models yet): {', '.join(skipped)}")
    click.echo("The search index was not updated: run `flask --app forum search reindex`.")
