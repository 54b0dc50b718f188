"""Demo practices: fictional offers, requests and stories across the themes, in Italian and
English, with a few pairs the matching should find (Lecce seeking social gaming for citizen
engagement and an offer of it; Bergamo's smart-city association governance model and a
request for one; the story of an open data portal and a request to open a city's data).

The practices are fictional and marked as examples; the cities and organisations are real
places and bodies, the people are the demo accounts. Looked up by title, so a second run
adds nothing.
"""
from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.places.models import City, Organisation
from forum.practices import services
from forum.practices.models import Practice, PracticeInterest
from forum.seed.accounts import create_account, user
from forum.seed.twinnings import BG_LE
from forum.twinnings.models import Twinning

# Cities the practices name that earlier steps may not have made.
CITIES = [
    {"slug": "ravenna", "name": "Ravenna", "region": "Emilia-Romagna", "province": "RA"},
    {"slug": "trento", "name": "Trento", "region": "Trentino-Alto Adige", "province": "TN"},
    {"slug": "parma", "name": "Parma", "region": "Emilia-Romagna", "province": "PR"},
    {"slug": "matera", "name": "Matera", "region": "Basilicata", "province": "MT"},
    {"slug": "pavia", "name": "Pavia", "region": "Lombardia", "province": "PV"},
    {"slug": "cremona", "name": "Cremona", "region": "Lombardia", "province": "CR"},
    {"slug": "arezzo", "name": "Arezzo", "region": "Toscana", "province": "AR"},
]

P = "public-administration"
ORGANISATIONS = [(f"Comune di {c['name']}", c["slug"]) for c in CITIES]

# Fictional council officers: each practice is written by a member of the organisation it
# names (a practice of the Comune di Matera by someone from the Comune di Matera).
COUNCIL_MEMBERS = [
    ("chiara.lorusso", "Chiara Lorusso", "Funzionaria dell'ufficio innovazione", "matera", 95),
    ("federico.ferrari", "Federico Ferrari", "Responsabile dei sistemi informativi", "cremona",
     70),
    ("martina.dallapiccola", "Martina Dallapiccola", "Mobility manager", "trento", 160),
    ("giorgio.rinaldi", "Giorgio Rinaldi", "Funzionario della mobilità", "pavia", 45),
    ("elisa.montanari", "Elisa Montanari", "Energy manager", "ravenna", 280),
    ("lorenzo.bruni", "Lorenzo Bruni", "Tecnico dei lavori pubblici", "arezzo", 30),
    ("silvia.bertolini", "Silvia Bertolini", "Responsabile della formazione", "parma", 20),
]

