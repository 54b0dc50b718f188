"""Demo networks, twinnings, events, participants and the Lecce project and totals.

Texts come from the source pages (digiplace.txt, twinning-bergamo-lecce.txt,
lecce-smart-and-com.txt, lecce-smart-city.txt), with the names of people left out. What the
sources do not give (DigiPlace's member cities, the cities and texts of the NU112 and
"Ferrovie dimenticate" twinnings) is fictional and marked as an example on the pages.
"""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from forum.core.markup import render_markdown
from forum.extensions import db
from forum.places import services as places
from forum.places.models import City, Network, NetworkMember, Project
from forum.seed.accounts import DEMO_STAFF, user
from forum.seed.places import city
from forum.twinnings import services as twinnings
from forum.twinnings.models import Event, Twinning

DIGIPLACE = "digiplace"
BG_LE = "governance-smart-city-bg-le"
NU112 = "numero-unico-pronto-intervento-nu112"
FERROVIE = "ferrovie-dimenticate-vie-del-gusto"

# Medium-sized Italian cities standing in for DigiPlace's members, which the source does not
# name: shown as "example" members. No population is given for them: the site invents no figure.
EXAMPLE_CITIES = [
    {"slug": "pavia", "name": "Pavia", "region": "Lombardia", "province": "PV"},
    {"slug": "cremona", "name": "Cremona", "region": "Lombardia", "province": "CR"},
    {"slug": "matera", "name": "Matera", "region": "Basilicata", "province": "MT"},
    {"slug": "arezzo", "name": "Arezzo", "region": "Toscana", "province": "AR"},
]

DIGIPLACE_TEXT = """\
Il progetto DigiPlace mira a creare un meccanismo di accelerazione per consentire alle città di \
sfruttare le opportunità di digitalizzazione nelle infrastrutture hard & soft e rimuovere tutti \
gli ostacoli incontrati dalle città di medie dimensioni nel loro viaggio digitale: mancanza di \
visione strategica e globale; mancanza di capacità tecniche e ingegneristiche; difficoltà \
nell’incorporare l’innovazione digitale. I comuni devono garantire la diffusione \
dell’innovazione digitale da parte degli attori locali: cittadini e imprenditori. Riuscire \
nella trasformazione digitale è un’opportunità da non perdere.

Tutte queste città esprimono questa ambizione di risolvere le sfide strutturali che stanno \
affrontando:

- assicurare il rinnovamento dell’appeal del centro cittadino (dal punto di vista \
imprenditoriale, culturale, sociale e turistico) favorendo l’attrattività dei centri cittadini \
attraverso l’aumento digitale e l’offerta di servizi informatici;
- migliorare le interazioni tra cittadini e amministrazioni pubbliche e limitare il divario \
digitale fornendo moduli di formazione adattati per migliorare la capacità dei dipendenti \
pubblici.

Le città di piccole e medie dimensioni devono affrontare ulteriori ostacoli:

- mancanza di visione strategica e globale;
- carenza di risorse e persone qualificate per definire i bisogni;
- ostacoli per gestire la trasformazione digitale e la configurazione della città intelligente \
a causa della mancanza di un team qualificato in capacità tecniche e ingegneristiche;
- disponibilità di fondi limitati per finanziare queste soluzioni con modelli di business o \
modelli di reddito inadeguati e inaccessibili.

La rete DigiPlace mobiliterà tutte le sue risorse per dimostrare la capacità di quelle città di \
abbracciare la rivoluzione digitale costruendo la capacità dei loro cittadini di affrontare le \
sfide delle nuove tecnologie digitali e co-progettando soluzioni che risolvano alcune delle \
sfide strutturali comuni: dare impulso al rinnovamento e all’attrattiva del centro città, \
stimolare lo sviluppo economico locale, ottimizzare il funzionamento dello spazio pubblico e \
delle reti urbane, sbloccare il potenziale di innovazione, favorire l’inclusione sociale e la \
partecipazione dei cittadini.

La rete DigiPlace contribuisce al lavoro della strategia Smart Cities and Communities del \
partenariato europeo per l’innovazione costruendo un’ampia comunità di città di medie \
dimensioni che coinvolgono attori chiave dell’innovazione locali, secondo il modello a \
quintupla elica, come driver per la creazione di comunità digitali locali. L’obiettivo finale \
del progetto è la creazione di una comunità di città/poli a livello internazionale in grado di \
supportare altre città di medie dimensioni per avere successo nella loro trasformazione \
digitale.
"""

