"""The site as wsgi.py builds it, for bench/load.py: the load test sets the rate limits for
64 members signing in from one address through FORUM_RATELIMIT_LOGIN / FORUM_RATELIMIT_POST.
Until those settings are read from the environment by forum.config itself, this reads them."""
from forum import config

for _name in ("FORUM_RATELIMIT_LOGIN", "FORUM_RATELIMIT_POST"):
    config.ENV_SETTINGS.setdefault(_name, str)

from forum import create_app  # noqa: E402

app = create_app()
