"""Demo accounts: an admin, a staff member and fictional members (never real people)."""
from datetime import timedelta

from sqlalchemy import select

from forum.accounts.models import User
from forum.accounts.services import create_user
from forum.extensions import db
from forum.seed.places import city, organisation

# Published in the README and printed by seed-demo: never use these accounts in production.
DEMO_PASSWORD = "gemellaggi-demo"
DEMO_MEMBER = "giulia.ferri"
DEMO_STAFF = "staff"
DEMO_ADMIN = "admin"

# joined / last_login: days before the run, so the dates stay spread over the last two years.
ACCOUNTS = [
    {"username": DEMO_ADMIN, "role": "admin", "full_name": "Laura Moretti",
     "profession": "Amministratrice della piattaforma", "joined": 720, "last_login": 1,
     "bio": "Curo la piattaforma **Gemellaggi** e gli account dei membri."},
    {"username": DEMO_STAFF, "role": "staff", "full_name": "Tommaso Conti",
     "profession": "Community manager", "city": "bergamo", "joined": 690, "last_login": 2,
     "bio": "Modero le discussioni e aiuto le città a raccontare i loro gemellaggi."},
    {"username": DEMO_MEMBER, "full_name": "Giulia Ferri", "profession": "Funzionaria comunale",
     "organisation": "Comune di Lecce", "city": "lecce", "joined": 650, "last_login": 3,
     "bio": "Lavoro all’ufficio *Programmazione strategica*: bandi europei, partenariati e "
            "processi partecipativi per **Lecce Smart City**."},
    {"username": "marco.bellini", "full_name": "Marco Bellini", "profession": "Project manager",
     "organisation": "Associazione Bergamo Smart City & Community", "city": "bergamo",
     "joined": 610, "last_login": 5,
     "bio": "Coordino progetti di co-progettazione tra pubblico e privato.\n\n"
            "- governance della smart city\n- partecipazione a call nazionali ed europee"},
    {"username": "andrea.locatelli", "full_name": "Andrea Locatelli",
     "profession": "Dottore Commercialista", "city": "bergamo", "joined": 560,
     "last_login": 20,
     "bio": "Mi occupo di sostenibilità economico-finanziaria dei progetti pubblici e di "
            "partenariato pubblico-privato."},
    {"username": "elena.rota", "full_name": "Elena Rota", "profession": "Responsabile innovazione",
     "organisation": "Comune di Bergamo", "city": "bergamo", "joined": 500, "last_login": 8,
     "bio": "Seguo la pianificazione strategica e il modello di **assessment** che Bergamo "
            "condivide con altre amministrazioni."},
    {"username": "francesca.desantis", "full_name": "Francesca De Santis",
     "profession": "Ricercatrice", "organisation": "Università del Salento", "city": "lecce",
     "joined": 450, "last_login": 12,
     "bio": "Studio i dati urbani e il loro riuso come *open data*."},
    {"username": "luca.mazzotta", "full_name": "Luca Mazzotta",
     "profession": "Ingegnere ambientale",
     "organisation": "CMCC S.c.a.r.l. – Centro euro-mediterraneo per i cambiamenti climatici",
     "city": "lecce", "joined": 380, "last_login": 30,
     "bio": "Adattamento ai cambiamenti climatici e resilienza delle città medie."},
    {"username": "davide.quarta", "full_name": "Davide Quarta",
     "profession": "Sviluppatore software",
     "organisation": "DHITECH S.c.a.r.l. – Distretto Tecnologico High-Tech", "city": "lecce",
     "joined": 300, "last_login": 4,
     "bio": "Piattaforme di *social gaming* per coinvolgere i cittadini."},
    {"username": "sara.pellegrini", "full_name": "Sara Pellegrini",
     "profession": "Docente universitaria",
     "organisation": "CRIET – Centro di Ricerca Interuniversitario in Economia del Territorio",
     "joined": 240, "last_login": 6, "preferred_language": "en",
     "bio": "Formazione per il personale comunale sui progetti **Smart Land**."},
    {"username": "matteo.carrozzo", "full_name": "Matteo Carrozzo",
     "profession": "Esperto di fondi europei", "organisation": "Energia Media",
     "joined": 180, "last_login": 15,
     "bio": "Aiuto i Comuni a individuare i bandi giusti e a scrivere proposte progettuali."},
    {"username": "anna.valsecchi", "full_name": "Anna Valsecchi", "profession": "Architetta",
     "organisation": "TSCAI – The Smart City Association Italy", "city": "bergamo",
     "joined": 120, "last_login": 9,
     "bio": "Rigenerazione urbana e centri storici *a misura di cittadino*."},
    {"username": "roberto.leo", "full_name": "Roberto Leo", "profession": "Consulente smart city",
     "organisation": "Consorzio CETMA – Centro di progettazione, design & tecnologia dei "
                     "materiali",
     "city": "lecce", "joined": 60, "last_login": 2,
     "bio": "Distretti urbani del commercio e servizi per il *Town Centre Management*."},
    {"username": "valentina.greco", "full_name": "Valentina Greco", "profession": "Tecnologa",
     "organisation": "CNR – Consiglio Nazionale delle Ricerche", "city": "lecce",
     "joined": 25, "last_login": 1,
     "bio": "Sensori, dati ambientali e piattaforme abilitanti."},
    {"username": "stefano.cattaneo", "full_name": "Stefano Cattaneo",
     "profession": "Funzionario regionale", "city": "bergamo", "joined": 10, "last_login": 10,
     "listed": False, "bio": "Preferisco che il mio profilo non compaia nell’elenco."},
]


def user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == username.lower()))


def seed_accounts(seed) -> None:
    for data in ACCOUNTS:
        found = user(data["username"])
        if found is None:
            create_account(seed, dict(data))
        seed.tally("accounts", created=found is None)


def create_account(seed, data: dict) -> User:
    """A demo member from a row like ACCOUNTS' (organisation and city by name and slug)."""
    username, role = data.pop("username"), data.pop("role", "member")
    joined = seed.now - timedelta(days=data.pop("joined"), hours=len(username))
    last_login = seed.now - timedelta(days=data.pop("last_login"), hours=len(username) % 7)
    org, place = data.pop("organisation", None), data.pop("city", None)
    profile = {
        "listed": True, "preferred_language": "it", **data,
        "organisation": organisation(org) if org else None,
        "city": city(place) if place else None,
        "joined_at": joined, "last_login_at": max(last_login, joined),
        "privacy_accepted_at": joined,
    }
    return create_user(username, f"{username}@gemellaggi.example", DEMO_PASSWORD, role=role,
                       confirmed=True, **profile)
