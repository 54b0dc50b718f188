"""The bilingual lexicon: pairs that must meet, senses that must stay apart, the build."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from forum.search import lexicon

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = json.loads((ROOT / "tests" / "fixtures" / "lexicon_pairs.json")
                     .read_text(encoding="utf-8"))
DICTD = Path("/usr/share/dictd")


def concepts(text: str, language: str) -> set[str]:
    return {r.concept.key for r in lexicon.get().read(text, language) if r.concept}


def test_the_fixture_has_enough_pairs():
    assert len(FIXTURE["same"]) >= 30


@pytest.mark.parametrize("italian,english", FIXTURE["same"], ids=lambda v: v)
def test_italian_and_english_meet(italian, english):
    assert concepts(italian, "it") & concepts(english, "en"), (italian, english)


@pytest.mark.parametrize("a,lang_a,b,lang_b,why", FIXTURE["apart"], ids=lambda v: v)
def test_senses_stay_apart(a, lang_a, b, lang_b, why):
    assert not concepts(a, lang_a) & concepts(b, lang_b), why


@pytest.mark.parametrize("word,lang", FIXTURE["no_concept"], ids=lambda v: v)
def test_ambiguous_or_vague_words_alone_have_no_concept(word, lang):
    assert lexicon.get().concept_of(word, lang) is None


def test_a_phrase_is_read_before_its_words():
    readings = lexicon.get().read("la protezione civile e la protezione dei dati", "it")
    assert [r.concept.key for r in readings if r.concept] == ["civil-protection",
                                                              "data-protection"]


def test_inflections_meet_and_the_word_is_kept_as_written():
    readings = lexicon.get().read("Lampione guasto, lampioni spenti", "it")
    lamps = [r for r in readings if r.concept and r.concept.key == "street-lighting"]
    assert [r.word for r in lamps] == ["lampione", "lampioni"]


def test_weak_words_are_dropped_only_when_asked():
    text = "prima delle ore nove, in ufficio"
    assert "prima" in {r.word for r in lexicon.get().read(text, "it")}
    assert not {"prima", "ore"} & {r.word for r in lexicon.get().read(text, "it",
                                                                      drop_weak=True)}


def test_translations_give_the_other_language_first():
    found = lexicon.get().translations("street lighting")
    assert found[0][1] == "it"
    assert ("illuminazione pubblica", "it") in found
    assert all(term != "street lighting" for term, _lang in found)
    assert lexicon.get().translations("ornitorinco") == []


def test_freedict_words_outside_the_domain_are_bridged():
    # from the dictionary, not from domain.tsv
    concept = lexicon.get().concept_of("villaggio", "it")
    assert concept is not None and concept.source == "freedict"
    assert "village" in concept.terms["en"]


def test_the_domain_data_is_well_formed():
    keys = [c.key for c in lexicon.domain_concepts()]
    assert len(keys) == len(set(keys))
    for concept in lexicon.domain_concepts():
        assert concept.terms["it"] and concept.terms["en"], concept.key


@pytest.mark.skipif(not (DICTD / "freedict-ita-eng.index").exists(),
                    reason="FreeDict packages not installed (make lexicon-deps)")
def test_the_build_script_reproduces_the_committed_data():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_lexicon.py"),
                           "--check", "--dictd", str(DICTD)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_version_follows_the_data_files(monkeypatch, tmp_path):
    real = lexicon.version()
    for name in lexicon.DATA_FILES:
        (tmp_path / name).write_bytes((lexicon.HERE / name).read_bytes())
    monkeypatch.setattr(lexicon, "HERE", tmp_path)
    lexicon.version.cache_clear()
    try:
        same = lexicon.version()
        with (tmp_path / "weak.txt").open("a", encoding="utf-8") as weak:
            weak.write("\nsomething\n")
        lexicon.version.cache_clear()
        changed = lexicon.version()
    finally:
        lexicon.version.cache_clear()
    assert same == real and len(same) == 16 and changed != same
