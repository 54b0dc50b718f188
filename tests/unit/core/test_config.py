"""A wrong or missing setting stops start-up with one clear line, not a traceback."""
import os
import subprocess
import sys

import pytest

from forum.config import ConfigError, normalise_database_url, read_environment

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def _start(env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FORUM_", "DATABASE_URL"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "from forum import create_app; create_app()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"FORUM_ENV": "production", "DATABASE_URL": "sqlite:///:memory:"}, "FORUM_SECRET_KEY"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL"),
        ({"FORUM_MAX_UPLOAD_MB": "ten"}, "FORUM_MAX_UPLOAD_MB"),
        ({"FORUM_ENV": "staging"}, "FORUM_ENV"),
        ({"FORUM_SEARCH_BACKEND": "solr"}, "FORUM_SEARCH_BACKEND"),
    ],
)
def test_bad_settings_stop_start_up_with_one_line(env, expected, tmp_path):
    result = _start(env, tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("Gemellaggi configuration error:") and expected in lines[0]


def test_postgres_urls_use_psycopg_3():
    url = normalise_database_url("postgres://u:p@127.0.0.1/db")
    assert url == "postgresql+psycopg://u:p@127.0.0.1/db"


def test_environment_values_are_converted():
    values = read_environment({"FORUM_MAIL_PORT": "2525", "FORUM_MAIL_USE_TLS": "true"})
    assert values == {"FORUM_MAIL_PORT": 2525, "FORUM_MAIL_USE_TLS": True}
    with pytest.raises(ConfigError):
        read_environment({"FORUM_MAIL_PORT": "x"})
