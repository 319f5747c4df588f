"""How long the site takes to get back to its warm throughput after a publication, which makes
every cached page a miss at once (psgsite/page_cache.py), with and without request coalescing.

For each of the two, a gunicorn of its own, with the page cache on and warmed, is driven by
CONNECTIONS readers in threads of this process (http.client, keep-alive), each asking for pages
at random by popularity (Zipf's law over the paths given: the benchmark's URLs first, then news
items from the sitemap), so that several ask for the most read pages at once, as readers do. A
few seconds in, a real publication goes through Wagtail (`bench.in_django publish`: a new
revision of a news item, published), and every answer is timed (completion, X-Cache) in buckets
of BUCKET seconds, until the rate has been back for a while (AFTER_SECONDS at most). The
figures: the warm rate before the publication; when a second's worth of buckets first comes back
to RECOVERED of that rate; the renders (X-Cache: miss) after the publication and the pages they
were for; the readers served after waiting (X-Cache: wait); the last render's time; the answers
in each second after the publication.

The readers run in Python, on the same cores as the site: their rate is the site's under this
client, the same before and after the publication, not the site's best (bench/run.py's wrk
figures are). `bench/run.py` calls `measure` in its warm phase and prints `checks`; run alone:

    .venv/bin/python -m bench.recovery --database-url postgres://... --port 8112
"""

import argparse
import http.client
import json
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from bench import run

CONNECTIONS = 16
ITEMS = 120  # news items added to the benchmark's URLs
WARM_SECONDS = 4  # of load before the publication; the first second is left out of the rate
AFTER_SECONDS = 30  # of load after the publication at most; it stops once the rate is back
BUCKET = 0.1
# Of the warm rate, over WINDOW buckets in a row: short of the whole, as the machine is shared
# and the rate moves by a tenth or so from one second to the next without any publication.
RECOVERED = 0.8
WINDOW = 10  # a second
SEED = 7


def measure(args, env, urls):
    """The figures with coalescing on and off, each on a gunicorn of its own; `urls` maps a
    label to its paths (bench/queries.py's `urls`)."""
    print("==> Recovery after a publication: gunicorn with the page cache on", flush=True)
    results = {}
    for coalesce in ("1", "0"):
        run.flush_cache(args)
        server_env = {
            **env,
            "PORT": str(args.port),
            "GUNICORN_CMD_ARGS": "--max-requests=0",
            "DJANGO_PAGE_CACHE_COALESCE": coalesce,
        }
        log = run.STATE / f"gunicorn-recovery-{coalesce}.log"
        with run.gunicorn(server_env, log):
            paths = [path for label_paths in urls.values() for path in label_paths]
            paths += news_items(args.port, paths)
            for path in paths:
                run.request_once(args.port, path)
            result = under_load(args, env, paths)
        result["coalescing"] = coalesce == "1"
        results["on" if coalesce == "1" else "off"] = result
        print(f"    coalescing {'on ' if coalesce == '1' else 'off'} {summary(result)}")
        print(f"      {timeline(result)}", flush=True)
    return results


def news_items(port, known):
    """ITEMS news items' paths not among `known`, from the sitemap (its first section where it is
    an index)."""
    sitemap = get(port, "/sitemap.xml")
    if "<sitemapindex" in sitemap:
        section = urlsplit(re.search(r"<loc>([^<]+)</loc>", sitemap)[1])
        sitemap = get(port, f"{section.path}?{section.query}")
    paths = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    return [p for p in paths if re.fullmatch(r"/news/[^/]+/", p) and p not in known][:ITEMS]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
    body = connection.getresponse().read().decode()
    connection.close()
    return body


