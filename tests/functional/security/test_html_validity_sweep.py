"""Every page of the route table, as a visitor and as a member, is valid HTML for the Nu HTML
Checker (vnu, the W3C's validator): 0 errors.

Issue 20 found vnu errors on every signed-in page and 60 public ones (`<time datetime>` with
microseconds, `aria-labelledby` on a plain `div`, headings skipping a level). All pages go to one
vnu run, so the JVM starts once. `make vnu` (part of `make install`) puts the jar in
.venv/vnu from npm's `vnu-jar`; nothing is fetched at run time, and a missing java or jar fails.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.functional.security.pages import html_pages
from tests.functional.security.world import MEMBER, VISITOR

ROOT = Path(__file__).resolve().parents[3]
JAR = Path(os.environ.get("VNU_JAR", ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"))
INSTALL = "run `make vnu` (npm package vnu-jar) and install Java 17+ (apt-get install default-jre)"


def vnu_errors(files: list[Path]) -> list[dict]:
    """vnu's error messages for `files`, in one run of the checker."""
    java = shutil.which("java")
    if java is None or not JAR.is_file():
        pytest.fail(f"Nu HTML Checker unavailable (java: {java}, jar: {JAR}): {INSTALL}",
                    pytrace=False)
    run = subprocess.run([java, "-Xss4m", "-jar", str(JAR), "--errors-only", "--format", "json",
                          "--exit-zero-always", *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    report = json.loads(run.stderr or run.stdout)
    return [m for m in report["messages"] if m["type"] in ("error", "non-document-error")]


def test_the_checker_sees_an_error(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="it"><head><title>x</title></head><body>'
                   '<time datetime="2026-01-01T10:00:00.123456">x</time></body></html>')
    errors = vnu_errors([bad])
    assert any("fraction of a second" in m["message"] for m in errors)


def test_every_page_is_valid_html(app, world, clients, tmp_path):
    files = {}
    # The member first: the visitor's pass opens the mailed links of the world, and confirming
    # the member's change of e-mail ends the member's other sessions, this client's included.
    for role in (MEMBER, VISITOR):
        for number, (url, status, html) in enumerate(html_pages(app, world, clients[role])):
            path = tmp_path / f"{role}-{number}.html"
            path.write_text(html, encoding="utf-8")
            files[path.as_uri()] = f"{role} GET {url} ({status})"
    assert len(files) > 100, "the route table gave too few pages"
    errors = vnu_errors(sorted(Path(uri.removeprefix("file://")) for uri in files))
    lines = sorted(f"{files.get(m.get('url', '').replace('file:/', 'file:///', 1), m.get('url'))}"
                   f" line {m.get('lastLine')}: {m['message']}" for m in errors)
    assert not lines, f"{len(lines)} vnu errors:\n" + "\n".join(lines)
