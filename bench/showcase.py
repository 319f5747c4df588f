"""The site with its day-one content, served as production serves it (gunicorn, the production
settings, whitenoise with the hashed static manifest) on a SQLite database of its own, for the
Lighthouse audit (bench/lighthouse.py) and the README's screenshots (design/screenshots.py)."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from bench.run import wait_for_health

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".local" / "showcase"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "psgsite.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{STATE / 'db.sqlite3'}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback, as behind a proxy that ends TLS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(STATE / "static"),
        "DJANGO_MEDIA_ROOT": str(STATE / "media"),
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args):
    with (STATE / "build.log").open("a") as log:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=log,
            stderr=log,
        )


@contextmanager
def served_site():
    """Yields the address of a freshly built site; stops it on leaving."""
    shutil.rmtree(STATE, ignore_errors=True)
    STATE.mkdir(parents=True)
    port = free_port()
    env = environment(port)
    print("==> Building the site's database and static files in", STATE, flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_site_content")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    log_path = STATE / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:psgsite.gunicorn", "psgsite.wsgi"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            address = f"http://127.0.0.1:{port}"
            wait_for_health(process, port, log_path)
            yield address
        finally:
            process.terminate()
            process.wait(timeout=30)


def page_paths(address):
    """The paths of the pages worth showing: the home page and one of each kind of page, and the
    Spanish home, about and join pages."""
    env = environment(address.rsplit(":", 1)[1])
    script = (
        "from news.models import NewsPage, EventPage, NewsIndexPage\n"
        "from about.models import AboutPage\n"
        "from membership.models import JoinPage\n"
        "from home.models import HomePage\n"
        "from wagtail.models import Locale\n"
        "english = Locale.get_default()\n"
        "index = NewsIndexPage.objects.live().filter(locale=english).first()\n"
        "article = NewsPage.objects.live().public().exclude(body=[]).order_by('-date').first()\n"
        "for name, page in [('news-index', index), ('article', article),"
        " ('event', EventPage.objects.live().order_by('-date').first()),"
        " ('about', AboutPage.objects.live().filter(locale=english).first()),"
        " ('join', JoinPage.objects.live().filter(locale=english).first())]:\n"
        "    print(name, page.url)\n"
        "print('events', index.url + index.reverse_subpage('upcoming_events'))\n"
        # The Spanish pages of day one, where the site has them.
        "spanish = [('home-es', HomePage), ('about-es', AboutPage), ('join-es', JoinPage)]\n"
        "for name, model in spanish:\n"
        "    page = model.objects.live().exclude(locale=english).first()\n"
        "    if page is not None:\n"
        "        print(name, page.url)\n"
    )
    output = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    paths = {"home": "/"}
    paths.update(line.split(" ", 1) for line in output.splitlines() if line.strip())
    paths["search"] = "/search/?q=mining"
    paths["alerts"] = "/alerts/"
    return paths
