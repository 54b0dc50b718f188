"""The extraction reaches every template that marks text: Babel cannot skip one in silence.

Babel's Jinja extractor drops a template it cannot parse (an extension the app enables but
babel.cfg omits, a syntax error) without a word unless `silent = false`; the catalogs then look
complete while that template's text was never extracted (issue 20: the practices and twinnings
lists were all English on the Italian site because `jinja2.ext.do` was missing).
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MARKED = re.compile(r"\b_\(|\bgettext\(|\bngettext\(|{%-?\s*trans\b")


def extract(root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".* venv .venv node_modules",
         "-o", str(out), "."],
        cwd=root, capture_output=True, text=True,
    )


def skipped_templates(root: Path, pot: Path) -> list[str]:
    """Templates whose source marks text for translation but that gave the extraction nothing."""
    located = re.findall(r"^#: (.*)$", pot.read_text(encoding="utf-8"), re.M)
    extracted = {loc.rsplit(":", 1)[0] for line in located for loc in line.split()}
    marked = [
        str(path.relative_to(root)) for path in sorted((root / "templates").glob("**/*"))
        if path.is_file() and path.suffix in (".html", ".txt")
        and MARKED.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    return [rel for rel in marked if rel not in extracted]


def test_every_template_that_marks_text_gives_messages(tmp_path):
    run = extract(ROOT, tmp_path / "messages.pot")
    assert run.returncode == 0, f"pybabel extract failed: {run.stderr.strip()[-300:]}"
    assert skipped_templates(ROOT, tmp_path / "messages.pot") == []


@pytest.fixture
def sandbox(tmp_path):
    """The project's babel.cfg over a small templates folder of our own."""
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "forum").mkdir()
    (tmp_path / "templates" / "x").mkdir(parents=True)
    return tmp_path


def test_a_template_using_do_is_extracted(sandbox):
    page = sandbox / "templates" / "x" / "do.html"
    page.write_text('{% set a = [] %}{% do a.append(1) %}<p>{{ _("Any status") }}</p>\n')
    run = extract(sandbox, sandbox / "out.pot")
    assert run.returncode == 0, run.stderr
    assert skipped_templates(sandbox, sandbox / "out.pot") == []
    assert 'msgid "Any status"' in (sandbox / "out.pot").read_text()


def test_a_template_babel_cannot_parse_fails_the_extraction(sandbox):
    (sandbox / "templates" / "x" / "broken.html").write_text('{% if %}{{ _("Words") }}\n')
    run = extract(sandbox, sandbox / "out.pot")
    assert run.returncode != 0
    assert "TemplateSyntaxError" in run.stderr and "broken.html" in run.stderr
