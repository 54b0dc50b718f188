"""`<time datetime>` values the HTML standard accepts (vnu: at most three decimals)."""
from datetime import UTC, date, datetime, timedelta, timezone

from forum.core.i18n import machine_time


def test_whole_seconds_in_utc():
    rome = timezone(timedelta(hours=1))
    assert machine_time(datetime(2026, 12, 3, 14, 9, 57, 598700, tzinfo=rome)) == \
        "2026-12-03T13:09:57Z"
    assert machine_time(datetime(2026, 12, 3, 14, 9, 57, 598700, tzinfo=UTC)) == \
        "2026-12-03T14:09:57Z"


def test_local_times_and_days():
    assert machine_time(datetime(2026, 12, 3, 14, 0, 0, 5)) == "2026-12-03T14:00:00"
    assert machine_time(date(2026, 12, 3)) == "2026-12-03"
    assert machine_time(None) == ""
