"""`make bench-alerts`: one email alert fanned out to 10,000 confirmed subscribers.

On a database of its own (a temporary SQLite file, or a PostgreSQL database named with
--database-url, dropped and made afresh), with the production settings and the day-one content:
adds the subscribers, publishes one news item (which announces it), then times, as the scheduler
does them, the fan-out (queueing one email per subscriber in the outbox, chunk by chunk) and the
sending (batches over one SMTP connection, a bounded number each pass) to an SMTP sink on
loopback (aiosmtpd's Sink, in a process of its own, which accepts and discards). Prints emails
per second, the peak memory of each phase, and the queries of each chunk and batch. The figures
are the machine's, not targets: bench/README.md keeps the latest.
"""

import argparse
import datetime
import os
import platform
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="psg-bench-alerts-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench.alerts", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL database of the bench's own, dropped and made afresh "
        "(default: a temporary SQLite file)",
    )
    return parser.parse_args()


def run(args, workdir):
    port = free_port()
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if args.database_url:
        recreate_postgres(args.database_url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "psgsite.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "DJANGO_ALLOWED_HOSTS": "alerts.bench.example",
            "WAGTAILADMIN_BASE_URL": "https://alerts.bench.example",
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
        }
    )
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.db import connection

    # The site logs a line for each batch sent; the bench prints its own figures.
    logging.disable(logging.WARNING)
    engine = connection.vendor
    print(machine(engine, args.subscribers), flush=True)
    print("==> Migrating and loading the day-one content", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_site_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"==> Adding {args.subscribers:,} confirmed subscribers", flush=True)
    add_subscribers(args.subscribers)
    page = publish_item()

    with smtp_sink(port):
        fan_out = measure_fan_out(page)
        sending = measure_sending()
    print()
    print(report(engine, args.subscribers, fan_out, sending))


def machine(engine, subscribers):
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"==> Machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"{engine}; {subscribers:,} subscribers; {datetime.date.today().isoformat()}"
    )


def recreate_postgres(database_url):
    import psycopg
    from psycopg import sql

    params = psycopg.conninfo.conninfo_to_dict(database_url)
    name = params["dbname"]
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_sink(port):
    """aiosmtpd's Sink, which accepts every message and keeps none, in a process of its own,
    so that its memory and CPU are not counted as the site's."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
        + ["-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    sys.exit("The SMTP sink did not start")
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def add_subscribers(count):
    """Confirmed subscribers, each sent every item: half follow all news, the rest a topic the
    item has (and a quarter of all also another topic), so the matching query has both to do."""
    from django.utils import timezone

    from alerts.models import DIGEST_EVERY, Subscription
    from news.models import Topic

    mining = Topic.objects.get_or_create(name="Mining", defaults={"slug": "mining"})[0]
    other = Topic.objects.get_or_create(name="Water", defaults={"slug": "water"})[0]
    now = timezone.now()
    subscriptions = Subscription.objects.bulk_create(
        Subscription(
            email=f"reader{n}@example.org",
            news=n % 2 == 0,
            confirmed_at=now,
            digest_from=now,
            next_digest_at=now + DIGEST_EVERY,
        )
        for n in range(count)
    )
    through = Subscription.topics.through
    links = [through(subscription_id=s.pk, topic_id=mining.pk) for s in subscriptions[1::2]]
    links += [through(subscription_id=s.pk, topic_id=other.pk) for s in subscriptions[::4]]
    through.objects.bulk_create(links, batch_size=2000)


def publish_item():
    from django.utils import timezone

    from news.models import NewsIndexPage, NewsPage, Topic

    index = NewsIndexPage.objects.get()
    page = NewsPage(
        title="Regional court suspends the Conga mine",
        date=timezone.localdate(),
        summary="The court in Cajamarca halted all work at the mine pending a new "
        "environmental assessment.",
    )
    index.add_child(instance=page)
    page.topics.add(Topic.objects.get(name="Mining"))
    page.save_revision().publish()
    return page


class QueryCounter:
    """Counts the queries run, without keeping their text (an outbox insert is megabytes)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def reset_peak_memory():
    """Linux: writing 5 to clear_refs resets the process's peak resident memory (VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def memory_mb(field="VmHWM"):
    """The process's peak (VmHWM) or current (VmRSS) resident memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_fan_out(page):
    """Queues the item's emails chunk by chunk, as alerts.delivery.queue_announcement does,
    counting each chunk's queries."""
    from django.utils import timezone

    from alerts import delivery
    from alerts.models import Announcement
    from news.models import Topic

    print("==> Fan-out: queueing one email per subscriber", flush=True)
    reset_peak_memory()
    before = memory_mb("VmRSS")
    now = timezone.now()
    started = time.perf_counter()
    with counted() as setup:
        announcement = Announcement.objects.get(page=page)
        sender = delivery.Sender(page.get_site())
        rendered = delivery.render_alert(page.specific, announcement, sender)
        names = dict(Topic.objects.filter(pk__in=announcement.topic_ids).values_list("pk", "name"))
    chunks = []
    while True:
        with counted() as queries:
            queued, done = delivery.queue_chunk(
                announcement.pk, rendered, sender, names, now, delivery.CHUNK_SIZE
            )
        chunks.append((queued, queries.count))
        if done:
            break
    seconds = time.perf_counter() - started
    queued = sum(n for n, _ in chunks)
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.QUEUED, announcement.status
    return {
        "emails": queued,
        "seconds": seconds,
        "peak_mb": memory_mb(),
        "growth_mb": memory_mb() - before,
        "setup_queries": setup.count,
        "chunks": chunks,
    }


