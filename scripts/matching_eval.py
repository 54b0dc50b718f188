"""Precision of practice matching on tests/fixtures/practices_matching.json, without a database.

    .venv/bin/python scripts/matching_eval.py [--verbose]

Each record is analysed as the importer would store it, every published practice is in the
corpus, and each expectation's practice is ranked against the kinds it is matched with
(requests against offers and stories, offers and stories against requests), as
`forum.practices.services.suggestions_for` does. Prints precision at 1, 2 and 3 (the
intended answer first, in the first two, in the first three) per kind of pair.
"""
import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "practices_matching.json"
TARGETS = {"seek": {"offer", "story"}, "offer": {"seek"}, "story": {"seek"}}


def ranked(records: dict, key: str) -> list[str]:
    from forum.practices import matching

    ids = {k: i for i, k in enumerate(records, 1)}
    candidates = {k: matching.Candidate(
        ids[k], r["kind"], "open", r.get("themes", []),
        matching.practice_terms(r["title"], r.get("summary", ""), r.get("body", ""),
                                r["language"]), r["language"]) for k, r in records.items()}
    keys = {c.id: k for k, c in candidates.items()}
    corpus = matching.Corpus(candidates.values())
    subject = candidates[key]
    others = [c for c in candidates.values() if c.kind in TARGETS[subject.kind]]
    return [keys[s.id] for s in matching.rank(subject, others, corpus, limit=5)]


def first_right(order: list[str], expectation: dict) -> int:
    """1-based rank of the first right answer (the intended one or one `also_right`)."""
    right = {expectation["intended"], *expectation.get("also_right", ())}
    return next((i for i, key in enumerate(order, 1) if key in right), 99)


def evaluate(verbose: bool = False) -> dict[str, dict[str, float]]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    records = data["records"]
    expectations = [(e["seek"], e) for e in data["expectations"]] + \
        [(e["offer"], e) for e in data["offer_expectations"]]
    hits: dict[str, list[int]] = defaultdict(list)
    for key, e in expectations:
        order = ranked(records, key)
        rank = first_right(order, e)
        for group in (e.get("pair", "same-language"), "all"):
            hits[group].append(rank)
        if verbose:
            print(f"{rank:>3}  {key:<26} -> {e['intended']:<26} {order[:3]}")
    return {group: {f"p@{n}": sum(r <= n for r in ranks) / len(ranks) for n in (1, 2, 3)}
            | {"pairs": len(ranks)} for group, ranks in sorted(hits.items())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    for group, figures in evaluate(args.verbose).items():
        print(f"{group:<15} pairs {figures['pairs']:>3}  " + "  ".join(
            f"{k} {v:.2f}" for k, v in figures.items() if k != "pairs"))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
