"""Pages in a real browser: Debian's chromium, driven by Playwright against Django's live server."""

import os
import subprocess
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import axe_playwright_python
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect, sync_playwright

from tests.browser.server_reset import MARK_FILE
from tests.conftest import Inbox, free_port, load_site_content, manage_py, wait_until

CHROMIUM = "/usr/bin/chromium"
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in this thread; the test's own database calls are
# still synchronous, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait for what the page shows for as long as actions wait for an element (30 s),
# not Playwright's five seconds: on a busy machine the admin's background requests take longer.
# The bound only stops a broken test from hanging.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def start_mail_server():
    """A real SMTP server on loopback that keeps what the site sends (`.handler.messages`)."""
    controller = Controller(Inbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def mail_env(controller):
    """The environment that has a process of the site's own send its email to `controller`."""
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": controller.hostname,
        "EMAIL_PORT": str(controller.port),
    }


@pytest.fixture(scope="session")
def web_server_process(django_db_setup, tmp_path_factory):
    """`manage.py runserver` in a process of its own on the test database, started once for the
    run: with a scheduler in another, the site runs as separate processes, as it does in
    production. It sends its email to a real SMTP server on loopback (`.mail`). Each test's
    `web_server` tells it to forget what it cached of the last test."""
    folder = tmp_path_factory.mktemp("web-server")
    mark = folder / "mark"
    mark.write_text("start", encoding="utf-8")
    port = free_port()
    mail = start_mail_server()
    command = manage_py("runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks")
    command["env"].update({MARK_FILE: str(mark), **mail_env(mail)})
    # A file rather than a pipe that no one reads: a full pipe would stop the server.
    log = folder / "server.log"
    with log.open("w") as out:
        command.update(stdout=out, stderr=subprocess.STDOUT)
        process = subprocess.Popen(**command)
    server = SimpleNamespace(
        url=f"http://127.0.0.1:{port}",
        port=port,
        process=process,
        mark=mark,
        output=log.read_text,
        mail=mail.handler.messages,
        mail_env=mail_env(mail),
    )

    def answers():
        try:
            response = urllib.request.urlopen(server.url + "/admin/login/", timeout=2)  # noqa: S310
            return response.status == 200
        except OSError:
            return process.poll() is not None

    try:
        assert wait_until(answers, timeout=60) and process.poll() is None, server.output()
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        mail.stop()


@pytest.fixture
def web_server(transactional_db, web_server_process):
    """The web server, told that a new test begins on a database of its own."""
    assert web_server_process.process.poll() is None, web_server_process.output()
    web_server_process.mark.write_text(uuid.uuid4().hex, encoding="utf-8")
    web_server_process.mail.clear()
    return web_server_process


@pytest.fixture
def site(web_server):
    """The web server, carrying the organisation's real content."""
    load_site_content()
    return web_server


def axe_violations(page):
    """What axe-core finds against WCAG 2.2 A and AA on the page as the browser shows it."""
    # Evaluated rather than added as a <script>: the site's Content-Security-Policy rightly
    # refuses inline script, and the browser's own evaluation is not subject to it.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
    ]


# The password UserFactory gives every user.
PASSWORD = "a-long-test-password"


def log_in(browser, site, username):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def tab_to(page, selector, limit=40):
    """Presses Tab until the element is focused, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")