BG_LE_DESCRIPTION = """\
La best practice progettuale proposta con il gemellaggio è un ambiente di co-progettazione di \
idee e soluzioni che contempla un nuovo modello di interazione tra pubblico e privato, un \
modello che introduce l’innovazione nella Pubblica Amministrazione con azioni di trasparenza, \
di semplificazione e regolamentazione.

L’obiettivo è quello di approfondire la capacità delle due amministrazioni di lavorare in \
networking e di consolidare il modello di scambio di buone pratiche posto in essere. Questo \
scambio si attuerà tra il Comune di Bergamo e quello di Lecce attraverso il trasferimento di \
un modello gestionale e di assessment innovativo, finalizzato ad integrare e gestire dati al \
fine di innovare i servizi pubblici rendendoli disponibili ai cittadini. Il gemellaggio, in \
quanto tale, si propone, quindi, di costituire una liaison tra le due amministrazioni che \
contempli non solo l’assistenza tecnica nei confronti del beneficiario, ma anche la \
condivisione e la promozione delle politiche europee e nazionali in ambito di Smart City.

L’esempio di Bergamo: http://www.bergamosmartcity.com/smart-governance.html
"""

BG_LE_OBJECTIVES = """\
Bergamo è una delle prime città italiane ad aver avviato il processo di pianificazione \
strategica dell’intero territorio, affrontando le principali problematiche inerenti alla \
Governance della Smart City. In particolare, la nascita dell’Associazione Bergamo Smart City \
ha favorito lo sviluppo e la sistematizzazione di reti di relazioni territoriali tra i diversi \
soggetti che operano nell’area cittadina e provinciale e ha visto nascere collaborazioni \
virtuose tra pubblico e privato e coprogettazione.

Il presente progetto ha lo scopo di avviare una collaborazione tra le due amministrazioni \
pubbliche ed articolare e condividere lo scambio di esperienze e buone pratiche in ambito di \
Smart City, basate sui modelli di governance operativi per la partecipazione a call nazionali \
ed europee, la progettazione degli interventi SMART sul territorio cittadino in linea con il \
fabbisogno territoriale.

Il percorso che porta alla costruzione della smart city richiede sempre di più il \
coinvolgimento dei cittadini interessati sia come destinatari sia come co-produttori delle \
politiche mediante una collaborazione fattiva alla individuazione di obiettivi condivisi e al \
loro raggiungimento.

Nello specifico gli obiettivi generali del gemellaggio sono:

- lo scambio dei processi di governance e il trasferimento di know-how per l’acquisizione di \
metodologie, strumenti da attivare e soluzioni organizzativo-gestionali già sperimentati dal \
Comune di Bergamo;
- il supporto all’attivazione dell’iter amministrativo propedeutico alla costituzione di un \
Innovative Ecosystem su due dimensioni, uno esterno alla PA con la costituzione \
dell’Associazione Lecce Smart City & Community e l’altro interno alla stessa con la \
definizione e il set up di un nuovo modello organizzativo;
- l’attivazione di un’azione di tutorship ed affiancamento/assistenza per l’accompagnamento \
nell’apprendimento delle buone prassi fino al recepimento delle stesse; per l’attivazione dei \
processi innovativi; per la facilitazione ed il supporto ai fini dell’individuazione e \
partecipazione a bandi attivi a livello locale, nazionale ed europeo; per l’acquisizione di \
un’adeguata esperienza per la gestione di innovazione.
"""

BG_LE_RESULTS = """\
A tal proposito il Comune di Bergamo ha costituito l’Associazione Bergamo Smart City & \
Community, un’associazione senza fini di lucro che ha lo scopo di governare, gestire e \
coordinare il processo di trasformazione di Bergamo in una Smart City. Come?

- formulando proposte in ordine alle linee programmatiche di sviluppo della città, indirizzando \
e monitorando il processo di trasformazione ed innovazione tecnologica;
- promuovendo azioni, progetti, iniziative formative e culturali che possano contribuire al \
raggiungimento degli scopi associativi;
- collaborando con gli enti pubblici territoriali;
- favorendo la partecipazione ai bandi italiani ed europei correlati.
"""

