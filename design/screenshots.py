"""`make screenshots`: the README's pictures of the site, at a phone's width (375 px) and a
laptop's (1280 px), taken in Debian's chromium from the site served with its day-one content
(bench/showcase.py), into design/screenshots/. Run it again after changing how the site looks."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.showcase import page_paths, served_site  # noqa: E402

FOLDER = Path(__file__).resolve().parent / "screenshots"
PAGES = ["home", "article"]
WIDTHS = {"mobile": 375, "desktop": 1280}
# The first screenful and a little more: what a reader meets before scrolling.
HEIGHTS = {"mobile": 1400, "desktop": 1100}


def main():
    FOLDER.mkdir(exist_ok=True)
    with served_site() as address, sync_playwright() as playwright:
        paths = page_paths(address)
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for device, width in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": HEIGHTS[device]}, device_scale_factor=1
            )
            tab = context.new_page()
            for name in PAGES:
                tab.goto(address + paths[name])
                tab.wait_for_load_state("load")
                target = FOLDER / f"{name}-{device}.png"
                tab.screenshot(path=str(target))
                print("wrote", target.relative_to(FOLDER.parent.parent))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
