"""`make lighthouse`: Lighthouse 12 (mobile, its default) on one page of each kind, served as
production serves it with the day-one content (bench/showcase.py). Prints each page's four
category scores and exits non-zero where one is below 95."""

import json
import os
import subprocess
import sys

from bench.showcase import ROOT, page_paths, served_site

TARGET = 95
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TOOLS = ROOT / ".local" / "lighthouse"
VERSION = "12"
# Search results are kept out of search engines' indexes on purpose (noindex), which
# Lighthouse's SEO category counts against a page; that one audit is skipped there.
SKIPPED = {"search": ["is-crawlable"]}


def lighthouse_command():
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        print(f"==> Installing Lighthouse {VERSION} from the npm registry into {TOOLS}", flush=True)
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(TOOLS),
                f"lighthouse@{VERSION}",
            ],
            check=True,
        )
    return str(binary)


def audit(binary, url, skipped=()):
    # Lighthouse with this chromium now and then loses the trace of a page load (NO_NAVSTART),
    # a fault of the recording that it asks to be run again for.
    for _attempt in range(3):
        result = run_lighthouse(binary, url, skipped)
        if result.returncode == 0 or "NO_NAVSTART" not in result.stderr:
            break
    if result.returncode != 0:
        sys.exit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return scores_of(json.loads(result.stdout))


def run_lighthouse(binary, url, skipped):
    return subprocess.run(  # noqa: S603
        [
            binary,
            url,
            "--quiet",
            "--output=json",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
            *([f"--skip-audits={','.join(skipped)}"] if skipped else []),
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def scores_of(report):
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = [
        check["title"]
        for check in report["audits"].values()
        if check.get("score") is not None
        and check["score"] < 0.9
        and check.get("scoreDisplayMode") == "binary"
    ]
    return scores, failing


def main():
    binary = lighthouse_command()
    below = []
    with served_site() as address:
        paths = page_paths(address)
        print(f"\n{'page':<12} {'path':<48} " + " ".join(f"{c[:13]:>14}" for c in CATEGORIES))
        for name, path in paths.items():
            scores, failing = audit(binary, address + path, SKIPPED.get(name, ()))
            print(
                f"{name:<12} {path[:48]:<48} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES),
                flush=True,
            )
            for title in failing:
                print(f"{'':<12} failed audit: {title}")
            below += [(name, c, s) for c, s in scores.items() if s < TARGET]
    if below:
        for name, category, score in below:
            print(f"FAIL: {name} scores {score} for {category} (target {TARGET})")
        sys.exit(1)
    print(f"PASS: every page scores at least {TARGET} in every category")


if __name__ == "__main__":
    main()