NU112_TEXTS = {
    "summary": "Esempio: un numero unico per le emergenze, dal centralino alla centrale unica.",
    "description": "*Contenuto di esempio.* Pavia accompagna Matera nell’attivazione di una "
                   "centrale unica di risposta per il numero unico europeo di emergenza 112, "
                   "con procedure condivise tra polizia locale, protezione civile e soccorso.",
    "objectives": "- mappare i flussi delle chiamate di emergenza\n"
                  "- formare gli operatori della centrale\n"
                  "- condividere i dati di intervento con i servizi comunali",
    "results": "",
}

FERROVIE_TEXTS = {
    "summary": "Esempio: linee ferroviarie dismesse come itinerari del gusto e del turismo lento.",
    "description": "*Contenuto di esempio.* Arezzo trasferisce a Cremona e Matera il modello "
                   "con cui ha trasformato una linea ferroviaria dimenticata in un itinerario "
                   "cicloturistico che collega produttori locali, stazioni e borghi.",
    "objectives": "- censire i tracciati dismessi e le stazioni recuperabili\n"
                  "- costruire una rete di produttori e ristoratori lungo il percorso\n"
                  "- pubblicare gli itinerari come dati aperti",
    "results": "- un primo itinerario sperimentale di 30 km\n"
               "- un calendario condiviso di eventi nelle stazioni",
}

LECCE_DESCRIPTION = """\
L’ufficio Programmazione Strategica del Comune di Lecce è impegnato a facilitare il processo di \
trasformazione della città di Lecce in “città intelligente” – “Smart community” al fine di \
intraprendere un percorso virtuoso che permetterà di sviluppare una migliore comprensione \
reciproca e una migliore collaborazione fra i vari attori locali (amministrazioni, mondo \
accademico, istituzioni, aziende, società civile).

Nel marzo 2013 il progetto Lecce Smart City ha fatto un grande passo avanti con la firma di un \
Accordo Quadro tra il Comune e DHITECH (Distretto Tecnologico High-Tech), Di.T.N.E. (Distretto \
Tecnologico Nazionale sull’Energia), il Consorzio CETMA, il CMCC (Centro euro-mediterraneo per \
i cambiamenti climatici), l’Università del Salento e il CNR.
"""
# The profile gives the totals without a date; the community pages it comes with were read in
# November 2015 (the latest date they show), which is the date given with the totals.
LECCE_TOTALS = {"declared_projects": 25, "declared_investment": Decimal("15659005"),
                "totals_source": "Comune di Lecce, profilo Smart City "
                                 "(Ufficio Programmazione Strategica)",
                "totals_as_of": date(2015, 11, 9)}