def under_load(args, env, paths):
    """Load for WARM_SECONDS, a publication, load for AFTER_SECONDS more: each answer's time
    and X-Cache, and the publication's moment."""
    output = run.STATE / "published.json"
    publisher = subprocess.Popen(  # noqa: S603
        [run.PYTHON, "-m", "bench.in_django", "publish", "--output", str(output)],
        env=env,
        cwd=run.ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    said = []
    for line in publisher.stderr:  # Django set up and the item found: publishing is quick then
        if line.strip() == "ready":
            break
        said.append(line)
    else:
        sys.exit(f"bench.in_django publish failed (exit {publisher.wait()}):\n{''.join(said)}")

    weights = [1 / rank for rank in range(1, len(paths) + 1)]
    answers, errors = [], []
    stop = threading.Event()
    readers = [
        threading.Thread(target=read, args=(args.port, paths, weights, n, stop, answers, errors))
        for n in range(CONNECTIONS)
    ]
    started = time.time()
    for reader in readers:
        reader.start()
    time.sleep(WARM_SECONDS)
    told = time.time()
    publisher.stdin.write("publish\n")
    publisher.stdin.close()
    if publisher.wait(timeout=120):
        sys.exit(f"bench.in_django publish failed (exit {publisher.returncode})")
    published = json.loads(output.read_text())
    at = published["published_at"]
    # The load goes on until the rate has been back for a while, or for AFTER_SECONDS at most.
    while time.time() < at + AFTER_SECONDS:
        time.sleep(0.5)
        back = recovered_after(*rates(list(answers), started, at))
        if back is not None and time.time() > at + back + 2 * WINDOW * BUCKET:
            break
    stop.set()
    for reader in readers:
        reader.join()
    result = figures(answers, errors, started, published)
    result["publishing_s"] = published["published_at"] - told
    return result


def read(port, paths, weights, n, stop, answers, errors):
    """One reader on one keep-alive connection, until told to stop; appends (time, path,
    status, X-Cache) to answers (list.append is atomic)."""
    rng = random.Random(SEED + n)  # noqa: S311 (which page a reader asks for, no secret)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        path = rng.choices(paths, weights)[0]
        try:
            connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            response.read()
        except OSError as error:
            errors.append(f"{path}: {error!r}")
            connection.close()
            continue
        answers.append((time.time(), path, response.status, response.getheader("X-Cache")))
    connection.close()


def rates(answers, started, at):
    """The warm rate (answers a second, leaving out the first second of load) and the answers
    in each bucket from the publication at `at` on."""
    buckets = Counter(int((t - at) // BUCKET) for t, *_ in answers)
    warm = [buckets[b] for b in range(int((started + 1 - at) // BUCKET), 0)]
    last = int((max(t for t, *_ in answers) - at) // BUCKET)
    return sum(warm) / (len(warm) * BUCKET), [buckets[b] for b in range(0, last)]


def recovered_after(warm_rate, after):
    """Seconds from the publication to the first WINDOW buckets in a row back at RECOVERED of
    the warm rate; None if none are yet."""
    for b in range(len(after) - WINDOW + 1):
        if sum(after[b : b + WINDOW]) / (WINDOW * BUCKET) >= RECOVERED * warm_rate:
            return b * BUCKET
    return None


def figures(answers, errors, started, published):
    at = published["published_at"]
    warm_rate, after = rates(answers, started, at)
    recovered = recovered_after(warm_rate, after)
    renders = [(t, path) for t, path, _status, cache in answers if cache == "miss" and t >= at]
    return {
        "warm_rps": warm_rate,
        "recovered_after_s": recovered,
        "renders": len(renders),
        "pages_rendered": len({path for _t, path in renders}),
        "last_render_after_s": max((t - at for t, _ in renders), default=None),
        "waits": sum(1 for t, *_, cache in answers if cache == "wait" and t >= at),
        "uncached": sum(1 for t, *_, cache in answers if cache is None and t >= at),
        "not_200": sum(1 for _t, _p, status, _c in answers if status != 200),
        "errors": errors[:5],
        "error_count": len(errors),
        "first_second_rps": sum(after[: round(1 / BUCKET)]),
        "buckets_after": after[: 3 * WINDOW],
        "per_second_after": [sum(after[b : b + WINDOW]) for b in range(0, len(after), WINDOW)],
        "published_page": published["page"],
    }


def summary(result):
    recovered = result["recovered_after_s"]
    last = result["last_render_after_s"]
    return (
        f"warm {result['warm_rps']:.0f} req/s; published in {result['publishing_s']:.2f} s; "
        f"back to {RECOVERED:.0%} of the warm rate after "
        + (f"{recovered:.1f} s" if recovered is not None else "no time within the run")
        + f"; first second {result['first_second_rps']:.0f} req/s; {result['renders']} renders "
        f"of {result['pages_rendered']} pages, the last "
        + (f"{last:.2f} s" if last is not None else "-")
        + f" after; {result['waits']} served after waiting"
    )


def timeline(result):
    counts = " ".join(str(n) for n in result["per_second_after"])
    return f"answers in each second from the publication: {counts}"


def checks(results):
    """(passed, text) for bench/run.py's targets. A publication commits several changes (the
    page, its revision, its log), each starting a generation within a few milliseconds: a
    request in flight then may render its page in one of the earlier ones, so a page can be
    rendered more than once, but at most once more for each connection."""
    on, off = results["on"], results["off"]
    failures = sum(r["not_200"] + r["error_count"] for r in (on, off))
    return [
        (
            on["renders"] <= on["pages_rendered"] + CONNECTIONS,
            f"After a publication, with coalescing each page is rendered about once: "
            f"{on['renders']} renders of {on['pages_rendered']} pages, {on['waits']} readers "
            f"waited ({off['renders']} renders of {off['pages_rendered']} without); back to "
            f"{RECOVERED:.0%} of the warm rate after {seconds(on['recovered_after_s'])} "
            f"({seconds(off['recovered_after_s'])} without)",
        ),
        (
            not failures,
            "Every request during the publication answered with a 200: "
            + (f"{failures} did not" if failures else "yes"),
        ),
    ]


def seconds(value):
    return "-" if value is None else f"{value:.1f} s"


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.recovery", description=__doc__)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/psg_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--media-root", help="the bench database's uploads, if not beside it")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    args.cache = "redis"
    changes = {"DJANGO_MEDIA_ROOT": args.media_root} if args.media_root else {}
    env = run.site_env(args, **changes)
    run.STATE.mkdir(parents=True, exist_ok=True)
    run.step(
        "Collecting static files", [run.PYTHON, "manage.py", "collectstatic", "--noinput"], env
    )
    urls = {
        "home": ["/"],
        "index": ["/news/"],
        "topic": ["/news/topic/mining/"],
        "rss": ["/news/feed/rss/"],
        "sitemap": ["/sitemap.xml"],
        "search": ["/search/?q=mining", "/search/?q=water"],
    }
    results = measure(args, env, urls)
    for passed, text in checks(results):
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
