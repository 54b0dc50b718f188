"""Command-line interface: `flask --app forum …` (DESIGN.md section 5)."""


def register(app) -> None:
    pass
