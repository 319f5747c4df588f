"""The site as production runs it: gunicorn with the production settings, static files
collected and served by whitenoise, on the test database."""

import functools
import os
import signal
import subprocess
import sys
import urllib.request
from types import SimpleNamespace

import pytest
import requests

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.conftest import free_port, test_database_url, wait_until
from tests.factories import UserFactory
from tests.forms import form_data

SECRET_KEY = "a-production-test-key-that-is-long-and-random-enough-0123456789"
PROCFILE = settings.BASE_DIR / "Procfile"
STAFF_PASSWORD = "a-long-test-password"
# The shared Redis, each suite its own database: the SQLite and PostgreSQL suites run side by
# side (the page cache's and the renditions' tests).
REDIS_URLS = {"sqlite": "redis://127.0.0.1:6379/8", "postgresql": "redis://127.0.0.1:6379/9"}


def production_env(**changes):
    """The environment a production process gets, pointed at the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "psgsite.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": test_database_url(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000",
        # The tests speak plain HTTP to gunicorn, as a load balancer that ends TLS does.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("REDIS_URL", None)
    # Set for the browser tests' own process (tests/browser/conftest.py); never in deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(changes)
    return {key: value for key, value in env.items() if value is not None}


def run_production(*args, **env):
    """A manage.py command under the production settings; returns the finished process."""
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=production_env(**env),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


@functools.cache
def _production_password_hash():
    # Production's hasher is slow by design: one hash serves every user of a test run.
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(STAFF_PASSWORD, hasher.salt())


def staff(username, **fields):
    """A user whose password production's hasher checks (the tests' own is quicker)."""
    user = UserFactory(username=username, **fields)
    user.password = _production_password_hash()
    user.save(update_fields=["password"])
    return user


def log_in(client, server, user):
    """Logs a WebClient in to the admin of `server` through its login form."""
    page = client.get(server.url + "/admin/login/")
    assert page.status == 200, page.status
    data = form_data(page.text, action="/admin/login/")
    data["username"], data["password"] = user.username, STAFF_PASSWORD
    response = client.post(server.url + "/admin/login/", data.urlencode())
    assert response.status == 302, response.text
    assert "sessionid" in client.cookies


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic as a deploy runs it: hashed names and compressed copies."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = run_production("collectstatic", "--noinput", DJANGO_STATIC_ROOT=str(root))
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def start_production_server(transactional_db, static_root, tmp_path):
    """Starts gunicorn with the production settings; call with environment changes. Each server
    is stopped when the test ends. Its output goes to a file (a pipe that no one reads would
    stop the server once full), read with `.output()`."""
    servers = []

    def start(**env):
        port = free_port()
        # A file rather than a pipe that no one reads: with a line logged for every request, a
        # full pipe would stop the server after a few hundred requests.
        log = tmp_path / f"gunicorn-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:psgsite.gunicorn", "psgsite.wsgi"],
                env=production_env(
                    PORT=str(port),
                    WEB_CONCURRENCY="1",
                    DJANGO_STATIC_ROOT=str(static_root),
                    WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
                    **env,
                ),
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = SimpleNamespace(
            url=f"http://127.0.0.1:{port}", port=port, process=process, output=log.read_text
        )
        servers.append(server)

        def answers():
            try:
                with urllib.request.urlopen(server.url + "/health/", timeout=2) as response:  # noqa: S310
                    return response.status == 200
            except OSError:
                return process.poll() is not None

        assert wait_until(answers, timeout=60)
        assert process.poll() is None, server.output()
        return server

    yield start
    for server in servers:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()


def procfile():
    """The Procfile's processes: name -> command."""
    lines = PROCFILE.read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


@pytest.fixture
def spawn(tmp_path, transactional_db, static_root):
    """Starts a web process that need not be healthy (unlike start_production_server): returns
    it once it answers /health/ at all. Its output goes to a file, read with `.output()`."""
    processes = []

    def start(command=None, **env):
        port = free_port()
        log = tmp_path / f"web-{port}.log"
        environment = production_env(
            PORT=str(port),
            WEB_CONCURRENCY="1",
            DJANGO_STATIC_ROOT=str(static_root),
            WAGTAILADMIN_BASE_URL=f"http://127.0.0.1:{port}",
            **env,
        )
        with log.open("w") as out:
            process = subprocess.Popen(
                # A Procfile's line is run by a shell, as a process manager runs it.
                ["sh", "-c", f"exec {command}"]
                if command
                else [sys.executable, "-m", "gunicorn", *procfile()["web"].split()[1:]],
                env=environment,
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                # A group of its own, so that the shell and what it started stop together.
                start_new_session=True,
            )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"

        def answers():
            try:
                requests.get(url + "/health/", timeout=2)
                return True
            except requests.RequestException:
                return process.poll() is not None

        assert wait_until(answers, timeout=60)
        assert process.poll() is None, log.read_text()
        return SimpleNamespace(url=url, port=port, process=process, output=log.read_text)

    yield start
    for process in processes:
        if process.poll() is not None:
            continue
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class RedisServer:
    """A Redis server of a test's own, on a free loopback port, that the test may stop, fill and
    start again (the shared one on 6379 serves other tests meanwhile)."""

    def __init__(self, folder, options):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder = folder
        self.options = options
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.folder), *self.options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        assert wait_until(self.answers, timeout=20), "Redis did not start"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)

    def pause(self):
        """Stopped, not ended: it takes connections and answers nothing, as a hung server does."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def answers(self):
        import redis

        try:
            return self.client().ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis(tmp_path):
    """Starts a Redis server of the test's own with redis-server's options; all are stopped
    when the test ends."""
    servers = []

    def start(*options):
        server = RedisServer(tmp_path, options)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process.poll() is None:
            server.resume()
            server.stop()
