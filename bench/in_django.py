"""The benchmark's steps that run inside the site: building the archive, counting queries,
measuring the admin, and publishing a news item while the site is under load (bench/recovery.py).
bench/run.py runs them as `python -m bench.in_django <step>` with the production settings and
the bench's own database in the environment. Progress goes to standard error; standard output
carries the site's JSON log lines."""

import argparse
import json
import sys
import time
from pathlib import Path

import django


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.in_django", description=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)
    build = steps.add_parser("build", help="add the archive under the news index")
    build.add_argument("--items", type=int, required=True)
    build.add_argument("--events", type=int, required=True)
    build.add_argument("--images", type=int, required=True)
    build.add_argument("--documents", type=int, required=True)
    build.add_argument("--seed", type=int, required=True)
    count = steps.add_parser("count", help="count each URL's queries; write them as JSON")
    count.add_argument("--host", required=True, help="the Host header the server answers to")
    count.add_argument(
        "--probe-dir", type=Path, required=True, help="where to write pages as static files"
    )
    count.add_argument("--output", type=Path, required=True)
    publishing = steps.add_parser(
        "publish",
        help='say "ready" on standard error, publish a news item when a line comes on standard '
        "input, and write its moment (time.time()) and address as JSON",
    )
    publishing.add_argument("--output", type=Path, required=True)
    admin = steps.add_parser(
        "admin", help="time the admin's screens as a moderator, count their queries; as JSON"
    )
    admin.add_argument("--host", required=True, help="the Host header the server answers to")
    admin.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()

    django.setup()
    # The steps import the site's models, which need Django set up first.
    if args.step == "build":
        from bench.archive import build

        build(args.items, args.events, args.images, args.documents, args.seed, log=sys.stderr)
    elif args.step == "admin":
        from bench.admin import measure

        args.output.write_text(json.dumps(measure(args.host), indent=2))
    elif args.step == "count":
        from bench.queries import count

        args.output.write_text(json.dumps(count(args.host, args.probe_dir), indent=2))
    else:
        publish(args.output)


def publish(output):
    """A new revision of the benchmark's news item, published as the admin publishes one; in one
    transaction, so that the cache's new generation starts once, at its commit."""
    from django.db import transaction

    from bench.queries import typical_news_item

    page = typical_news_item()
    print("ready", file=sys.stderr, flush=True)
    sys.stdin.readline()
    with transaction.atomic():
        page.save_revision().publish()
    published = {"published_at": time.time(), "page": page.url}
    output.write_text(json.dumps(published))


if __name__ == "__main__":
    main()
