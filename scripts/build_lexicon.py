"""Build forum/search/lexicon/freedict.tsv from Debian's FreeDict Italian-English dictionaries.

    apt-get install dict-freedict-ita-eng dict-freedict-eng-ita   # or apt-get download + dpkg -x
    python3 scripts/build_lexicon.py [--dictd /usr/share/dictd] [--check]

The packages ship dictd databases: `freedict-ita-eng.index` (headword, offset and length in
dictd's base64) and `freedict-ita-eng.dict.dz` (gzip; the entry text). An entry is its
headword line ("abile /ˈabile/") followed by its translations, either one line of
comma-separated words or numbered senses ("1. able, capable", "2. adroit, clever").

The output keeps, for each common (not proper) headword, its translations in the
dictionary's order, senses joined with "|" in order; words are lower-cased. Nothing is
filtered for meaning here: the lexicon (forum/search/lexicon/__init__.py) decides what it
trusts, and exclude.tsv lists the dictionary's wrong senses. `--check` rebuilds in memory and
exits 1 when the committed file differs (the file is reproducible from the packages).
"""
import argparse
import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "forum" / "search" / "lexicon" / "freedict.tsv"
DIRECTIONS = (("ita-eng", "it"), ("eng-ita", "en"))
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
SENSE = re.compile(r"^\d+\.\s+")
# A usable word or phrase: letters (accented too), apostrophes, hyphens and spaces.
WORDS = re.compile(r"^[a-zà-öø-ÿ][a-zà-öø-ÿ' -]*$")
MAX_WORDS = 3


def b64(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + B64.index(char)
    return value


def entries(dictd: Path, name: str):
    """(headword, [sense, ...]) with each sense a list of translations, in file order."""
    data = gzip.decompress((dictd / f"freedict-{name}.dict.dz").read_bytes())
    for line in (dictd / f"freedict-{name}.index").read_text(encoding="utf-8").splitlines():
        headword, offset, length = line.split("\t")
        if headword.startswith("00database"):
            continue
        start, size = b64(offset), b64(length)
        text = data[start:start + size].decode("utf-8")
        lines = [x.strip() for x in text.splitlines() if x.strip()]
        senses = [[t.strip() for t in SENSE.sub("", x).split(",") if t.strip()]
                  for x in lines[1:]]
        yield headword, senses


def usable(term: str) -> bool:
    return bool(WORDS.match(term)) and len(term.split()) <= MAX_WORDS and len(term) > 1


def build(dictd: Path, edition: dict[str, str]) -> str:
    out = [
        "# FreeDict Italian-English and English-Italian dictionaries, as used by the lexicon.",
        "# Copyright (C) 1999-2022 FreeDict contributors; GNU GPL version 2 or later.",
        "# Source: Debian packages dict-freedict-ita-eng and dict-freedict-eng-ita "
        f"({edition.get('ita-eng', '?')}, {edition.get('eng-ita', '?')}).",
        "# Built by scripts/build_lexicon.py; do not edit (see exclude.tsv to drop a sense).",
        "# language<TAB>headword<TAB>translations, senses separated by |, in dictionary order",
    ]
    rows = set()
    for name, lang in DIRECTIONS:
        for headword, senses in entries(dictd, name):
            # Capitalised headwords are names of places and people (Abissinia, Achille).
            if headword[:1].isupper() or not usable(headword.lower()):
                continue
            kept = []
            for sense in senses:
                for term in sense:
                    term = term.lower()
                    if usable(term) and term != headword and term not in kept:
                        kept.append(term)
            if kept:
                rows.add(f"{lang}\t{headword}\t{'|'.join(kept)}")
    return "\n".join(out + sorted(rows)) + "\n"


def editions(dictd: Path) -> dict[str, str]:
    """The edition line of each database ("Italian-English FreeDict Dictionary ver. 0.2")."""
    found = {}
    for name, _lang in DIRECTIONS:
        data = gzip.decompress((dictd / f"freedict-{name}.dict.dz").read_bytes())
        for line in (dictd / f"freedict-{name}.index").read_text(encoding="utf-8").splitlines():
            headword, offset, length = line.split("\t")
            if headword == "00databaseshort":
                text = data[b64(offset):b64(offset) + b64(length)].decode("utf-8")
                found[name] = text.strip().splitlines()[-1].strip()
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dictd", type=Path, default=Path("/usr/share/dictd"))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed file differs from a fresh build")
    args = parser.parse_args(argv)
    missing = [n for n, _ in DIRECTIONS if not (args.dictd / f"freedict-{n}.index").exists()]
    if missing:
        print(f"FreeDict databases missing in {args.dictd}: {', '.join(missing)} "
              "(apt-get install dict-freedict-ita-eng dict-freedict-eng-ita)", file=sys.stderr)
        return 2
    text = build(args.dictd, editions(args.dictd))
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == text
        print("lexicon data up to date" if same else f"{args.output} differs from a fresh build")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({text.count(chr(10)) - 5} headwords)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
