"""Front-end assets: everything the layout links is served, fonts exist, the CSP stays strict."""
import re
from pathlib import Path
from urllib.parse import urlsplit

from forum.config import ROOT
from tests.fixtures.web import page

STATIC = ROOT / "static"
FONTS_CSS = STATIC / "css" / "fonts.css"


def _local_asset_urls(soup) -> set[str]:
    urls = {link["href"] for link in soup.find_all("link", href=True)}
    urls |= {script["src"] for script in soup.find_all("script", src=True)}
    urls |= {use["href"].split("#")[0] for use in soup.find_all("use", href=True)}
    return {u for u in urls if u.startswith("/static/")}


def _paths(urls) -> set[str]:
    return {urlsplit(u).path for u in urls}


def test_every_asset_linked_from_the_layout_is_served(client, make_user, login):
    soup = page(client.get("/"))
    urls = _local_asset_urls(soup)
    # The stylesheets, Popper, the components' module, our scripts and the icon sprite.
    paths = _paths(urls)
    assert any(u.endswith("bootstrap-italia.min.css") for u in paths)
    assert any(u.endswith("fonts.css") for u in paths)
    assert any(u.endswith("popper.min.js") for u in paths)
    assert any(u.endswith("js/components.js") for u in paths)
    assert any(u.endswith("sprites.svg") for u in paths)
    login(make_user("asset-check", role="admin"))
    urls |= _local_asset_urls(page(client.get("/")))
    for url in sorted(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content_length or response.get_data(), url
        response.close()


def test_scripts_and_styles_have_the_right_content_type(client):
    soup = page(client.get("/"))
    for script in soup.find_all("script", src=True):
        response = client.get(script["src"])
        assert "javascript" in response.content_type, script["src"]
        response.close()
    for link in soup.find_all("link", rel="stylesheet"):
        response = client.get(link["href"])
        assert response.content_type.startswith("text/css"), link["href"]
        response.close()


def _font_urls() -> list[str]:
    return re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", FONTS_CSS.read_text())


def test_fonts_stylesheet_points_at_vendored_files(client):
    urls = _font_urls()
    # Titillium Web (8 styles), Lora (4) and Roboto Mono (4), each as woff2 and woff.
    assert len(urls) == 32
    families = set(re.findall(r"font-family: '([^']+)'", FONTS_CSS.read_text()))
    assert families == {"Titillium Web", "Lora", "Roboto Mono"}
    for url in urls:
        target = (FONTS_CSS.parent / url).resolve()
        assert target.is_file(), url
        assert STATIC.resolve() in target.parents, url
        served = client.get("/static/" + target.relative_to(STATIC.resolve()).as_posix())
        assert served.status_code == 200, url
        served.close()


def test_no_asset_comes_from_another_site(client):
    soup = page(client.get("/"))
    # rel=canonical and hreflang alternates name pages, not resources the browser loads.
    addresses = {"canonical", "alternate"}
    external = [u for u in _local_asset_urls(soup) | {
        tag.get("href") or tag.get("src") for tag in soup.find_all(["link", "script", "img"])
        if not addresses & set(tag.get("rel") or ())
    } if u and urlsplit(u).netloc]
    assert external == []


def test_csp_forbids_inline_script_and_style(client):
    for url in ("/", "/privacy", "/static/css/site.css", "/nowhere"):
        with client.get(url) as response:  # closed: a static file holds its file open
            csp = response.headers["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
        )
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]


def test_vendor_readme_names_the_version_actually_vendored():
    readme = (STATIC / "vendor" / "README.md").read_text()
    assert "bootstrap-italia" in readme and "BSD-3-Clause" in readme
    version = re.search(r"Version: \*\*(\d+\.\d+\.\d+)\*\*", readme).group(1)
    assert version.startswith("2.")
    vendored = (STATIC / "vendor/bootstrap-italia/plugins/version.js").read_text()
    assert f"'{version}'" in vendored, "static/vendor/README.md is behind the vendored files"
    assert Path(STATIC / "vendor/bootstrap-italia/LICENSE").is_file()


def _module_imports(path: Path) -> list[str]:
    return re.findall(r"^import (?:[^'\"]+ from )?['\"]([^'\"]+)['\"]", path.read_text(),
                      re.M)


def test_every_module_the_components_import_is_vendored_and_served(client):
    """The Bootstrap Italia parts are ES modules: each import is a relative file that is
    there (no bare package name, which a browser cannot resolve), and served as JavaScript."""
    todo, seen = [STATIC / "js" / "components.js"], set()
    while todo:
        path = todo.pop().resolve()
        if path in seen:
            continue
        seen.add(path)
        for target in _module_imports(path):
            assert target.startswith("."), f"{path.name} imports {target!r}"
            todo.append(path.parent / target)
    assert len(seen) > 10
    for path in sorted(seen):
        assert path.is_file(), path
        response = client.get("/static/" + path.relative_to(STATIC.resolve()).as_posix())
        assert response.status_code == 200 and "javascript" in response.content_type, path
        response.close()


def test_preloaded_fonts_are_the_stylesheets_own(client):
    """A preload whose address differs from the stylesheet's (a ?v= added, a renamed file)
    downloads each font twice; one that names no file is a 404 on every page."""
    soup = page(client.get("/"))
    preloads = [link["href"] for link in soup.find_all("link", rel="preload")
                if link.get("as") == "font"]
    assert len(preloads) >= 3
    named = {"/static/" + (FONTS_CSS.parent / url).resolve().relative_to(STATIC.resolve())
             .as_posix() for url in _font_urls()}
    for href in preloads:
        assert href in named, href
        assert client.get(href).status_code == 200, href
