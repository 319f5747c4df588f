"""`make bench`: the site under load, as production serves it, on a realistic archive.

Builds (or reuses) a PostgreSQL database of the benchmark's own with the day-one content and an
archive of news items, briefings and events (bench/archive.py); counts each URL's database
queries in-process (bench/queries.py); then serves the site with gunicorn, whitenoise and the
production settings, and drives each URL with wrk on loopback, first with the page cache off
(cold: every request renders) and then on (warm). Prints one table and the issue's targets, and
exits non-zero where a target is missed. bench/README.md says more and holds the latest figures.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis
from psycopg import sql

from bench import admin_report, recovery

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
STATE = ROOT / ".local" / "bench"
PYTHON = sys.executable

# label -> what the table calls it; bench/queries.py gives each label its paths.
PAGES = {
    "home": "Home page",
    "index": "News index, page 1",
    "deep": "News index, page 500",
    "topic": "Topic page",
    "year": "Year page",
    "item": "News item",
    "event": "Event",
    "search": "Search (20 queries)",
    "rss": "RSS feed",
    "sitemap": "Sitemap",
    "sitemap_sections": "Sitemap's sections",
}
# These show other items with a tenth of the archive (page 500 does not exist there, so its last
# page is shown; the year's items are mostly gone, as the tenth kept is the newest; search ranks
# other items first): a listing's image renditions come in one query when any item shown has an
# image, and search loads each page type among its results in one query. Their counts may
# differ by this much for that reason alone.
CONTENT_ALLOWANCE = {"deep": 1, "year": 1, "search": 2}

TARGET_WARM_RATIO = 0.5
# Uncached (rendered afresh), as a share of the req/s of the static file of a news item's size,
# and at most so many queries, with the whole archive and with a tenth of it.
TARGET_UNCACHED = {
    "articles": (("item", "event"), 0.04, 10),
    "home page and listings": (("home", "index", "deep", "topic", "year"), 0.015, 12),
}
# Uncached listings' time (in-process medians) with the whole archive, against a tenth of it.
TARGET_LISTING_GROWTH = 1.5
TARGET_DEEP_COST = 1.5
TARGET_SEARCH_P99_MS = 150
TARGET_WORKER_MB = 200
TARGET_HIT_SHARE = 0.99
# A measurement during which anything else used more than this share of the CPU is marked.
BUSY = 0.1
# A run starts again, up to this many times, until wrk's connections are spread evenly over the
# gunicorn workers (balanced_wrk).
SPREAD_ATTEMPTS = 10


def main():
    args = parse_args()
    STATE.mkdir(parents=True, exist_ok=True)
    check_tools()
    env = site_env(args)
    print(machine(args))

    database(args, env)
    step("Collecting static files", [PYTHON, "manage.py", "collectstatic", "--noinput"], env)
    # Served by whitenoise from the static root, like every static file.
    probe_dir = Path(env["DJANGO_STATIC_ROOT"]) / "bench"
    shutil.rmtree(probe_dir, ignore_errors=True)
    probe_dir.mkdir(parents=True)
    flush_cache(args)
    counted = STATE / "queries.json"
    step(
        "Counting each URL's queries in-process",
        [PYTHON, "-m", "bench.in_django", "count", "--host", f"127.0.0.1:{args.port}"]
        + ["--probe-dir", str(probe_dir), "--output", str(counted)],
        env,
    )
    queries = json.loads(counted.read_text())
    timed = STATE / "admin.json"
    step(
        "Timing the admin's screens in-process, as a moderator",
        [PYTHON, "-m", "bench.in_django", "admin", "--host", f"127.0.0.1:{args.port}"]
        + ["--output", str(timed)],
        env,
    )
    admin = json.loads(timed.read_text())
    # Both steps measured a tenth of the archive in a transaction rolled back, and gathered the
    # planner's statistics for it: the row counts among them outlive the rollback. And the rows
    # they deleted stay marked, their pages no longer all visible, so that every read until a
    # vacuum checks them again (an index-only scan of the items' dates fetched most of its rows
    # from the table): what autovacuum would soon undo, and what readers never meet.
    print("==> VACUUM ANALYZE", flush=True)
    with connect(args.database_url) as conn:
        conn.execute("VACUUM ANALYZE")
    static = {label: [f"/static/bench/{name}"] for label, name in queries["probes"].items()}
    paths = {**queries["urls"], **static}

    cold = measure(args, env, paths, "cold", page_cache_seconds="0")
    warm = measure(args, env, paths, "warm", page_cache_seconds=None)
    recovered = recovery.measure(args, env, queries["urls"])
    results = {
        "queries": queries,
        "admin": admin,
        "cold": cold,
        "warm": warm,
        "recovery": recovered,
    }
    (STATE / "results.json").write_text(json.dumps(results, indent=2))

    pages = page_names(queries)
    print()
    print(table(args, pages, queries, cold, warm))
    print()
    print(admin_report.table(admin))
    print()
    failed = report_targets(pages, queries, cold, warm)
    for passed, text in [*admin_report.checks(admin), *recovery.checks(recovered)]:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
        failed = failed or not passed
    sys.exit(1 if failed else 0)


def parse_args():
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawTextHelpFormatter,
    )
    archive = parser.add_argument_group("the archive (a change rebuilds the database)")
    archive.add_argument("--items", type=int, default=10_000, help="news items and briefings")
    archive.add_argument("--events", type=int, default=300)
    archive.add_argument("--images", type=int, default=20)
    archive.add_argument("--documents", type=int, default=10, help="briefing PDFs")
    archive.add_argument("--seed", type=int, default=1)
    archive.add_argument(
        "--rebuild", action="store_true", help="build the database afresh even if it matches"
    )
    load = parser.add_argument_group("the load")
    load.add_argument("--duration", type=int, default=6, help="seconds of load for each URL")
    load.add_argument(
        "--connections",
        type=int,
        default=4,
        help="wrk's open connections: two a core keeps both gunicorn workers busy",
    )
    load.add_argument(
        "--threads",
        type=int,
        default=2,
        help="wrk's threads: two connect apart enough for both gunicorn workers to take some",
    )
    where = parser.add_argument_group("where")
    where.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/psg_bench",
        help="the bench's own database: it is dropped and made again when rebuilt",
    )
    where.add_argument(
        "--cache",
        choices=["redis", "locmem"],
        default="redis",
        help="the site's cache: Redis (two gunicorn workers) or each process's memory (one)",
    )
    where.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/10",
        help="a Redis database of the bench's own: it is flushed",
    )
    where.add_argument("--port", type=int, default=8100, help="gunicorn's port on 127.0.0.1")
    return parser.parse_args()


def check_tools():
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `apt-get install wrk` (make bench installs it)")


def site_env(args, **changes):
    """The environment of every process of the site: production settings on the bench's own
    database, cache, static and media folders. TLS is taken as ended by a proxy, which says so
    in X-Forwarded-Proto, as in production."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "psgsite.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": args.database_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{args.port}",
        "DJANGO_STATIC_ROOT": str(STATE / "static"),
        "DJANGO_MEDIA_ROOT": str(media_root(args.database_url)),
        "REDIS_URL": args.redis_url if args.cache == "redis" else None,
        "DJANGO_PAGE_CACHE_SECONDS": None,
        "PYTHONUNBUFFERED": "1",
        **changes,
    }
    return {name: value for name, value in env.items() if value is not None}


