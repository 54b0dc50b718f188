"""A part of the site that is down answers a translated 503 with Retry-After, never a 500,
and the site recovers by itself when the part is back."""
import socket
import threading

import pytest
from sqlalchemy import make_url

from forum import create_app
from forum.extensions import db
from tests.fixtures.web import text_of

ITALIAN_TITLE = "Temporaneamente non disponibile"
ENGLISH_TITLE = "Temporarily unavailable"


def _app(database_url, tmp_path, **extra):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                       "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "index"),
                       "FORUM_UPLOAD_DIR": str(tmp_path / "uploads"),
                       "WTF_CSRF_ENABLED": False, **extra})


def _assert_unavailable(response, title=ENGLISH_TITLE):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert title in text_of(response)


class Proxy:
    """A TCP forwarder in front of PostgreSQL that can be cut and restored, as a database
    server that stops and starts again looks to the site."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.up = False
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.mark.parametrize("url", ["postgresql+psycopg://root@127.0.0.1:1/none",
                                 "sqlite:////nonexistent-folder/forum.db"],
                         ids=["postgresql", "sqlite"])
def test_an_unreachable_database_answers_a_translated_503(url, tmp_path):
    client = _app(url, tmp_path).test_client()
    _assert_unavailable(client.get("/"), ITALIAN_TITLE)
    _assert_unavailable(client.get("/discussions/1", headers={"Accept-Language": "en"}))
    response = client.post("/auth/login", data={"login": "anna", "password": "x"},
                           headers={"Accept-Language": "en"})
    _assert_unavailable(response)


def test_a_missing_table_is_still_a_bug_not_an_outage(tmp_path):
    # An empty SQLite file: "no such table" is an OperationalError too, but retrying won't help.
    client = _app(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path).test_client()
    with pytest.raises(Exception, match="no such table"):
        client.get("/discussions/1")


def test_redis_down_for_rate_limits_answers_503(tmp_path):
    app = _app(f"sqlite:///{tmp_path / 'forum.db'}", tmp_path, RATELIMIT_ENABLED=True,
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/4")
    with app.app_context():
        db.create_all()
    response = app.test_client().post("/auth/login", data={"login": "anna", "password": "x"},
                                      headers={"Accept-Language": "en"})
    _assert_unavailable(response)


def test_the_site_recovers_by_itself_when_the_database_is_back(fresh_database_url, tmp_path):
    url = make_url(fresh_database_url)
    if url.get_backend_name() == "postgresql":
        proxy = Proxy(url.port or 5432)
        app = _app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False), tmp_path)
        stop, start = proxy.cut, proxy.restore
        with app.app_context():
            db.create_all()
    else:
        # SQLite's outage: the folder holding the database is not there (a volume not mounted).
        folder = tmp_path / "volume"
        app = _app(f"sqlite:///{folder / 'forum.db'}", tmp_path)
        proxy = None

        def stop():
            pass

        def start():
            folder.mkdir()
            with app.app_context():
                db.create_all()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    try:
        if proxy:
            assert client.get("/").status_code == 200
        stop()
        _assert_unavailable(client.get("/"))
        _assert_unavailable(client.get("/discussions/1"))
        start()
        # The same app, not restarted: the pool tests its connections before using them.
        assert client.get("/").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()
        if proxy:
            proxy.close()
