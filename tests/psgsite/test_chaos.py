"""Chaos: under steady load on two app servers, the shared cache (Redis) is away for ten seconds
and comes back, then the database (PostgreSQL) restarts. Readers and applicants meet no server
error while Redis is down, errors only while the database is, and the site recovers by itself;
no membership application and no email is lost. The Redis and PostgreSQL servers here are the
test's own, so that stopping them disturbs no other test run."""

import collections
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

from django.db import connection
from django.test import override_settings

from tests.conftest import Inbox, free_port, wait_until
from tests.membership.conftest import SECRETARY, application_data
from tests.psgsite.conftest import SECRET_KEY, run_production
from tests.psgsite.web_client import WebClient

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Runs once per `make test`, in the PostgreSQL suite: it starts a PostgreSQL and a "
    "Redis server of its own, whatever the suite's database",
)

PHASES = ["warm-up", "Redis down", "Redis back", "PostgreSQL restart", "recovery"]
REDIS_DOWN_SECONDS = 10
# Bounds on the load, whatever happens: requests per reader thread, applications in all.
READERS = 3
MAX_READS = 3000
MAX_APPLICATIONS = 300
# Pauses that keep the load steady without taking every core from the servers.
READ_PAUSE = 0.05
APPLICATION_PAUSE = 0.3
NO_ANSWER = "no answer"


# The test's own servers ------------------------------------------------------------------------


def postgres_bin():
    versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda path: int(path.name))
    return versions[-1] / "bin"


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, on a free loopback port. PostgreSQL will
    not run as root: as root, its programs run as the postgres user, who owns the directory."""

    def __init__(self, directory):
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/psgsite"

    def run(self, program, *args, check=True):
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*as_postgres, str(postgres_bin() / program), *map(str, args)],
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            log = self.directory / "postgres.log"
            pytest.fail(
                f"{program} failed: {result.stdout}{result.stderr}"
                f"{log.read_text() if log.exists() else ''}"
            )
        return result

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "psgsite")

    def start(self):
        # Durability is not under test: no fsync, so that the migrations wait on no busy disk.
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            *("pg_ctl", "start", "--wait", "-D", self.data),
            *("-l", self.directory / "postgres.log", "-o", options),
        )

    def stop(self):
        self.run("pg_ctl", "stop", "--wait", "-m", "fast", "-D", self.data)

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "stop", "--wait", "-m", "immediate", "-D", self.data, check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def private_postgres():
    # Not pytest's tmp_path: the postgres user cannot enter root's private folder.
    server = PrivatePostgres(Path(tempfile.mkdtemp(prefix="psg-chaos-")))
    try:
        server.create()
        yield server
    finally:
        server.remove()


@pytest.fixture
def mail_sink():
    """A real SMTP server on loopback that keeps every message it is given."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SimpleNamespace(port=controller.port, messages=inbox.messages)
    controller.stop()


# The load -------------------------------------------------------------------------------------


@dataclass
class Result:
    phase: str
    server: int
    what: str  # a page's path, or "apply" for an application's POST
    outcome: object  # the status, or NO_ANSWER
    detail: str = ""  # the email of an application; what /health/ said of the cache