LECCE_PROJECT_TITLE = "Patto per la Città di Lecce. Lecce Smart & Com"
LECCE_PROJECT = """\
Al fine di rafforzare la capacità competitiva del sistema commerciale, culturale e turistico \
della città di Lecce quale sistema territoriale sostenibile, il Comune di Lecce con la presente \
proposta progettuale intende focalizzarsi in via prioritaria, progettando e sviluppando un \
insieme di piattaforme tecnologiche ed un portafoglio di servizi a valore aggiunto, su due \
spazi obiettivo ritenuti strategici per la città:

- **Centro Storico**: spazio corrispondente alla città vecchia, delimitato dai resti delle \
antiche mura, caratterizzato dalla presenza di un’elevatissima densità di luoghi di interesse \
artistico, storico e culturale così come da spazi dedicati al tempo libero e al divertimento. \
Il progetto LECCE SMART & COM, attraverso la realizzazione di una piattaforma di servizi basati \
su nuove modalità di fruizione ed interazione, intende potenziare l’offerta turistica e rendere \
l’accesso al bene culturale sempre più coinvolgente e gratificante.
- **Distretto Urbano del Commercio**: spazio con la maggiore concentrazione di attività \
commerciali sul tessuto urbano cittadino, che si sviluppa lungo la direttrice Est-Ovest di \
Lecce attraversando il cuore della città nuova e della città vecchia. Il progetto prevede la \
realizzazione di una piattaforma di servizi, secondo un’ottica Town Centre Management, volti al \
potenziamento e alla promozione del commercio urbano.

Il reale potenziamento dei due spazi obiettivo sarà funzionale alla capacità di armonizzare i \
bisogni e le spinte dei differenti stakeholder coinvolti negli ambiti turistico e commerciale. \
Si adotterà una strategia di tipo bottom up, aggregando intorno alle piattaforme abilitanti un \
numero sempre crescente di servizi e di modelli di business differenti.

Punto nevralgico del progetto, al cuore della strategia di coinvolgimento e partecipazione, \
sono le piattaforme di **social gaming** e di gestione degli **open data**. La piattaforma di \
social gaming rappresenta, assieme alla rete di organizzazioni ed associazioni che ne \
costituiranno il motore propulsivo, il meccanismo di maggior efficacia ai fini del \
coinvolgimento dei cittadini nella logica della città smart. La piattaforma di gestione degli \
open data, assieme all’ecosistema imprenditoriale di startupper e imprese innovative da essa \
abilitato, rappresenta l’elemento che garantisce la sostenibilità economico-finanziaria \
dell’intera iniziativa.
"""

PARTICIPANTS = {
    BG_LE: ["giulia.ferri", "marco.bellini", "andrea.locatelli", "elena.rota",
            "francesca.desantis", "luca.mazzotta"],
    NU112: ["davide.quarta", "sara.pellegrini"],
    FERROVIE: ["anna.valsecchi", "roberto.leo", "valentina.greco"],
}


def _network(slug: str) -> Network | None:
    return db.session.scalar(select(Network).where(Network.slug == slug))


def _twinning(slug: str) -> Twinning | None:
    return db.session.scalar(select(Twinning).where(Twinning.slug == slug))


def seed_networks(seed) -> None:
    """DigiPlace and its example member cities."""
    for data in EXAMPLE_CITIES:
        found = city(data["slug"])
        if found is None:
            db.session.add(City(**data))
        seed.tally("cities", created=found is None)
    db.session.flush()
    network = _network(DIGIPLACE)
    seed.tally("networks", created=network is None)
    if network is None:
        network = places.create_network(user(DEMO_STAFF), {
            "slug": DIGIPLACE, "name": "DigiPlace",
            "summary": "La rete delle città di medie dimensioni per la trasformazione digitale.",
            "description": DIGIPLACE_TEXT})
    for data in EXAMPLE_CITIES:
        member = city(data["slug"])
        exists = db.session.scalar(select(NetworkMember.id).where(
            NetworkMember.network_id == network.id, NetworkMember.city_id == member.id))
        if exists is None:
            places.add_network_member(None, network, city=member, is_example=True)
        seed.tally("network members", created=exists is None)


def _create_twinning(seed, slug, title, cities, texts, *, days_ago, example, themes,  # noqa: PLR0913 (a demo row's fields)
                     network=None, status="active", start=None):
    found = _twinning(slug)
    if found is None:
        found = twinnings.create_twinning(user(DEMO_STAFF), {
            "slug": slug, "title": title, "status": status, "themes": themes,
            "is_example": example, "network": network, "start_date": start,
            "cities": [{"city": city(s), "role": role} for s, role in cities], **texts})
        # Spread over the past weeks, in the order the source's "latest twinnings" shows.
        found.created_at = seed.now - timedelta(days=days_ago)
    return found


