"""gunicorn's settings for the web process: `gunicorn -c python:psgsite.gunicorn psgsite.wsgi`.
Each can be changed from the environment (GUNICORN_CMD_ARGS, WEB_CONCURRENCY, PORT)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Two workers a core, with threads for requests that wait on the database or the mail server.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 30
# Recycle workers now and then so that slow leaks cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
