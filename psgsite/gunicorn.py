"""gunicorn's settings for the web process: `gunicorn -c python:psgsite.gunicorn psgsite.wsgi`.
Each can be changed from the environment (GUNICORN_CMD_ARGS, GUNICORN_HOST, PORT,
WEB_CONCURRENCY, GUNICORN_THREADS)."""

import gc
import os

from psgsite.json_logging import json_logging

# The loopback address only, unless told otherwise: readers come through the proxy, whose
# X-Forwarded-For the site trusts; a platform that routes to the container's own address sets
# GUNICORN_HOST=0.0.0.0.
bind = f"{os.environ.get('GUNICORN_HOST') or '127.0.0.1'}:{os.environ.get('PORT', '8000')}"
# Threads for requests that wait on the database or the mail server; two workers with Redis.
# Without Redis each process has a cache of its own, which would go stale where another process
# changed what it holds (the site's address, say): one worker then, and threads.
workers = int(os.environ.get("WEB_CONCURRENCY", "2" if os.environ.get("REDIS_URL") else "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
# Recycle workers now and then so that slow leaks cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# gunicorn's own lines (its error log and one access line a request) go to standard output as
# JSON, one object a line, like the application's (settings/production.py), so that a log
# collector reads the web process's output as it reads the scheduler's.
accesslog = "-"
errorlog = "-"
logconfig_dict = json_logging({"gunicorn.error": "INFO", "gunicorn.access": "INFO"})
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket (gunicornc): unused here, and every gunicorn of one user would otherwise
# share one socket in the home folder, which may not even be writable in a container.
control_socket_disable = True


def post_worker_init(worker):
    """The worker has loaded the site: its modules, models and settings, most of the objects it
    will ever hold, which live as long as it does. Frozen, the garbage collector's full
    collections no longer walk them every few hundred requests."""
    gc.freeze()
