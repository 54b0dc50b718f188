"""Demo cities and the organisations named in the source pages (organisations, not people)."""
from sqlalchemy import select

from forum.extensions import db
from forum.places.models import City, Organisation

# Population: Lecce from its smart-city profile; Bergamo from ISTAT's 2021 census.
CITIES = [
    {"slug": "bergamo", "name": "Bergamo", "region": "Lombardia", "province": "BG",
     "population": 120_287},
    {"slug": "lecce", "name": "Lecce", "region": "Puglia", "province": "LE",
     "population": 83_303},
]

# The partners of Lecce's 2013 framework agreement (lecce-smart-city.txt), the promoters of
# the Osservatorio (osservatorio-smart-city.txt) and the two sides of the Bergamo–Lecce
# twinning (twinning-bergamo-lecce.txt). A city only where the sources make it clear.
ORGANISATIONS = [
    {"name": "Comune di Lecce", "kind": "public-administration", "city": "lecce",
     "website": "https://www.comune.lecce.it"},
    {"name": "Comune di Bergamo", "kind": "public-administration", "city": "bergamo",
     "website": "https://www.comune.bergamo.it"},
    {"name": "Associazione Bergamo Smart City & Community", "kind": "civil-society",
     "city": "bergamo", "website": "http://www.bergamosmartcity.com",
     "description": "Associazione senza fini di lucro costituita dal Comune di Bergamo per "
                    "governare, gestire e coordinare la trasformazione di Bergamo in una "
                    "Smart City."},
    {"name": "DHITECH S.c.a.r.l. – Distretto Tecnologico High-Tech",
     "kind": "university-research"},
    {"name": "Di.T.N.E. S.c.a.r.l. – Distretto Tecnologico Nazionale sull’Energia",
     "kind": "university-research"},
    {"name": "Consorzio CETMA – Centro di progettazione, design & tecnologia dei materiali",
     "kind": "university-research"},
    {"name": "CMCC S.c.a.r.l. – Centro euro-mediterraneo per i cambiamenti climatici",
     "kind": "university-research", "city": "lecce", "website": "https://www.cmcc.it"},
    {"name": "Università del Salento", "kind": "university-research", "city": "lecce",
     "website": "https://www.unisalento.it"},
    {"name": "CNR – Consiglio Nazionale delle Ricerche", "kind": "university-research",
     "website": "https://www.cnr.it"},
    {"name": "CRIET – Centro di Ricerca Interuniversitario in Economia del Territorio",
     "kind": "university-research",
     "description": "Centro di ricerca dell’Università di Milano-Bicocca."},
    {"name": "Università di Milano-Bicocca", "kind": "university-research",
     "website": "https://www.unimib.it"},
    {"name": "TSCAI – The Smart City Association Italy", "kind": "civil-society"},
    {"name": "Energia Media", "kind": "business"},
    {"name": "Osservatorio Smart City & Public Innovation Hub", "kind": "university-research",
     "description": "Promosso da CRIET, TSCAI ed Energia Media per accompagnare i Comuni "
                    "italiani nei percorsi di innovazione: ricerca, formazione per il "
                    "personale comunale e una community che condivide le esperienze."},
]


def city(slug: str) -> City | None:
    return db.session.scalar(select(City).where(City.slug == slug))


def organisation(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def seed_cities(seed) -> None:
    for data in CITIES:
        found = city(data["slug"])
        if found is None:
            db.session.add(City(**data))
        seed.tally("cities", created=found is None)
    db.session.flush()


def seed_organisations(seed) -> None:
    for data in ORGANISATIONS:
        found = organisation(data["name"])
        if found is None:
            fields = dict(data)
            slug = fields.pop("city", None)
            db.session.add(Organisation(**fields, city=city(slug) if slug else None))
        seed.tally("organisations", created=found is None)
    db.session.flush()