def machine(args):
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    with connect(args.database_url, "postgres") as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    versions = f"Python {platform.python_version()}, PostgreSQL {postgres}"
    if args.cache == "redis":
        versions += (
            f", Redis {redis.Redis.from_url(args.redis_url).info('server')['redis_version']}"
        )
    return (
        f"==> Machine: {cpu}, {os.cpu_count()} cores, {memory_kb / 1024**2:.1f} GB memory; "
        f"{versions}; {datetime.date.today().isoformat()}"
    )


# The database ------------------------------------------------------------------------------


def database(args, env):
    """Reuses the bench database where it was built with the same parameters (kept as the
    database's comment) and its images are on disk; builds it afresh otherwise."""
    wanted = archive_parameters(args)
    name = psycopg.conninfo.conninfo_to_dict(args.database_url)["dbname"]
    with connect(args.database_url, "postgres") as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    recorded = json.loads(row[0]) if row and row[0] else None
    if (
        not args.rebuild
        and recorded
        and recorded["parameters"] == wanted
        and media_present(args.database_url)
    ):
        print(
            f"==> Reusing the database {name}: {recorded['summary']}, "
            f"built {recorded['built']} in {recorded['build_seconds']} s (--rebuild to build anew)"
        )
        step("Migrating", [PYTHON, "manage.py", "migrate", "--noinput"], env)
        return

    print(f"==> Building the database {name}: {wanted}")
    started = time.monotonic()
    with connect(args.database_url, "postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    shutil.rmtree(media_root(args.database_url), ignore_errors=True)
    step("Migrating", [PYTHON, "manage.py", "migrate", "--noinput"], env)
    step("Loading the day-one content", [PYTHON, "manage.py", "load_site_content"], env)
    step(
        f"Adding {args.items:,} news items and briefings and {args.events} events",
        [PYTHON, "-m", "bench.in_django", "build"]
        + [f"--{option}={getattr(args, option)}" for option in ("items", "events", "images")]
        + [f"--documents={args.documents}", f"--seed={args.seed}"],
        env,
    )
    # What autovacuum would do in a while: drop the rows that update_index replaced, and give
    # the planner statistics of the full tables.
    print("==> VACUUM ANALYZE", flush=True)
    with connect(args.database_url) as conn:
        conn.execute("VACUUM ANALYZE")
    seconds = round(time.monotonic() - started)
    record = {
        "parameters": wanted,
        "summary": f"{args.items:,} items, {args.events} events",
        "built": datetime.datetime.now().isoformat(timespec="minutes"),
        "build_seconds": seconds,
    }
    with connect(args.database_url, "postgres") as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(record))
            )
        )
    print(f"==> Built in {seconds // 60} min {seconds % 60} s")


