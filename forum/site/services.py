"""The public pages a crawler should know (the sitemap) and the archive of the running source."""
import io
import tarfile
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.calls.models import Call
from forum.config import ROOT
from forum.core.visibility import visible_to
from forum.discussions.models import Discussion
from forum.discussions.permissions import can_see_discussion
from forum.extensions import db
from forum.places.models import City, Network, Project
from forum.practices.models import Practice
from forum.twinnings.models import Twinning

# The sitemap protocol's limit for one file.
SITEMAP_LIMIT = 50_000
LISTS = ("home.index", "twinnings.index", "places.networks", "places.cities", "practices.index",
         "calls.index", "accounts.members")
# What the archive holds: the code, templates, assets, catalogs and how to build and run them.
SOURCE_PARTS = ("forum", "templates", "static", "translations", "migrations", "scripts",
                "bench", "tests", "LICENSE", "README.md", "setup.cfg", "pyproject.toml",
                "Makefile", "babel.cfg", "wsgi.py", ".ci")
SKIPPED = {"__pycache__", ".mo", ".pyc"}


def public_pages() -> list[tuple[str, dict]]:
    """(endpoint, values) of every page a visitor may see, lists first; the same visibility
    predicates as the pages themselves (a visitor is `None`)."""
    pages = [(endpoint, {}) for endpoint in LISTS]
    pages += [("twinnings.show", {"slug": s}) for s in _column(Twinning.slug, Twinning)]
    pages += [("places.network", {"slug": s}) for s in _column(Network.slug, Network)]
    pages += [("places.city", {"slug": s}) for s in db.session.scalars(
        select(City.slug).order_by(City.id))]
    pages += [("places.project", {"slug": p.city.slug, "project_id": p.id})
              for p in db.session.scalars(select(Project).where(visible_to(Project, None))
                                          .options(joinedload(Project.city))
                                          .order_by(Project.id))]
    pages += [("practices.show", {"practice_id": i}) for i in _column(Practice.id, Practice)]
    pages += [("calls.show", {"call_id": i}) for i in _column(Call.id, Call)]
    discussions = db.session.scalars(select(Discussion).where(visible_to(Discussion, None))
                                     .order_by(Discussion.id).limit(SITEMAP_LIMIT))
    pages += [("discussions.show", {"discussion_id": d.id}) for d in discussions
              if can_see_discussion(None, d)]
    pages += [("accounts.member", {"username": u}) for u in db.session.scalars(
        select(User.username).where(User.listed.is_(True), User.deleted_at.is_(None))
        .order_by(User.id))]
    return pages[:SITEMAP_LIMIT]


def _column(column, model) -> list:
    return list(db.session.scalars(select(column).where(visible_to(model, None))
                                   .order_by(model.id)))


@cache
def source_archive() -> bytes:
    """A .tar.gz of the running code (AGPL-3.0 section 13), built once per process."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for part in SOURCE_PARTS:
            path = ROOT / part
            if path.exists():
                tar.add(path, arcname=f"gemellaggi/{part}", filter=_keep)
    return out.getvalue()


def _keep(info: tarfile.TarInfo):
    name = info.name.rsplit("/", 1)[-1]
    if name in SKIPPED or any(name.endswith(suffix) for suffix in SKIPPED):
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info
