"""A git merge driver for gettext catalogs: the union of both sides' messages.

Catalogs are sorted, so two branches that each add messages conflict on neighbouring lines
although nothing really disagrees. This driver keeps every message of either side; where both
translate the same msgid differently it keeps ours and reports the conflict (exit 1), so git
leaves the file for a person to look at.

Set up once per clone (the Makefile's `install` does it):
    git config merge.pomerge.driver "python3 scripts/po_merge.py %O %A %B"
and `.gitattributes` names the files.
Usage: python scripts/po_merge.py BASE OURS THEIRS   (writes the union into OURS)
"""
import sys

from babel.messages.pofile import read_po, write_po


def _read(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and "fuzzy" not in message.flags


def merge(base_path: str, ours_path: str, theirs_path: str) -> int:
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    disagreements = 0
    for message in theirs:
        if not message.id:
            continue
        key = message.id if not message.context else (message.id, message.context)
        mine = ours.get(message.id, message.context)
        if mine is None:
            # Dropped on our side since the base: keep it dropped.
            if base.get(message.id, message.context) is not None:
                continue
            ours[message.id] = message
            continue
        if not _translated(mine) and _translated(message):
            mine.string, mine.flags = message.string, message.flags
        elif _translated(mine) and _translated(message) and mine.string != message.string:
            old = base.get(message.id, message.context)
            if old is not None and old.string == mine.string:
                mine.string = message.string
            elif old is None or old.string != message.string:
                print(f"po_merge: both sides translate {key!r} differently", file=sys.stderr)
                disagreements += 1
        for location in message.auto_comments:
            if location not in mine.auto_comments:
                mine.auto_comments.append(location)
    with open(ours_path, "wb") as handle:
        write_po(handle, ours, width=100, omit_header=False, sort_output=True,
                 include_lineno=False)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(merge(*sys.argv[1:4]))