def archive_parameters(args):
    """What the archive is made from: a change to any of them, or to the code that makes it,
    calls for a new database."""
    generator = hashlib.sha256()
    for module in ("archive.py", "corpus.py"):
        generator.update((BENCH / module).read_bytes())
    return {
        "items": args.items,
        "events": args.events,
        "images": args.images,
        "documents": args.documents,
        "seed": args.seed,
        "generator": generator.hexdigest()[:16],
    }


def media_present(database_url):
    """The images' originals are on disk (.local/bench/media may have been removed)."""
    try:
        with connect(database_url) as conn:
            files = [row[0] for row in conn.execute("SELECT file FROM wagtailimages_image")]
    except psycopg.Error:
        return False
    return bool(files) and all((media_root(database_url) / file).exists() for file in files)


def media_root(database_url):
    """The uploads of one bench database, beside it: .local/bench/media-<database>."""
    return STATE / f"media-{psycopg.conninfo.conninfo_to_dict(database_url)['dbname']}"


def connect(database_url, dbname=None):
    """A connection in autocommit (CREATE DATABASE cannot run in a transaction), to the named
    database of the same server, or the URL's own."""
    params = psycopg.conninfo.conninfo_to_dict(database_url)
    if dbname:
        params["dbname"] = dbname
    return psycopg.connect(**params, autocommit=True)


def step(title, command, env):
    """Runs one step of the site; its log lines go to .local/bench/steps.log, its progress
    (standard error) to the terminal."""
    print(f"==> {title}", flush=True)
    with (STATE / "steps.log").open("a") as log:
        log.write(f"\n$ {' '.join(command)}\n")
        log.flush()
        result = subprocess.run(command, env=env, cwd=ROOT, stdout=log, check=False)  # noqa: S603
    if result.returncode:
        sys.exit(f"{title} failed (exit {result.returncode}); see {STATE / 'steps.log'}")


def flush_cache(args):
    if args.cache == "redis":
        redis.Redis.from_url(args.redis_url).flushdb()


# The load ----------------------------------------------------------------------------------


def measure(args, env, paths, phase, page_cache_seconds):
    """Every URL under wrk, on a server started afresh with an empty cache; each URL is
    requested once first (for the warm phase, that fills the page cache)."""
    state = "off" if page_cache_seconds == "0" else "on"
    print(f"==> {phase.capitalize()}: gunicorn with the page cache {state}", flush=True)
    flush_cache(args)
    results = {}
    # Production recycles a worker after 2,000 requests (psgsite/gunicorn.py), which is hours of
    # real traffic but seconds of this load: a worker booting would be charged to whichever URL
    # is under load, and recycling would hide a worker's growth from the memory figure.
    server_env = {**env, "PORT": str(args.port), "GUNICORN_CMD_ARGS": "--max-requests=0"}
    if page_cache_seconds is not None:
        server_env["DJANGO_PAGE_CACHE_SECONDS"] = page_cache_seconds
    with gunicorn(server_env, STATE / f"gunicorn-{phase}.log") as server:
        for label, label_paths in paths.items():
            for path in label_paths:
                request_once(args.port, path)
            results[label] = balanced_wrk(args, label_paths, server.pid)
            print(f"    {label:<16} {summary(results[label])}", flush=True)
        results["workers"] = worker_memory(server.pid)
    return results