# (days ago, author, city, organisation, record); the record is what the import takes.
PRACTICES = [
    (40, "giulia.ferri", "lecce", "Comune di Lecce", {
        "kind": "seek", "language": "it", "themes": ["civic-participation"],
        "title": "Coinvolgere i cittadini con il social gaming",
        "summary": "Lecce cerca un modo per avvicinare i cittadini, soprattutto i giovani, alla "
                   "vita della città attraverso il gioco: sfide, punti e premi per chi "
                   "partecipa.",
        "body": "## Il problema\n\nLe consultazioni online del Comune raccolgono poche "
                "risposte, quasi sempre dalle stesse persone.\n\n## Cosa cerchiamo\n\n"
                "Una piattaforma di **social gaming** già in uso in un altro Comune: i "
                "cittadini guadagnano punti partecipando a consultazioni, segnalazioni e "
                "iniziative di quartiere, con classifiche e piccoli premi.\n\n"
                "Ci interessano i costi, il regolamento dei premi e come misurare il "
                "coinvolgimento."}),
    (300, "davide.quarta", "lecce",
     "DHITECH S.c.a.r.l. – Distretto Tecnologico High-Tech", {
        "kind": "offer", "language": "it",
        "themes": ["civic-participation", "digital-services"],
        "title": "Piattaforma di social gaming per la partecipazione civica",
        "summary": "Una app in cui i cittadini accumulano punti e badge partecipando alla vita "
                   "del quartiere: consultazioni, segnalazioni, volontariato.",
        "body": "La piattaforma premia con punti, classifiche e badge chi partecipa: risponde a "
                "una consultazione, segnala un problema, aderisce a un'iniziativa di "
                "quartiere.\n\n- sperimentata con due Comuni pugliesi\n- il coinvolgimento "
                "dei giovani tra 16 e 30 anni è triplicato in un anno\n- codice aperto, "
                "regolamento dei premi e kit di comunicazione trasferibili\n\n"
                "**Costi**: ospitalità e assistenza, circa 8.000 euro l'anno."}),
    (200, "elena.rota", "bergamo", "Comune di Bergamo", {
        "kind": "offer", "language": "it", "themes": ["governance"],
        "title": "Il modello di governance dell'associazione smart city di Bergamo",
        "summary": "Bergamo ha costituito un'associazione senza fini di lucro con università, "
                   "imprese e associazioni per governare la trasformazione in smart city.",
        "body": "L'associazione riunisce soci pubblici e privati, con uno statuto, un "
                "comitato scientifico e un piano strategico condiviso.\n\n"
                "**Cosa trasferiamo**: lo statuto, il modello di *assessment* dei progetti, "
                "il percorso di co-progettazione con gli stakeholder e l'esperienza del "
                "gemellaggio con Lecce.\n\n**Lezioni**: coinvolgere da subito gli uffici "
                "comunali, non solo gli assessori."}),
    (25, "chiara.lorusso", "matera", "Comune di Matera", {
        "kind": "seek", "language": "it", "themes": ["governance"],
        "title": "Una struttura di governance per coordinare i progetti smart city",
        "summary": "I progetti smart city sono dispersi tra gli assessorati: cerchiamo un "
                   "modello organizzativo, anche un'associazione pubblico-privata.",
        "body": "Vorremmo capire come altri Comuni hanno costruito una governance dei progetti "
                "con università e imprese: soci, statuto, piano strategico, valutazione."}),
    (500, "francesca.desantis", "lecce", "Università del Salento", {
        "kind": "story", "language": "it", "themes": ["open-data", "digital-services"],
        "title": "Come abbiamo aperto i dati: la storia del portale open data",
        "summary": "Tre anni, 150 dataset pubblicati con licenza aperta e le app nate dal "
                   "riuso dei dati: cosa ha funzionato e cosa rifaremmo diversamente.",
        "body": "Siamo partiti da pochi dataset di bilancio e ambiente. Abbiamo nominato un "
                "referente dei dati in ogni ufficio, scelto la licenza CC BY e il catalogo "
                "DCAT-AP_IT, organizzato due hackathon.\n\n**Errori**: formati non aggiornati "
                "e dataset abbandonati dopo il primo caricamento; oggi ogni dataset ha un "
                "responsabile e una frequenza di aggiornamento."}),
    (12, "federico.ferrari", "cremona", "Comune di Cremona", {
        "kind": "seek", "language": "it", "themes": ["open-data"],
        "title": "Aprire i dati del Comune: da dove cominciare?",
        "summary": "Vogliamo pubblicare i nostri dati come open data in un portale, con "
                   "licenze aperte e formati riutilizzabili.",
        "body": "I dati su mobilità, ambiente e bilancio sono sparsi in fogli di calcolo. "
                "Cerchiamo chi ha già realizzato un portale open data comunale: software, "
                "catalogo, licenze, aggiornamento dei dataset."}),
    (150, "martina.dallapiccola", "trento", "Comune di Trento", {
        "kind": "offer", "language": "en", "themes": ["mobility", "energy-environment"],
        "title": "Electric bike sharing with smart docking stations",
        "summary": "Our e-bike sharing service has 40 stations and 400 bicycles; we share the "
                   "tender, the contract and the usage data.",
        "body": "Riders unlock bikes with an app; stations recharge the e-bikes; the operator "
                "is paid per available bicycle. We pass on the tender documents, the method "
                "for siting stations and the effect on car traffic."}),
    (30, "giorgio.rinaldi", "pavia", "Comune di Pavia", {
        "kind": "seek", "language": "en", "themes": ["mobility"],
        "title": "Bike sharing for a mid-sized historic town",
        "summary": "We want shared bicycles and e-bikes to cut car traffic in the old town.",
        "body": "Pavia's historic centre is congested. We look for a city that runs a bike "
                "sharing service, with docking stations, e-bikes and a tender model."}),
    (260, "elisa.montanari", "ravenna", "Comune di Ravenna", {
        "kind": "offer", "language": "it", "themes": ["energy-environment"],
        "title": "Lampioni LED intelligenti e telegestione",
        "summary": "12.000 punti luce riqualificati con LED e telegestione: consumi "
                   "energetici dimezzati con un contratto di rendimento.",
        "body": "La ESCO ha sostituito i lampioni con LED, installato sensori e una "
                "piattaforma di telegestione. Condividiamo capitolato, piano economico e "
                "risultati sui consumi."}),
    (18, "lorenzo.bruni", "arezzo", "Comune di Arezzo", {
        "kind": "seek", "language": "it", "themes": ["energy-environment"],
        "title": "Ridurre la bolletta dell'illuminazione pubblica",
        "summary": "Cerchiamo esperienze di sostituzione dei lampioni con LED e di "
                   "telegestione per ridurre i consumi energetici.",
        "body": "Ci interessano progetti con lampade LED, sensori di presenza e contratti di "
                "rendimento energetico con una ESCO."}),
    (220, "sara.pellegrini", None,
     "CRIET – Centro di Ricerca Interuniversitario in Economia del Territorio", {
        "kind": "offer", "language": "en", "themes": ["training-skills", "digital-services"],
        "title": "A digital academy for municipal staff",
        "summary": "An academy that has trained 600 municipal employees in digital skills, "
                   "with e-learning modules and in-person workshops.",
        "body": "Modules on online services, data literacy and cybersecurity; each employee "
                "takes a skills assessment before and after. We share the modules."}),
    (8, "silvia.bertolini", "parma", "Comune di Parma", {
        "kind": "seek", "language": "en", "themes": ["training-skills"],
        "title": "Training our civil servants in digital skills",
        "summary": "We need a training programme that gives municipal staff the digital "
                   "skills for online services and data.",
        "body": "Most employees never had training on digital tools: we look for course "
                "contents, trainers, e-learning and a way to measure the skills gained."}),
    (180, "roberto.leo", "lecce",
     "Consorzio CETMA – Centro di progettazione, design & tecnologia dei materiali", {
        "kind": "offer", "language": "it", "themes": ["commerce", "tourism-culture"],
        "title": "Distretto urbano del commercio e town centre management",
        "summary": "Un distretto che unisce Comune, commercianti e associazioni di categoria "
                   "per rilanciare i negozi del centro storico.",
        "body": "Un manager del distretto coordina eventi, promozione, una carta fedeltà "
                "comune e consegne per i negozi di vicinato."}),
    (60, "andrea.locatelli", "bergamo", None, {
        "kind": "seek", "language": "it", "themes": ["commerce"],
        "title": "Rilanciare i negozi di vicinato in Città Alta",
        "summary": "I negozi chiudono: cerchiamo un modello di distretto del commercio e di "
                   "gestione del centro città.",
        "body": "Vorremmo coordinare commercianti e Comune per eventi, promozione e servizi "
                "comuni, sul modello del town centre management."}),
    (120, "luca.mazzotta", "lecce",
     "CMCC S.c.a.r.l. – Centro euro-mediterraneo per i cambiamenti climatici", {
        "kind": "offer", "language": "it", "themes": ["safety-emergency", "energy-environment"],
        "title": "Allerta alluvioni: sensori sui fiumi e avvisi ai cittadini",
        "summary": "Un sistema di allerta per la protezione civile che avvisa i cittadini con "
                   "app e SMS quando i sensori segnalano il rischio.",
        "body": "I sensori di livello alimentano la centrale operativa della protezione "
                "civile, che invia l'allerta agli iscritti. Trasferiamo piattaforma e "
                "protocollo."}),
    (90, "marco.bellini", "bergamo", "Associazione Bergamo Smart City & Community", {
        "kind": "story", "language": "it", "themes": ["civic-participation", "governance"],
        "title": "Il nostro primo bilancio partecipativo",
        "summary": "Come i cittadini hanno deciso come spendere 500.000 euro di investimenti "
                   "nei quartieri.",
        "body": "Assemblee di quartiere, proposte online e voto finale: hanno votato 4.000 "
                "persone. Lezioni sulla comunicazione e sui tempi degli uffici tecnici."}),
    (400, "elena.rota", "bergamo", "Comune di Bergamo", {
        "kind": "offer", "language": "it", "themes": ["digital-services", "commerce"],
        "title": "Sportello unico digitale per le attività produttive",
        "summary": "Le imprese presentano pratiche e autorizzazioni online, con firma digitale "
                   "e pagamenti elettronici.",
        "body": "Lo sportello gestisce oltre 3.000 pratiche l'anno interamente online."}),
    (75, "anna.valsecchi", "bergamo", "TSCAI – The Smart City Association Italy", {
        "kind": "story", "language": "en", "themes": ["social-inclusion", "energy-environment"],
        "title": "Shared urban gardens for social inclusion",
        "summary": "Community gardens run by older people, newcomers and schools brought "
                   "neighbours together and cared for abandoned green spaces.",
        "body": "The council lends the land; an association supports the gardeners. Each "
                "garden has rules and a calendar of activities with schools."}),
    (45, "chiara.lorusso", "matera", "Comune di Matera", {
        "kind": "offer", "language": "en", "themes": ["tourism-culture", "digital-services"],
        "title": "Heritage routes app with audio stories",
        "summary": "An app that guides visitors through museums, churches and archaeological "
                   "sites, with audio stories and augmented reality.",
        "body": "Local historians wrote the stories; the app suggests routes by interest and "
                "time available. Visitors now stay a day longer on average."}),
    (15, "giulia.ferri", "lecce", "Comune di Lecce", {
        "kind": "seek", "language": "it", "themes": ["social-inclusion", "training-skills"],
        "title": "Laboratori digitali per gli anziani",
        "summary": "Cerchiamo un percorso per insegnare agli anziani a usare i servizi online "
                   "del Comune, con volontari e biblioteche.",
        "body": "Molti anziani non riescono a prenotare visite o pagare tributi online: "
                "vorremmo laboratori nelle biblioteche di quartiere con giovani volontari."}),
    (600, "marco.bellini", "bergamo", "Associazione Bergamo Smart City & Community", {
        "kind": "story", "language": "en", "themes": ["safety-emergency", "digital-services"],
        "title": "Recovering from a ransomware attack",
        "summary": "How a town hall restored its systems after a ransomware attack, and the "
                   "backups it keeps now.", "status": "closed",
        "body": "The attack stopped the registry office for a week. Servers were rebuilt, "
                "backups moved offline and an incident response plan written."}),
    (5, "davide.quarta", "lecce",
     "DHITECH S.c.a.r.l. – Distretto Tecnologico High-Tech", {
        "kind": "story", "language": "it", "themes": ["civic-participation", "training-skills"],
        "title": "Una caccia al tesoro digitale per scoprire i servizi del Comune",
        "summary": "Un gioco a squadre nelle scuole superiori ha fatto conoscere ai ragazzi "
                   "l'app del Comune e le segnalazioni di quartiere.",
        "body": "Ogni tappa era un servizio online da provare; 600 studenti hanno giocato e "
                "un terzo usa ancora l'app per le segnalazioni."}),
]

