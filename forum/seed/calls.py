"""Demo calls for funding: illustrative, marked as examples, dated relative to the run.

The programmes are real (URBACT, Horizon Europe, PNRR, a regional ERDF programme…); the
titles, dates and amounts are made up for the demo and the pages say so.
"""
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from forum.accounts.models import User
from forum.calls.models import ROME, Call
from forum.calls.services import create_call
from forum.extensions import db
from forum.seed.accounts import DEMO_STAFF

# days: deadline this many days after the run (negative: already closed); opens: opening day
# relative to the run. Deadlines fall at noon or 13:00, Italian time.
CALLS = [
    {"title": "URBACT IV – Reti per il trasferimento di buone pratiche (esempio)",
     "issuer": "Segretariato URBACT", "level": "eu", "programme": "URBACT IV",
     "summary": "Reti di città che trasferiscono una buona pratica urbana già riconosciuta.",
     "applicants": ["municipalities", "unions-of-municipalities"],
     "themes": ["governance", "open-data", "civic-participation"],
     "total_budget": "8000000", "max_grant": "850000", "cofunding_rate": "80",
     "opens": -60, "days": 5, "hour": 12,
     "body": "Bando **illustrativo** ispirato alle *Transfer Networks* di URBACT: una città "
             "che ha una buona pratica la trasferisce a una rete di città partner.\n\n"
             "- durata: 24 mesi\n- partner: da 6 a 8 città"},
    {"title": "Horizon Europe – Città intelligenti e a impatto climatico zero (esempio)",
     "issuer": "Commissione europea", "level": "eu", "programme": "Horizon Europe",
     "summary": "Progetti di ricerca e innovazione con città pilota su dati, energia e mobilità.",
     "applicants": ["municipalities", "universities-research", "businesses"],
     "themes": ["energy-environment", "open-data", "mobility"],
     "total_budget": "30000000", "max_grant": "4000000", "cofunding_rate": "100",
     "opens": -30, "days": 40, "hour": 17,
     "body": "Bando **illustrativo**: consorzi di almeno tre Paesi, con almeno due città "
             "pilota che sperimentano soluzioni basate sui dati."},
    {"title": "PNRR – Servizi digitali e cittadinanza digitale per i Comuni (esempio)",
     "issuer": "Dipartimento per la trasformazione digitale", "level": "national",
     "programme": "PNRR – Missione 1", "summary": "Contributi a forfait per la migrazione dei "
     "servizi comunali e l'adozione delle piattaforme nazionali.",
     "applicants": ["municipalities"], "themes": ["digital-services", "governance"],
     "total_budget": "150000000", "max_grant": "155000", "cofunding_rate": "100",
     "opens": -20, "days": 25, "hour": 23,
     "body": "Bando **illustrativo** con importi a forfait per fascia di popolazione."},
    {"title": "FESR Puglia – Innovazione sociale nei quartieri (esempio)",
     "issuer": "Regione Puglia", "level": "regional", "programme": "PR Puglia FESR-FSE+ 2021-2027",
     "summary": "Progetti di innovazione sociale co-progettati da Comuni e terzo settore.",
     "applicants": ["municipalities", "associations"],
     "themes": ["social-inclusion", "civic-participation"],
     "total_budget": "12000000", "max_grant": "300000", "cofunding_rate": "90",
     "opens": 15, "days": 75, "hour": 12,
     "body": "Bando **illustrativo** del programma regionale FESR: apre tra due settimane."},
    {"title": "FESR Lombardia – Mobilità sostenibile nelle città medie (esempio)",
     "issuer": "Regione Lombardia", "level": "regional", "programme": "PR Lombardia FESR 2021-2027",
     "summary": "Ciclabili, sharing e infomobilità nei Comuni tra 20.000 e 150.000 abitanti.",
     "applicants": ["municipalities", "unions-of-municipalities"],
     "themes": ["mobility", "energy-environment"],
     "total_budget": "20000000", "max_grant": "1000000", "cofunding_rate": "70",
     "opens": -45, "days": 12, "hour": 12,
     "body": "Bando **illustrativo** per la mobilità sostenibile."},
    {"title": "Fondazione – Comunità digitali e competenze (esempio)",
     "issuer": "Fondazione di esempio", "level": "foundation", "programme": None,
     "summary": "Formazione digitale per cittadini e personale comunale, con associazioni locali.",
     "applicants": ["associations", "citizens", "municipalities"],
     "themes": ["training-skills", "digital-services"],
     "total_budget": "2000000", "max_grant": "80000", "cofunding_rate": "80",
     "opens": -90, "days": 55, "hour": 13,
     "body": "Bando **illustrativo** di una fondazione di origine bancaria."},
    {"title": "Interreg Italia-Croazia – Turismo e patrimonio culturale (esempio)",
     "issuer": "Autorità di gestione Interreg Italia-Croazia", "level": "eu",
     "programme": "Interreg VI-A Italia-Croazia",
     "summary": "Itinerari culturali transfrontalieri e servizi turistici digitali.",
     "applicants": ["municipalities", "associations", "universities-research"],
     "themes": ["tourism-culture", "digital-services"],
     "total_budget": "15000000", "max_grant": "2500000", "cofunding_rate": "80",
     "opens": -150, "days": -20, "hour": 12,
     "body": "Bando **illustrativo**, già chiuso."},
    {"title": "Fondo per la sicurezza urbana – Videosorveglianza e protezione civile (esempio)",
     "issuer": "Ministero dell'Interno", "level": "national", "programme": "Fondo sicurezza urbana",
     "summary": "Sistemi di allerta e di gestione delle emergenze nei Comuni.",
     "applicants": ["municipalities", "unions-of-municipalities"],
     "themes": ["safety-emergency"],
     "total_budget": "40000000", "max_grant": "250000", "cofunding_rate": "100",
     "opens": -120, "days": -60, "hour": 12,
     "body": "Bando **illustrativo**, già chiuso."},
    {"title": "Bando startup – Servizi smart per il commercio di prossimità (esempio)",
     "issuer": "Camera di commercio di esempio", "level": "other", "programme": None,
     "summary": "Voucher per imprese che digitalizzano il commercio nei centri storici.",
     "applicants": ["businesses"], "themes": ["commerce", "digital-services"],
     "total_budget": "1500000", "max_grant": "20000", "cofunding_rate": "50",
     "opens": -10, "days": 90, "hour": 12,
     "body": "Bando **illustrativo** per le imprese."},
]


def _deadline(now: datetime, days: int, hour: int) -> datetime:
    """A wall-clock hour in Italy, `days` after the run's day (naive: the form's shape)."""
    day = now.astimezone(ROME).date() + timedelta(days=days)
    return datetime.combine(day, time(hour))


def seed_calls(seed) -> None:
    staff = db.session.scalar(select(User).where(User.username_key == DEMO_STAFF))
    for spec in CALLS:
        exists = db.session.scalar(select(Call.id).where(Call.title == spec["title"]))
        if exists is not None or staff is None:
            seed.tally("calls", False)
            continue
        data = {key: spec[key] for key in ("title", "issuer", "level", "programme", "summary",
                                           "applicants", "themes", "body")}
        data.update(
            total_budget=Decimal(spec["total_budget"]), max_grant=Decimal(spec["max_grant"]),
            cofunding_rate=Decimal(spec["cofunding_rate"]), is_example=True,
            opens_on=seed.now.astimezone(ROME).date() + timedelta(days=spec["opens"]),
            deadline=_deadline(seed.now, spec["days"], spec["hour"]),
            official_url=None)
        create_call(staff, data, now=seed.now)
        seed.tally("calls", True)