class Load:
    """Readers going round the pages of both servers, and applicants sending the join form, each
    answer recorded with the phase in which its request was sent."""

    def __init__(self, servers, pages, join, application):
        self.servers, self.pages, self.join, self.application = servers, pages, join, application
        self.phase = PHASES[0]
        self.results = []
        self.in_flight = collections.Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.failures = []
        self.threads = [
            threading.Thread(target=self.guarded, args=(self.read, n)) for n in range(READERS)
        ]
        self.threads.append(threading.Thread(target=self.guarded, args=(self.apply,)))

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)
        assert not self.failures, self.failures

    def enter(self, phase):
        """Starts a phase once every request sent in the one before has its answer, so that
        what is done next (a server stopped, say) falls in the new phase only."""
        with self.lock:
            previous, self.phase = self.phase, phase
        assert wait_until(lambda: not self.in_flight[previous], timeout=60, step=0.05)

    def guarded(self, work, *args):
        try:
            work(*args)
        except Exception as error:  # a broken harness, reported by stop()
            self.failures.append(repr(error))
            raise

    def request(self, client, method, server, path, what=None, **kwargs):
        with self.lock:
            phase = self.phase
            self.in_flight[phase] += 1
        try:
            response = client.request(method, self.servers[server].url + path, **kwargs)
            outcome = response.status
        except OSError:
            response, outcome = None, NO_ANSWER
        finally:
            with self.lock:
                self.in_flight[phase] -= 1
        result = Result(phase, server, what or path, outcome)
        self.results.append(result)
        return result, response

    def read(self, offset):
        client = WebClient()
        for n in range(offset, offset + MAX_READS):
            if self.stopping.is_set():
                return
            path = self.pages[n % len(self.pages)]
            result, response = self.request(client, "GET", (n // len(self.pages)) % 2, path)
            if path == "/health/" and response is not None:
                result.detail = health_of_cache(response)
            time.sleep(READ_PAUSE)

    def apply(self):
        for n in range(MAX_APPLICATIONS):
            if self.stopping.is_set():
                return
            # A visitor gets the form from one server and the load balancer sends it to the other.
            client = WebClient()
            _, form = self.request(client, "GET", n % 2, self.join)
            if form is not None and form.status == 200:
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
                email = f"applicant-{n}@example.org"
                data = {**self.application, "email": email, "csrfmiddlewaretoken": token}
                result, thanks = self.request(
                    client, "POST", (n + 1) % 2, self.join, "apply", data=data
                )
                result.detail = email
                if result.outcome == 302:
                    self.request(client, "GET", (n + 1) % 2, thanks.location, "thanks")
            time.sleep(APPLICATION_PAUSE)

    # What was seen

    def seen(self, phase, outcome=None, what=None):
        return [
            r
            for r in self.results
            if r.phase == phase
            and (outcome is None or r.outcome == outcome)
            and (what is None or r.what == what)
        ]

    def every_page_answered(self, phase):
        """Each page from each server has answered 200 in the phase, and an application has been
        thanked by each."""
        answered = {(r.server, r.what) for r in self.seen(phase, 200)}
        thanked = {r.server for r in self.seen(phase, 302, "apply")}
        pages = {(server, path) for server in (0, 1) for path in self.pages}
        return pages <= answered and thanked == {0, 1}

    def table(self):
        outcomes = sorted({r.outcome for r in self.results}, key=str)
        counts = collections.Counter((r.phase, r.outcome) for r in self.results)
        applied = collections.Counter(r.phase for r in self.results if r.what == "apply")
        thanked = collections.Counter(
            r.phase for r in self.results if r.what == "apply" and r.outcome == 302
        )
        header = ["phase", *map(str, outcomes), "applications", "thanked"]
        rows = [
            [
                phase,
                *(str(counts[phase, outcome]) for outcome in outcomes),
                str(applied[phase]),
                str(thanked[phase]),
            ]
            for phase in PHASES
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            for row in [header, *rows]
        )


def health_of_cache(response):
    try:
        return json.loads(response.content).get("cache", "")
    except ValueError:
        return ""


def failed(result):
    return result.outcome == NO_ANSWER or result.outcome >= 500


def describe(failures, servers):
    """The failed answers counted by phase, page and status, and what the servers logged."""
    counts = collections.Counter((r.phase, r.server, r.what, r.outcome) for r in failures)
    lines = [
        f"{n} x {phase}: server {server} {what} -> {out}"
        for (phase, server, what, out), n in counts.items()
    ]
    errors = collections.Counter()
    for n, server in enumerate(servers):
        for line in server.output().splitlines():
            if '"level": "ERROR"' in line:
                record = json.loads(line)
                # The last line of a traceback says what was raised.
                raised = record.get("exc_info", "").strip().splitlines()[-1:]
                errors[n, record["message"], *raised] += 1
    lines += [
        f"{count} x logged by server {n}: {' / '.join(what)}"
        for (n, *what), count in errors.items()
    ]
    return "\n".join(lines[:40])


# The database's side ---------------------------------------------------------------------------

PREPARE = f"""
import json
from wagtail.models import Site
from home.models import SiteSettings
from membership.models import JoinPage, MembershipType
from news.models import NewsPage

site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
site_settings.email = "info@example.org"
site_settings.membership_email = "{SECRETARY}"
site_settings.save()
kind = MembershipType.objects.create(name="Individual", annual_fee="25.00")
article = NewsPage.objects.live().public().order_by("-date").first()
print("PREPARED", json.dumps({{"type": kind.pk, "join": JoinPage.objects.get(slug="join").url,
                              "article": article.url}}))
"""

STATE = """
import json
from membership.models import MembershipApplication, QueuedEmail

print("STATE", json.dumps({
    "applications": {a.email: a.reference for a in MembershipApplication.objects.all()},
    "queued": [
        {"To": e.to[0], "Subject": e.subject, "application": e.application.email}
        for e in QueuedEmail.objects.select_related("application")
    ],
}))
"""

PASS_AFTER_CLAIMS_RUN_OUT = """
import json
from django.utils import timezone
from membership.emails import SENDING_LEASE
from psgsite.scheduler import run_pass

report = run_pass(now=timezone.now() + SENDING_LEASE)
print("PASS", json.dumps({"sent": report.emails_sent, "failed": report.emails_failed}))
"""


def shell(script, env):
    result = run_production("shell", "-c", script, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if re.match(r"[A-Z]+ \{", line)]
    return json.loads(line.split(" ", 1)[1])


def emails_of(application, reference, messages):
    """What each application was sent: confirmations to the applicant, notices to the secretary
    naming its reference."""
    return (
        sum(message["To"] == application for message in messages),
        sum(
            message["To"] == SECRETARY and message["Subject"].endswith(reference)
            for message in messages
        ),
    )


def test_the_site_rides_out_redis_going_away_and_postgresql_restarting(
    spawn, private_postgres, private_redis, mail_sink
):
    redis_server = private_redis()
    env = {"DATABASE_URL": private_postgres.url, "REDIS_URL": redis_server.url}
    for command in (("migrate", "--noinput"), ("load_site_content",), ("setup_roles",)):
        result = run_production(*command, **env)
        assert result.returncode == 0, result.stdout + result.stderr
    prepared = shell(PREPARE, env)
    env |= {
        # The test settings choose Django's in-memory backend for every process they start.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_sink.port),
    }
    servers = [spawn(MEMBERSHIP_APPLICATIONS_PER_HOUR="100000", **env) for _ in range(2)]
    pages = [
        "/",
        "/news/",
        prepared["article"],
        "/search/?q=peru",
        prepared["join"],
        "/health/",
    ]
    # The form's start time, signed with the servers' key, from long enough ago.
    with override_settings(SECRET_KEY=SECRET_KEY):
        application = application_data(SimpleNamespace(pk=prepared["type"]))
    load = Load(servers, pages, prepared["join"], application)

    load.start()
    try:
        assert wait_until(lambda: load.every_page_answered("warm-up"), timeout=60), load.table()

        load.enter("Redis down")
        redis_server.process.kill()
        redis_server.process.wait()
        time.sleep(REDIS_DOWN_SECONDS)  # the outage, while the load goes on
        redis_server.start()  # on the same port, empty

        load.enter("Redis back")
        assert wait_until(lambda: load.every_page_answered("Redis back"), timeout=60), load.table()

        load.enter("PostgreSQL restart")
        private_postgres.stop()
        # Down until both servers have felt it.
        assert wait_until(
            lambda: {r.server for r in load.seen("PostgreSQL restart") if failed(r)} == {0, 1},
            timeout=30,
        ), load.table()
        private_postgres.start()

        load.enter("recovery")
        recovered = wait_until(lambda: load.every_page_answered("recovery"), timeout=60)
    finally:
        load.stop()
    table = load.table()
    print(f"\nResponses by phase and status:\n{table}")

    assert recovered, f"The site did not recover after PostgreSQL restarted:\n{table}"
    assert [s.process.poll() for s in servers] == [None, None], "an app server stopped"
    failures = [r for r in load.results if failed(r) and r.phase != "PostgreSQL restart"]
    assert not failures, f"{table}\n{describe(failures, servers)}"
    # Outside the database's outage, every application was thanked: while Redis was down too.
    for phase in ("warm-up", "Redis down", "Redis back", "recovery"):
        assert {r.outcome for r in load.seen(phase, what="apply")} == {302}, table
    # The servers did find Redis gone.
    assert [r for r in load.seen("Redis down", 200, "/health/") if r.detail == "failed"], table

    # No application lost, none without its two emails (sent, or queued to be sent).
    state = shell(STATE, env)
    applications = state["applications"]
    thanked = {r.detail for r in load.results if r.what == "apply" and r.outcome == 302}
    assert thanked <= applications.keys(), sorted(thanked - applications.keys())
    # Stored, but the outage came before the thank-you page.
    during_outage = {r.detail for r in load.seen("PostgreSQL restart", what="apply")}
    assert applications.keys() - thanked <= during_outage
    # An application sent while the database went away may have had an email go out and the
    # outage come before it was noted as sent, whether or not the applicant was then thanked
    # (the join page leaves what it cannot note to the scheduler): sent and still queued.
    cut_short = applications.keys() & during_outage
    for email, reference in applications.items():
        sent_or_queued = emails_of(email, reference, [*mail_sink.messages, *state["queued"]])
        assert sent_or_queued == (1, 1) or (
            email in cut_short and min(sent_or_queued) >= 1 and max(sent_or_queued) <= 2
        ), (email, sent_or_queued)

    # A scheduler pass sends what waits, but for an email whose sending the outage cut short:
    # it was claimed, and is left alone until the claim runs out, in case it is being sent.
    result = run_production("run_scheduler", "--once", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    left = shell(STATE, env)["queued"]
    assert {email["application"] for email in left} <= cut_short, left
    assert shell(PASS_AFTER_CLAIMS_RUN_OUT, env)["failed"] == 0
    assert shell(STATE, env)["queued"] == []
    messages = list(mail_sink.messages)
    for email, reference in applications.items():
        sent = emails_of(email, reference, messages)
        # Sent once each; twice at most where the outage came between sending and noting it.
        assert sent == (1, 1) or (email in cut_short and min(sent) >= 1), (email, sent)
