"""Fill empty msgstrs of a catalog from a Python file holding a dict `T` {msgid: msgstr};
a plural entry is keyed and filled by tuples.

Usage: python scripts/fill_catalog.py translations/it/LC_MESSAGES/messages.po FILE.py
A helper for translators working in batches; it never overwrites a translation.
"""
import runpy
import sys

from babel.messages.pofile import read_po, write_po


def main(path: str, source: str) -> None:
    table = runpy.run_path(source)["T"]
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        key = tuple(message.id) if message.pluralizable else message.id
        empty = not all(message.string) if message.pluralizable else not message.string
        if message.id and empty and key in table:
            message.string = table[key]
            message.flags.discard("fuzzy")
            filled += 1
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True,
                 include_lineno=False)
    print(f"{path}: {filled} entries filled")


if __name__ == "__main__":
    main(*sys.argv[1:3])