# (interested member, title of the practice, message): a few contacts already made.
INTERESTS = [
    ("giulia.ferri", "Piattaforma di social gaming per la partecipazione civica",
     "Stiamo cercando proprio questo per Lecce: possiamo sentirci?"),
    ("roberto.leo", "Il modello di governance dell'associazione smart city di Bergamo",
     "Ci piacerebbe conoscere lo statuto e il percorso con gli stakeholder."),
    ("anna.valsecchi", "Come abbiamo aperto i dati: la storia del portale open data",
     "Quanto tempo ha richiesto il primo catalogo?"),
]


def _city(slug: str | None) -> City | None:
    return db.session.scalar(select(City).where(City.slug == slug)) if slug else None


def _organisation(name: str | None) -> Organisation | None:
    if not name:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _places() -> None:
    for data in CITIES:
        if _city(data["slug"]) is None:
            db.session.add(City(**data))
    db.session.flush()
    for name, slug in ORGANISATIONS:
        if _organisation(name) is None:
            db.session.add(Organisation(name=name, kind=P, city=_city(slug)))
    db.session.flush()


def _practice(title: str) -> Practice | None:
    return db.session.scalar(select(Practice).where(Practice.title == title))


def _council_members(seed) -> None:
    for username, name, profession, city, joined in COUNCIL_MEMBERS:
        found = user(username)
        if found is None:
            create_account(seed, {
                "username": username, "full_name": name, "profession": profession,
                "organisation": f"Comune di {_city(city).name}", "city": city,
                "joined": joined + 10, "last_login": joined % 9 + 1})
        seed.tally("accounts", created=found is None)


def seed_practices(seed) -> None:
    _places()
    _council_members(seed)
    twinning = db.session.scalar(select(Twinning).where(Twinning.slug == BG_LE))
    for days_ago, username, city, organisation, record in PRACTICES:
        found = _practice(record["title"])
        if found is None:
            data = {**record, "city": _city(city), "organisation": _organisation(organisation)}
            if record["kind"] == "offer" and "governance" in record["themes"] and twinning:
                data["twinning"] = twinning
            services.create_practice(user(username), data, is_example=True,
                                     created_at=seed.now - timedelta(days=days_ago))
        seed.tally("practices", created=found is None)
    for username, title, message in INTERESTS:
        practice, member = _practice(title), user(username)
        if practice is None or member is None:
            continue
        known = db.session.scalar(select(PracticeInterest.id).where(
            PracticeInterest.practice_id == practice.id,
            PracticeInterest.user_id == member.id))
        if known is None:
            # Demo contacts: no mail to the demo authors' made-up addresses.
            services.express_interest(member, practice, message, notify=False)
        seed.tally("practice interests", created=known is None)