def summary(result):
    line = f"{result['rps']:>7.0f} req/s  p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms"
    if result["others"] > BUSY:
        line += f"  ({result['others']:.0%} of the CPU used by others)"
    if not result["even"]:
        line += f"  (connections uneven: {'/'.join(map(str, result['spread']))})"
    if result["runs"] > 1:
        line += f"  (best of {result['runs']} runs)"
    return line


def balanced_wrk(args, paths, master_pid):
    """wrk's figures for the paths, from a run in which wrk's connections were spread evenly
    over the gunicorn workers and nothing else took the CPU. wrk opens its connections all at
    once, and whichever worker accepts one keeps it: one worker often takes three of the four,
    or all of them, leaving the other half idle and the figures of the busy one's requests
    worse, where readers behind a load balancer are spread over the workers. A run whose
    connections are uneven is stopped at once and started again; a disturbed one is made
    again, up to three times, and the best kept."""
    runs = []
    for _ in range(3):
        before = cpu_by_process()
        result = even_wrk(args, paths, master_pid)
        after = cpu_by_process()
        result["others"] = cpu_of_others(before, after, master_pid, args)
        runs.append(result)
        # Requests still being answered when wrk stops would slow the next run's.
        wait_until_idle(master_pid)
        if fair(result):
            break
    best = max(runs, key=lambda run: (fair(run), -run["others"]))
    best["runs"] = len(runs)
    return best


def fair(run):
    return run["even"] and run["others"] <= BUSY


def even_wrk(args, paths, master_pid):
    """wrk's figures from a run that began with its connections spread evenly over the workers
    (even is False where none of SPREAD_ATTEMPTS starts did)."""
    for attempt in range(SPREAD_ATTEMPTS):
        process = start_wrk(args, paths)
        spread = connection_spread(master_pid, args.port, args.connections)
        if max(spread) - min(spread) <= 1 or attempt == SPREAD_ATTEMPTS - 1:
            break
        process.terminate()
        process.wait()
        wait_until_idle(master_pid)
    output = process.communicate()[0]
    if process.returncode:
        sys.exit(f"wrk failed (exit {process.returncode}) on {paths[0]}")
    result = parse_wrk(output)
    result["spread"] = spread
    result["even"] = max(spread) - min(spread) <= 1
    return result


def connection_spread(master_pid, port, connections, timeout=5):
    """How many of wrk's connections each gunicorn worker holds, once they are all accepted:
    the sockets connected to the port, found among each worker's open files (from /proc)."""
    deadline = time.monotonic() + timeout
    while True:
        established = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                # local address (hex ip:port), state 01 (established), inode.
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    established.add(f"socket:[{fields[9]}]")
        spread = [
            sum(open_file(fd) in established for fd in Path(f"/proc/{pid}/fd").iterdir())
            for pid in children(master_pid)
        ]
        if sum(spread) >= connections or time.monotonic() > deadline:
            return spread
        time.sleep(0.05)


def open_file(fd):
    """What a process's file descriptor (in /proc/<pid>/fd) names, or None once it is closed."""
    try:
        return os.readlink(fd)
    except OSError:
        return None


def children(pid):
    """A process's children (gunicorn's workers), from /proc."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def cpu_by_process():
    """Every process's command line and CPU time (in clock ticks), and the machine's steal."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        processes[int(entry.name)] = (command, int(fields[11]) + int(fields[12]))
    steal = int(Path("/proc/stat").read_text().split()[8])
    return {"processes": processes, "steal": steal, "time": time.monotonic()}