def measure_sending():
    """Scheduler passes of send_due_emails until the outbox is empty."""
    from django.utils import timezone

    from membership import emails
    from membership.models import QueuedEmail

    print("==> Sending: batches over one SMTP connection a pass", flush=True)
    reset_peak_memory()
    before = memory_mb("VmRSS")
    passes = []
    started = time.perf_counter()
    while True:
        pass_started = time.perf_counter()
        with counted() as queries:
            sent, failed = emails.send_due_emails(timezone.now())
        if failed:
            sys.exit(f"{failed} email(s) failed to send to the sink")
        if not sent:
            break
        passes.append((sent, queries.count, time.perf_counter() - pass_started))
    seconds = time.perf_counter() - started
    left = QueuedEmail.objects.count()
    assert left == 0, f"{left} emails left in the outbox"
    return {
        "emails": sum(sent for sent, _, _ in passes),
        "seconds": seconds,
        "peak_mb": memory_mb(),
        "growth_mb": memory_mb() - before,
        "passes": passes,
        "batch_size": emails.BATCH_SIZE,
        "batches_per_pass": emails.BATCHES_PER_PASS,
    }


def report(engine, subscribers, fan_out, sending):
    full = [q for n, q in fan_out["chunks"] if n]
    empty = [q for n, q in fan_out["chunks"] if not n]
    chunk_size = max(n for n, _ in fan_out["chunks"])
    longest_pass = max(seconds for _, _, seconds in sending["passes"])
    per_batch = sorted(
        {round(q / (sent / sending["batch_size"]), 1) for sent, q, _ in sending["passes"]}
    )
    lines = [
        f"Email alert to {subscribers:,} confirmed subscribers ({engine}, SMTP sink on loopback)",
        "",
        f"{'':<9}{'emails':>8}{'seconds':>9}{'emails/s':>10}{'peak MB':>9}{'growth':>8}  queries",
    ]
    for name, phase in (("fan-out", fan_out), ("sending", sending)):
        lines.append(
            f"{name:<9}{phase['emails']:>8,}{phase['seconds']:>9.1f}"
            f"{phase['emails'] / phase['seconds']:>10,.0f}{phase['peak_mb']:>9.0f}"
            f"{phase['growth_mb']:>+8.0f}  "
            + (
                f"{'/'.join(map(str, sorted(set(full))))} a chunk of {chunk_size} "
                f"({len(full)} chunks; {fan_out['setup_queries']} to render once"
                + (f"; {empty[0]} for the last, empty chunk)" if empty else ")")
                if phase is fan_out
                else f"{'/'.join(map(str, per_batch))} a batch of {sending['batch_size']} "
                f"({len(sending['passes'])} scheduler passes of up to "
                f"{sending['batches_per_pass']} batches, the longest {longest_pass:.1f} s)"
            )
        )
    lines.append(
        "peak MB: the process's resident memory at its highest in the phase (Django and the "
        "site loaded); growth: above what it held when the phase began."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
