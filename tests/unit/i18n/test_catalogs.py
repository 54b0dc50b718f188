"""Both catalogs are complete, with no fuzzy entry, and not behind the code."""
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("it", "en")


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """A fresh extraction from the code and templates, as `make extract` does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".* venv .venv node_modules",
         "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entry(lang):
    catalog = _catalog(lang)
    bad = [m.id for m in catalog if m.id and (m.fuzzy or not _translated(m))]
    assert bad == [], f"{lang}: {len(bad)} untranslated or fuzzy, e.g. {bad[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_not_behind_the_code(lang, fresh_template):
    catalog = _catalog(lang)
    missing = [m.id for m in fresh_template if m.id and m.id not in catalog]
    assert missing == [], f"{lang}: run `make update-catalogs`; missing {missing[:5]}"


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)
