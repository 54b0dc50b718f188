"""Rebuild it.txt and en.txt: content words in frequency order, one per line, commonest first.

Only needed to regenerate the lists; the benchmark reads the text files and needs nothing else.
Sources: the wordfreq package's frequency lists (CC BY-SA 4.0), kept only when the word is
also in the Debian dictionary (witalian, wamerican: /usr/share/dict), which drops names and
web debris; the words of /work/shared/sources (the project's own Italian pages) are moved
into the top ranks so the generated text talks about smart cities. Stop words are left out:
the generator adds function words itself and the search analysers drop them anyway, so a
rank here is a rank among searchable words.

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq whoosh==2.7.4
    apt-get install witalian wamerican
    /tmp/wf/bin/python bench/wordlist/build.py [--sources /work/shared/sources]
"""
import argparse
import re
from collections import Counter
from pathlib import Path

import wordfreq
from whoosh.lang import stopwords_for_language

HERE = Path(__file__).resolve().parent
SIZE = 25000
DICTIONARIES = {"it": "/usr/share/dict/italian", "en": "/usr/share/dict/american-english"}
WORD = re.compile(r"[a-zàèéìíòóùú]{3,20}")
# Words a public-sector site would rather not print in sample text.
UNWANTED = set("""
sex sexy porn porno fuck fucking shit bitch cazzo merda troia puttana figa stronzo
vaffanculo culo coglione fottuto nigger nigga cock dick pussy whore slut rape
""".split())


def dictionary(lang: str) -> set[str]:
    words = Path(DICTIONARIES[lang]).read_text(encoding="utf-8", errors="ignore").split()
    # Lower-case entries only: capitalised ones are names of people and places.
    return {w for w in words if w == w.lower()}


def source_words(folder: Path) -> list[str]:
    counts = Counter()
    for path in sorted(folder.glob("*.txt")):
        counts.update(WORD.findall(path.read_text(encoding="utf-8").lower()))
    return [w for w, n in counts.most_common() if n >= 2]


def build(lang: str, sources: Path | None) -> list[str]:
    stop = set(stopwords_for_language(lang))
    known = dictionary(lang)
    ranked = [w for w in wordfreq.top_n_list(lang, 200000)
              if WORD.fullmatch(w) and w in known and w not in stop and w not in UNWANTED]
    if lang == "it" and sources:
        # The sources' words take every third place among the first ranks.
        extra = [w for w in source_words(sources) if w not in stop and w not in UNWANTED]
        extra_set = set(extra)
        rest = [w for w in ranked if w not in extra_set]
        merged = []
        while extra or rest:
            if extra and len(merged) % 3 == 2:
                merged.append(extra.pop(0))
            elif rest:
                merged.append(rest.pop(0))
            else:
                merged.append(extra.pop(0))
        ranked = merged
    return ranked[:SIZE]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=Path, default=Path("/work/shared/sources"))
    args = parser.parse_args()
    sources = args.sources if args.sources.is_dir() else None
    for lang in ("it", "en"):
        words = build(lang, sources)
        (HERE / f"{lang}.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
        print(lang, len(words), "words:", " ".join(words[:12]), "…")


if __name__ == "__main__":
    main()
