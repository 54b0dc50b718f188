"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (README, "Deploying").

Every value can be changed from the environment, so one file serves a laptop and a VM.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:"
                                       f"{os.environ.get('PORT', '8000')}")
# Sync workers: each page is CPU-bound Python, so more workers than twice the cores only
# adds memory. WEB_CONCURRENCY is the name most platforms set.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (the jitter keeps them from all restarting
# at once), which bounds whatever a long-lived process accumulates.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Load the app once in the master: workers share its memory pages (copy on write) and a
# broken configuration stops start-up before any worker is forked.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
# GUNICORN_ACCESS_LOG="" turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# Client address, request line, status, bytes, referrer, user agent and time in ms.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_fork(server, worker):
    """Each worker opens its own database connections: none inherited from the master."""
    app = getattr(_wsgi(), "app", None)
    if app is None:
        return
    from forum.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)


def _wsgi():
    import sys

    return sys.modules.get("wsgi")
