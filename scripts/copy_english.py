"""Fill the English catalog: msgids are English, so an empty English entry takes its msgid.

Usage: python scripts/copy_english.py translations/en/LC_MESSAGES/messages.po
"""
import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            if not all(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True,
                 include_lineno=False)
    print(f"{path}: {filled} English entries filled from their msgids")


if __name__ == "__main__":
    main(sys.argv[1])