def cpu_of_others(before, after, master_pid, args):
    """The share of the machine's CPU that went to anything but the bench while wrk ran: other
    processes (a test suite, say), and time the hypervisor gave to other machines (steal)."""
    database = psycopg.conninfo.conninfo_to_dict(args.database_url)["dbname"]
    ours = {master_pid, os.getpid(), *children(master_pid)}
    ticks = after["steal"] - before["steal"]
    for pid, (command, used) in after["processes"].items():
        if pid in ours or command.startswith(("wrk ", "redis-server")):
            continue
        if command.startswith("postgres:") and f" {database} " in command:
            continue  # the bench's own database connections
        ticks += used - before["processes"].get(pid, (command, 0))[1]
    seconds = after["time"] - before["time"]
    return ticks / os.sysconf("SC_CLK_TCK") / seconds / os.cpu_count()


def wait_until_idle(master_pid, timeout=120):
    """Until gunicorn's workers use under a tenth of a core over a fifth of a second."""

    def cpu_seconds():
        total = 0
        for pid in children(master_pid):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    deadline = time.monotonic() + timeout
    before = cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        after = cpu_seconds()
        if after - before < 0.02:
            return
        before = after


@contextmanager
def gunicorn(env, log_path):
    command = [PYTHON, "-m", "gunicorn", "-c", "python:psgsite.gunicorn", "psgsite.wsgi"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_for_health(process, env["PORT"], log_path)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_health(process, port, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer /health/ within 60 s; see {log_path}")


def request_once(port, path):
    """One request with exactly wrk's headers, so that it fills the cache entry wrk reads."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.putheader("X-Forwarded-Proto", "https")
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        sys.exit(f"{path} answered {response.status}: the benchmark needs 200")


def start_wrk(args, paths):
    command = ["wrk", "--latency", f"--threads={args.threads}"]
    command += [f"--connections={args.connections}", f"--duration={args.duration}s"]
    # gunicorn's own timeout, so that a slow answer is measured rather than dropped.
    command += ["--timeout=30s", "--header=X-Forwarded-Proto: https"]
    command += [f"--script={BENCH / 'wrk.lua'}", f"http://127.0.0.1:{args.port}", "--", *paths]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)  # noqa: S603


def parse_wrk(output):
    def number(pattern, default=None):
        found = re.search(pattern, output)
        return float(found[1]) if found else default

    def latency(percentile):
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        scale = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[found[2]]
        return float(found[1]) * scale

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    cache = re.search(r"x-cache hit=(\d+) miss=(\d+) none=(\d+)", output)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "p50": latency(50),
        "p99": latency(99),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)", 0)),
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "hits": int(cache[1]),
        "misses": int(cache[2]),
        "uncached": int(cache[3]),
    }


def worker_memory(master_pid):
    """Each gunicorn worker's resident memory now and at its peak, in MB, from /proc."""
    workers = []
    for pid in children(master_pid):
        status = Path(f"/proc/{pid}/status").read_text()
        rss, peak = (
            int(re.search(rf"{field}:\s+(\d+) kB", status)[1]) for field in ("VmRSS", "VmHWM")
        )
        workers.append({"pid": int(pid), "rss_mb": rss / 1024, "peak_mb": peak / 1024})
    return workers


# The report --------------------------------------------------------------------------------


def page_names(queries):
    """The rows of the table that this run measured, by label."""
    pages = {label: name for label, name in PAGES.items() if label in queries["urls"]}
    if "sitemap_sections" in pages:
        pages["sitemap_sections"] += f" ({len(queries['urls']['sitemap_sections'])})"
    return pages


def table(args, pages, queries, cold, warm):
    workers = len(cold["workers"])
    heading = (
        f"{queries['items']:,} live news items, briefings and events; gunicorn {workers} "
        f"worker{'s' if workers > 1 else ''} x {os.environ.get('GUNICORN_THREADS', 4)} threads, "
        f"{args.cache} cache; wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s a URL"
    )
    columns = (
        f"{'':<24}{'':>6} | {'cold: page cache off':^56} | {'warm: page cache on':^46}\n"
        f"{'URL':<24}{'KB':>6} | {'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'queries':>9}"
        f"{'kept':>6}{'at 1/10':>9}{'ratio':>7} | {'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'queries':>9}{'ratio':>7}{'hits':>6}"
    )
    rule = "-" * len(columns.splitlines()[-1])
    lines = [heading, rule, columns, rule]
    sizes = {
        **queries["sizes"],
        "static": queries["sizes"]["item"],
        "static_large": queries["sizes"][queries["largest"]],
    }
    labels = {
        **pages,
        "static": "Static file, same size",
        "static_large": "Static file, large",
    }
    for label, name in labels.items():
        size = sizes[label] / 1000
        c, w = cold[label], warm[label]
        hits = "-" if label.startswith("static") else f"{hit_share(w):.0%}"
        busy = "!" if max(c["others"], w["others"]) > BUSY else " "
        lines.append(
            f"{name:<23}{busy}{size:>6.1f} | {c['rps']:>7.0f}{c['p50']:>8.1f}{c['p99']:>8.1f}"
            f"{queries['cold'].get(label, 0):>9}{queries['cold_kept'].get(label, 0):>6}"
            f"{queries['cold_small'].get(label, 0):>9}"
            f"{c['rps'] / cold['static']['rps']:>7.2f} | {w['rps']:>7.0f}{w['p50']:>8.1f}"
            f"{w['p99']:>8.1f}{queries['warm'].get(label, 0):>9}"
            f"{w['rps'] / warm['static']['rps']:>7.2f}{hits:>6}"
        )
    lines.append(rule)
    for phase, results in (("cold", cold), ("warm", warm)):
        memory = ", ".join(
            f"{w['rss_mb']:.0f} MB (peak {w['peak_mb']:.0f})" for w in results["workers"]
        )
        lines.append(f"Workers' resident memory after the {phase} run: {memory}")
    busy = [
        f"{labels[label]} {phase} {results[label]['others']:.0%}"
        for phase, results in (("cold", cold), ("warm", warm))
        for label in labels
        if results[label]["others"] > BUSY
    ]
    if busy:
        lines.append(
            "! Measured while other processes (or other machines, as steal) used the CPU: "
            + ", ".join(busy)
            + ". Run again on a quiet machine."
        )
    urls = queries["urls"]
    lines += [
        f"Topic {urls['topic'][0]}, year {urls['year'][0]}, news item {urls['item'][0]}, "
        f"event {urls['event'][0]};",
        "queries: database queries a request, counted in-process, as rendered after a change "
        "(nothing yet read once a generation: home/visibility.py); kept: as rendered until the "
        f"next change, which req/s measure; at 1/10: as after a change with "
        f"{queries['small_items']:,} items live;",
        "ratio: req/s as a share of the static file's, as large as the news item (the large "
        f"one is as large as the {pages[queries['largest']]}: the warm target compares each page "
        "with the one nearer its size); hits: answers from the page cache.",
    ]
    return "\n".join(lines)


def same_size_static(queries, label):
    """Of the two static files, the one nearer the page in size (by their ratio)."""
    size = queries["sizes"][label]
    small, large = queries["sizes"]["item"], queries["sizes"][queries["largest"]]
    return "static" if size * size <= small * large else "static_large"


def hit_share(result):
    served = result["hits"] + result["misses"] + result["uncached"]
    return result["hits"] / served if served else 0


def report_targets(pages, queries, cold, warm):
    """Prints each target with PASS or FAIL and its figures; returns whether any failed."""
    checks = []

    # Each page against the static file nearer its size ("a static file of the same size"):
    # bytes cost wrk and the loopback as much whoever sends them.
    references = {label: same_size_static(queries, label) for label in pages}
    ratios = {label: warm[label]["rps"] / warm[references[label]]["rps"] for label in pages}
    worst = min(ratios, key=ratios.get)
    reference = (
        "a static file as large" if references[worst] == "static_large" else "the static file"
    )
    checks.append(
        (
            ratios[worst] >= TARGET_WARM_RATIO,
            f"Warm, every page reaches {TARGET_WARM_RATIO:.0%} of the req/s of a static file of "
            f"its size: lowest {pages[worst]}, {warm[worst]['rps']:.0f} of "
            f"{warm[references[worst]]['rps']:.0f}, {reference} ({ratios[worst]:.2f}; "
            f"{warm[worst]['rps'] / warm['static']['rps']:.2f} of the news item's size)",
        )
    )

    shares = {label: hit_share(warm[label]) for label in pages}
    worst = min(shares, key=shares.get)
    cold_hits = sum(cold[label]["hits"] for label in pages)
    checks.append(
        (
            shares[worst] >= TARGET_HIT_SHARE and not cold_hits,
            f"Warm pages come from the page cache, cold ones are rendered: lowest warm "
            f"{pages[worst]}, {shares[worst]:.1%} hits; {cold_hits} hits cold (X-Cache)",
        )
    )

    grown = [
        label
        for label in pages
        if queries["cold"][label] > queries["cold_small"][label] + CONTENT_ALLOWANCE.get(label, 0)
    ]
    differ = [label for label in pages if queries["cold"][label] != queries["cold_small"][label]]
    detail = ", ".join(
        f"{pages[label]} {queries['cold'][label]} vs {queries['cold_small'][label]}"
        for label in differ
    )
    checks.append(
        (
            not grown,
            f"Uncached, queries do not grow with the archive ({queries['items']:,} items live "
            f"vs {queries['small_items']:,}): "
            + (f"differ: {detail}" if detail else "the same for every page"),
        )
    )

    deep_cost = cold["index"]["rps"] / cold["deep"]["rps"]
    checks.append(
        (
            deep_cost <= TARGET_DEEP_COST and queries["cold"]["deep"] <= queries["cold"]["index"],
            f"Uncached, page 500 costs at most {TARGET_DEEP_COST}x page 1: {deep_cost:.2f}x "
            f"({cold['deep']['rps']:.0f} vs {cold['index']['rps']:.0f} req/s; p50 "
            f"{cold['deep']['p50']:.1f} vs {cold['index']['p50']:.1f} ms; "
            f"{queries['cold']['deep']} vs {queries['cold']['index']} queries)",
        )
    )

    checks.append(
        (
            cold["search"]["p99"] < TARGET_SEARCH_P99_MS,
            f"Uncached, search answers with p99 under {TARGET_SEARCH_P99_MS} ms: "
            f"{cold['search']['p99']:.1f} ms (p50 {cold['search']['p50']:.1f} ms)",
        )
    )

    workers = [w for phase in (cold, warm) for w in phase["workers"]]
    largest = max(w["rss_mb"] for w in workers)
    checks.append(
        (
            largest < TARGET_WORKER_MB,
            f"Every gunicorn worker under {TARGET_WORKER_MB} MB resident after the run: largest "
            f"{largest:.0f} MB (highest peak {max(w['peak_mb'] for w in workers):.0f} MB)",
        )
    )

    errors = [
        f"{phase} {label}: {results[label]['non_2xx'] + results[label]['socket_errors']}"
        for phase, results in (("cold", cold), ("warm", warm))
        for label in [*pages, "static", "static_large"]
        if results[label]["non_2xx"] + results[label]["socket_errors"]
    ]
    checks.append(
        (
            not errors,
            "Every request answered with a 200: "
            + (f"errors in {', '.join(errors)}" if errors else "yes"),
        )
    )

    checks += uncached_checks(pages, queries, cold)

    print("Targets")
    for passed, text in checks:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
    return not all(passed for passed, _ in checks)


def uncached_checks(pages, queries, cold):
    """Rendered afresh: each page's req/s against the static file of a news item's size, and
    its queries at both sizes; and the listings' time at both sizes."""
    checks = []
    for name, (labels, ratio, most) in TARGET_UNCACHED.items():
        labels = [label for label in labels if label in pages]
        figures = {
            label: (
                cold[label]["rps"] / cold["static"]["rps"],
                max(queries["cold"][label], queries["cold_small"][label]),
            )
            for label in labels
        }
        passed = all(r >= ratio and q <= most for r, q in figures.values())
        detail = "; ".join(
            f"{pages[label]} {r:.3f} ({cold[label]['rps']:.0f} req/s), {q} queries"
            for label, (r, q) in figures.items()
        )
        checks.append(
            (
                passed,
                f"Uncached, the {name} reach {ratio} of the static file's req/s with at most "
                f"{most} queries (at both sizes): {detail}",
            )
        )
    growth = {
        label: queries["listing_ms"][label] / queries["listing_ms_small"][label]
        for label in queries["listing_ms"]
    }
    detail = "; ".join(
        f"{pages[label]} {growth[label]:.2f}x ({queries['listing_ms'][label]:.1f} vs "
        f"{queries['listing_ms_small'][label]:.1f} ms)"
        for label in growth
    )
    checks.append(
        (
            all(g <= TARGET_LISTING_GROWTH for g in growth.values()),
            f"Uncached listings with {queries['items']:,} items take at most "
            f"{TARGET_LISTING_GROWTH}x their time with {queries['small_items']:,} (median of "
            f"in-process requests): {detail}",
        )
    )
    return checks


if __name__ == "__main__":
    main()
