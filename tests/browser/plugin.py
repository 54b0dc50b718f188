"""End-of-run summary of the browser tests: where the screenshots are, and what axe noted.

The tests run in an xdist worker; the summary is printed by the controller, so the findings
travel through a file (tests.browser.conftest.REPORT). Loaded from the root conftest's
pytest_plugins and from tests/browser/conftest.py; the guard keeps it to one summary.
"""
import time
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
REPORT = ARTIFACTS / "browser-report.txt"


def pytest_configure(config):
    if not hasattr(config, "_browser_started"):
        config._browser_started = time.time()
    # pytest-xdist registers this mark itself; with `-p no:xdist` --strict-markers needs it here.
    config.addinivalue_line("markers", "xdist_group(name): run in one pytest-xdist worker")


def pytest_terminal_summary(terminalreporter, config):
    if getattr(config, "_browser_summary_done", False):
        return
    config._browser_summary_done = True
    # A report older than this run is a previous run's (e.g. the SQLite run before this one).
    if not REPORT.exists() or REPORT.stat().st_mtime < config._browser_started:
        return
    terminalreporter.section("browser tests")
    terminalreporter.write_line(f"screenshots: {SCREENSHOTS}")
    for line in REPORT.read_text(encoding="utf-8").splitlines():
        terminalreporter.write_line(line)
