"""Draws the site's shipped images from their SVG sources with chromium: the default image
for shared pages (static/images/social-default.png, 1200 by 630), the favicon
(static/images/favicon.ico: 16, 32 and 48 pixels) and the Apple touch icon
(static/images/apple-touch-icon.png, 180 pixels).

    .venv/bin/python design/images.py

Run it after changing design/social-default.svg or static/images/favicon.svg, and commit the
images it writes."""

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "static" / "images"


def render(browser, svg, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_content(
        "<style>html,body{margin:0}svg{display:block;width:100vw;height:100vh}</style>"
        + svg.read_text(encoding="utf-8")
    )
    png = page.screenshot(omit_background=True)
    page.close()
    return Image.open(io.BytesIO(png)).convert("RGBA")


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        social = render(browser, ROOT / "design" / "social-default.svg", 1200, 630)
        icon = render(browser, IMAGES / "favicon.svg", 512, 512)
        browser.close()
    social.convert("RGB").save(IMAGES / "social-default.png", optimize=True)
    # Square and opaque: iOS rounds the corners itself and shows transparency as black.
    touch = Image.new("RGBA", icon.size, icon.getpixel((icon.width // 2, 4)))
    touch.alpha_composite(icon)
    touch.convert("RGB").resize((180, 180), Image.LANCZOS).save(
        IMAGES / "apple-touch-icon.png", optimize=True
    )
    icon.save(IMAGES / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
