"""Demo discussions: fictional conversations in the Bergamo–Lecce twinning and DigiPlace."""
from datetime import timedelta

from sqlalchemy import select

from forum.discussions import services as discussions
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.seed.accounts import user
from forum.seed.twinnings import BG_LE, DIGIPLACE, _network, _twinning

# (space kind, space slug, title or None for the general discussion, opening post, replies);
# every reply is (username, text). All fictional, written for the demo.
CONVERSATIONS = [
    ("twinning", BG_LE, None, None, [
        ("elena.rota", "A Bergamo il primo passo è stato un tavolo stabile con università, "
                       "imprese e associazioni: una riunione al mese, verbali pubblici."),
        ("luca.mazzotta", "A Lecce stiamo provando lo stesso formato. Quante persone "
                          "partecipavano ai primi tavoli?"),
        ("elena.rota", "Una ventina. Il segreto è avere **un referente per ogni ente** e "
                       "un calendario condiviso."),
    ]),
    ("twinning", BG_LE, "Come coinvolgere le associazioni di categoria nella co-progettazione?",
     ("giulia.ferri", "Nel percorso di trasferimento ci chiediamo come portare commercianti e "
                      "artigiani ai tavoli. Avete esperienze da condividere?"), [
        ("andrea.locatelli", "Abbiamo usato brevi incontri di quartiere, la sera, con un "
                             "questionario online prima dell'incontro."),
        ("francesca.desantis", "Per il distretto urbano del commercio di Lecce potremmo "
                               "partire dalle vie del centro storico."),
        ("marco.bellini", "Posso condividere il modello di convenzione che abbiamo usato "
                          "con le associazioni: lo allego qui la prossima settimana."),
    ]),
    ("network", DIGIPLACE, "Portali open data per le città medie: cosa pubblicare per primo?",
     ("roberto.leo", "Molte città della rete hanno pochi dati pubblicati. Proponiamo un "
                     "elenco minimo comune: bilanci, mobilità, eventi, qualità dell'aria."), [
        ("valentina.greco", "Aggiungerei gli orari degli uffici e i servizi online: sono i "
                            "dati più cercati dai cittadini."),
        ("davide.quarta", "D'accordo. Usare gli stessi formati in tutta la rete permette "
                          "di confrontare le città."),
    ]),
]


def _space(kind: str, slug: str):
    return _twinning(slug) if kind == "twinning" else _network(slug)


def _find(space, title):
    column = Discussion.twinning_id if hasattr(space, "cities") else Discussion.network_id
    query = select(Discussion).where(column == space.id)
    query = query.where(Discussion.is_general.is_(True)) if title is None else query.where(
        Discussion.title == title)
    return db.session.scalar(query)


def seed_discussions(seed) -> None:
    for offset, (kind, slug, title, opening, replies) in enumerate(CONVERSATIONS):
        space = _space(kind, slug)
        if space is None:
            continue
        discussion = _find(space, title)
        created = discussion is None or (title is None and discussion.reply_count == 0)
        if title is not None:
            # A general discussion was counted by the twinning step that opened it.
            seed.tally("discussions", created=discussion is None)
        if discussion is None:
            discussion = discussions.start_discussion(user(opening[0]), space, title, opening[1])
        if created:
            for username, text in replies:
                discussions.reply(user(username), discussion, text)
            _spread_in_time(seed, discussion, days_ago=3 + offset * 4)
        # Every post written, the opening one included (the general discussion has none).
        for _post in range((opening is not None) + len(replies)):
            seed.tally("posts", created=created)


def _spread_in_time(seed, discussion, days_ago: int) -> None:
    """Give the demo posts dates a few hours apart in the past, as a real thread has."""
    posts = db.session.scalars(
        select(Post).where(Post.discussion_id == discussion.id).order_by(Post.number)).all()
    start = seed.now - timedelta(days=days_ago)
    for index, post in enumerate(posts):
        if post.number > 1 or not discussion.is_general:
            post.created_at = start + timedelta(hours=5 * index)
    discussion.created_at = min(discussion.created_at, posts[0].created_at)
    discussions.refresh_counts(discussion)