def seed_twinnings(seed) -> None:
    specs = [
        (NU112, "Numero Unico Pronto Intervento - NU112",
         [("pavia", "transferring"), ("matera", "beneficiary")], NU112_TEXTS,
         dict(days_ago=12, example=True, themes=["safety-emergency", "digital-services"],
              network=_network(DIGIPLACE), start=date(2015, 9, 1))),
        (BG_LE, "La Governance della Smart City and Community. BG-LE",
         [("bergamo", "transferring"), ("lecce", "beneficiary")],
         {"summary": "Bergamo trasferisce a Lecce il proprio modello di governance della "
                     "smart city e di co-progettazione tra pubblico e privato.",
          "description": BG_LE_DESCRIPTION, "objectives": BG_LE_OBJECTIVES,
          "results": BG_LE_RESULTS},
         dict(days_ago=30, example=False, themes=["governance", "civic-participation"],
              start=date(2015, 5, 25))),
        (FERROVIE, "Le Ferrovie dimenticate e le vie del Gusto",
         [("arezzo", "transferring"), ("cremona", "beneficiary"), ("matera", "beneficiary")],
         FERROVIE_TEXTS,
         dict(days_ago=45, example=True, themes=["tourism-culture", "mobility", "commerce"],
              network=_network(DIGIPLACE), status="proposed")),
    ]
    for slug, title, cities, texts, options in specs:
        created = _twinning(slug) is None
        twinning = _create_twinning(seed, slug, title, cities, texts, **options)
        seed.tally("twinnings", created=created)
        # Creating a twinning opens its general discussion, with its opening post.
        seed.tally("discussions", created=created)
        seed.tally("posts", created=created)
        _join(seed, twinning, PARTICIPANTS[slug])
    _events(seed)


def _join(seed, twinning, usernames) -> None:
    for username in usernames:
        member = user(username)
        if member is not None:
            seed.tally("twinning participants", created=twinnings.join(member, twinning))


def _events(seed) -> None:
    bg_le, digiplace = _twinning(BG_LE), _network(DIGIPLACE)
    # Times are Italian wall-clock times relative to the run, so the demo shows a live event.
    start = seed.now.astimezone(twinnings.ROME).replace(minute=0, second=0, microsecond=0,
                                                        tzinfo=None)
    events = [
        (bg_le, "Diretta: la governance della smart city da Bergamo a Lecce",
         {"starts_at": start - timedelta(hours=1), "ends_at": start + timedelta(hours=3),
          "place": "Lecce, Palazzo Carafa",
          "stream_url": "https://streaming.example.org/gemellaggi/bg-le",
          "description": "Incontro pubblico in diretta sul modello di governance trasferito."}),
        (bg_le, "Laboratorio di co-progettazione con le associazioni",
         {"starts_at": start + timedelta(days=14), "ends_at": start + timedelta(days=14, hours=4),
          "place": "Bergamo", "stream_url": None, "description": None}),
        (digiplace, "Esempio: incontro annuale della rete DigiPlace",
         {"starts_at": start + timedelta(days=30), "ends_at": start + timedelta(days=31),
          "place": "Matera", "stream_url": "https://streaming.example.org/gemellaggi/digiplace",
          "description": "Evento di esempio per la demo."}),
    ]
    for space, title, data in events:
        column = Event.twinning_id if isinstance(space, Twinning) else Event.network_id
        found = db.session.scalar(select(Event.id).where(column == space.id,
                                                         Event.title == title))
        if found is None:
            twinnings.create_event(None, space, {"title": title, **data})
        seed.tally("events", created=found is None)


def seed_lecce(seed) -> None:
    """Lecce's profile text and declared totals, and the Lecce Smart & Com project."""
    lecce = city("lecce")
    if lecce is None:
        return
    if not lecce.description:
        lecce.description = LECCE_DESCRIPTION
        lecce.description_html = render_markdown(LECCE_DESCRIPTION)
        lecce.website = lecce.website or "https://www.comune.lecce.it"
    if lecce.declared_projects is None and lecce.declared_investment is None:
        for name, value in LECCE_TOTALS.items():
            setattr(lecce, name, value)
    found = db.session.scalar(select(Project).where(Project.city_id == lecce.id,
                                                    Project.title == LECCE_PROJECT_TITLE))
    if found is None:
        places.create_project(user(DEMO_STAFF), lecce, {
            "title": LECCE_PROJECT_TITLE, "description": LECCE_PROJECT,
            "target_areas": "Centro Storico; Distretto Urbano del Commercio",
            "status": "in-progress",
            "themes": ["commerce", "tourism-culture", "open-data", "civic-participation"]})
    seed.tally("projects", created=found is None)
    db.session.flush()
