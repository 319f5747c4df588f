"""The site's identity on every page: the logo or the text mark, the Join button, the footer's
contact details, the favicon, and the SVG images that may be uploaded."""

import re
from html.parser import HTMLParser

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model
from wagtail.models import Site

from about.models import AboutPage
from home.images import UnsafeSvg, check_svg
from home.models import SiteSettings
from membership.models import JoinPage
from tests.conftest import load_site_content
from tests.factories import ImageFactory
from tests.query_counts import queries_for

LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    b'viewBox="0 0 120 60" width="120" height="60"><defs><linearGradient id="g">'
    b'<stop offset="0" stop-color="#9b1b30"/></linearGradient></defs><title>PSG</title>'
    b'<style>.a{fill:url(#g)}</style><rect class="a" width="120" height="60"/>'
    b'<use xlink:href="#g"/><text x="10" y="40">PSG</text></svg>'
)


def svg(inside, before=b"", namespaces=b""):
    return (
        before + b'<svg xmlns="http://www.w3.org/2000/svg"' + namespaces + b">" + inside + b"</svg>"
    )


XLINK = b' xmlns:x="http://www.w3.org/1999/xlink"'
HTML = b' xmlns:h="http://www.w3.org/1999/xhtml"'
# What an SVG could carry to run as the site, each refused.
UNSAFE_SVGS = {
    "script element": svg(b"<script>alert(1)</script>"),
    "event handler": svg(b'<rect width="9" height="9" onclick="alert(1)"/>'),
    "javascript link": svg(b'<a x:href="javascript:alert(1)"><rect/></a>', namespaces=XLINK),
    "use of another file": svg(b'<use href="https://evil.example/x.svg#a"/>'),
    "embedded HTML": svg(b"<foreignObject><h:iframe src=\"/\"/></foreignObject>", namespaces=HTML),
    "HTML by namespace": svg(b'<h:img src="x" onerror="alert(1)"/>', namespaces=HTML),
    "animation setting a link": svg(b'<set attributeName="href" to="javascript:alert(1)"/>'),
    "entities": svg(b"<text>&a;</text>", before=b'<!DOCTYPE svg [<!ENTITY a "aaaa">]>'),
    "stylesheet instruction": svg(b"", before=b'<?xml-stylesheet href="https://evil.example/x"?>'),
    "style importing": svg(b"<style>@import url(https://evil.example/a.css);</style>"),
    "style fetching": svg(b'<rect style="fill:url(https://evil.example/a)"/>'),
    "split script scheme": svg(b'<a href="java&#x0A;script:alert(1)"><rect/></a>'),
}  # fmt: skip


class Elements(HTMLParser):
    """Each element's tag and attributes, and the text of the page, as a browser parses them."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.text = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag, **attributes):
        return [
            attrs
            for name, attrs in self.elements
            if name == tag
            and all(
                value in (attrs.get(key.rstrip("_")) or "").split()
                if key.endswith("_")
                else attrs.get(key) == value
                for key, value in attributes.items()
            )
        ]


def section(html, start, end):
    html = html[html.index(start) :]
    return html[: html.index(end) + len(end)]


def site_settings():
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def content(db):
    load_site_content()


# Every kind of page, listing and view that the frame is on.
PAGES = [
    "/",
    "/news/",
    "/news/kind/briefings/",
    "/news/topic/mining/",
    "/news/2013/",
    "/news/events/",
    "/news/minas-conga-referendum-plans-disputed/",
    "/news/peru-and-the-persistence-of-inequality/",
    "/about-us/",
    "/join/",
    "/privacy/",
    "/search/?q=mining",
    "/search/",
]


def test_without_a_logo_the_header_shows_a_text_mark_and_the_name(client, content):
    header = section(
        client.get("/news/").content.decode(), '<header class="site-header">', "</header>"
    )
    page = Elements(header)
    (brand,) = page.find("a", class_="brand")
    assert brand["href"] == "/"
    assert re.search(r'<span class="brand__mark" aria-hidden="true">PSG</span>', header)
    assert '<span class="brand__name">Peru Support Group</span>' in header
    assert page.find("img") == []


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(
            lambda: ImageFactory(
                title="Logo", file__filename="logo.png", file__format="PNG", file__height=160
            ),
            id="png",
        ),
        pytest.param(None, id="svg"),
    ],
)
def test_with_a_logo_the_header_shows_it_beside_the_name(content, client, admin_client, upload):
    if upload is None:
        response = admin_client.post(
            "/admin/images/add/",
            {"title": "Logo", "file": SimpleUploadedFile("logo.svg", LOGO_SVG, "image/svg+xml")},
        )
        assert response.status_code == 302
        logo = get_image_model().objects.get(title="Logo")
    else:
        logo = upload()
    settings = site_settings()
    settings.logo = logo
    settings.save()
    client.logout()
    html = client.get("/about-us/").content.decode()
    header = section(html, '<header class="site-header">', "</header>")
    (img,) = Elements(header).find("img", class_="brand__logo")
    assert img["alt"] == ""  # the name beside it is the link's text
    assert img["src"].startswith("/media/images/logo")
    assert img["src"].endswith(".svg" if upload is None else ".png")
    assert "brand__mark" not in header
    assert '<span class="brand__name">Peru Support Group</span>' in header
    assert client.get(img["src"]).status_code == 200


def test_every_page_has_a_join_button_leading_to_the_join_page(client, content):
    join_url = JoinPage.objects.get(slug="join").url
    for url in [*PAGES, "/no-such-page/"]:
        html = client.get(url).content.decode()
        header = section(html, '<header class="site-header">', "</header>")
        assert Elements(header).find("a", class_="button--join", href=join_url), url
        assert f'<a class="button button--join" href="{join_url}">Join</a>' in header, url


def test_the_footer_invites_readers_to_join_except_on_the_join_page(client, content):
    footer_of = lambda url: section(  # noqa: E731
        client.get(url).content.decode(), '<footer class="site-footer">', "</footer>"
    )
    assert '<a class="button button--light" href="/join/">Become a member</a>' in footer_of("/")
    assert "Become a member" not in footer_of("/join/")


def test_without_a_live_join_page_there_is_no_join_button(client, content):
    JoinPage.objects.get(slug="join").unpublish()
    html = client.get("/news/").content.decode()
    assert "button--join" not in html
    assert "Become a member" not in section(html, '<footer class="site-footer">', "</footer>")


def test_the_join_link_and_the_feed_come_with_the_menu(client, content):
    """The pages just below the home page are read once for the menu, the Join button and the
    footer's feed; unpublishing the join page takes the button away."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/search/?q=mining").content.decode()
    assert 'href="/join/">Join</a>' in html
    assert "News feed (RSS)" in html
    assert len([q for q in queries.captured_queries if "membership_joinpage" in q["sql"]]) == 1
    JoinPage.objects.get(slug="join").unpublish()
    assert "button--join" not in client.get("/search/?q=lima").content.decode()


FOOTER_DETAILS = {
    "email": ("info@example.org", '<a href="mailto:info@example.org">info@example.org</a>'),
    "phone": ("+44 (0)20 7946 0000", '<a href="tel:+442079460000">+44 (0)20 7946 0000</a>'),
    "address": ("1 High Street\nLondon", "<address>1 High Street<br>London</address>"),
    "charity_details": ("Registered charity 123", "<p>Registered charity 123</p>"),
}


@pytest.mark.parametrize("field", FOOTER_DETAILS)
def test_the_footer_shows_each_contact_detail_only_when_set(client, content, field):
    footer_of = lambda: section(  # noqa: E731
        client.get("/about-us/").content.decode(), '<footer class="site-footer">', "</footer>"
    )
    value, shown = FOOTER_DETAILS[field]
    assert shown not in footer_of()
    settings = site_settings()
    setattr(settings, field, value)
    settings.save()
    footer = footer_of()
    assert shown in footer
    for other, (_value, other_shown) in FOOTER_DETAILS.items():
        if other != field:
            assert other_shown not in footer
    assert ("Contact us" in footer) == (field != "charity_details")


def test_a_footer_with_nothing_set_is_still_complete(client, content):
    footer = section(client.get("/").content.decode(), '<footer class="site-footer">', "</footer>")
    page = Elements(footer)
    assert "Contact us" not in footer
    assert page.find("ul", class_="contact-list") == []
    text = " ".join(" ".join(page.text).split())
    assert text.startswith("Peru Support Group")
    assert page.find("a", href="/join/")
    assert page.find("a", href="http://testserver/news/feed/rss/")
    assert page.find("a", href="/privacy/")
    # No list, paragraph or section left empty.
    assert not re.search(r"<(ul|p|div|nav)[^>]*>\s*</\1>", footer)


def test_the_footer_links_social_pages_and_a_number_without_digits_stays_text(client, content):
    settings = site_settings()
    settings.phone = "ask at the office"
    settings.social_links = [("link", {"name": "Bluesky", "url": "https://bsky.app/x"})]
    settings.save()
    footer = section(client.get("/").content.decode(), '<footer class="site-footer">', "</footer>")
    assert "ask at the office" in footer
    assert "tel:" not in footer
    assert '<a href="https://bsky.app/x" rel="me">Bluesky</a>' in footer


def test_favicon_ico_is_an_icon_browsers_may_cache(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "public" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1]) >= 86400
    assert client.post("/favicon.ico").status_code == 405


def test_every_page_links_its_icons(client, content):
    head = Elements(client.get("/news/").content.decode())
    icons = {link["href"]: link for link in head.find("link", rel="icon")}
    (touch,) = head.find("link", rel="apple-touch-icon")
    assert any(href.endswith(".svg") for href in icons)
    assert any(href.endswith(".ico") for href in icons)
    for href in [*icons, touch["href"]]:
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("name", UNSAFE_SVGS)
def test_an_svg_that_could_run_script_is_refused(name):
    with pytest.raises(UnsafeSvg):
        check_svg(UNSAFE_SVGS[name])


def test_a_plain_svg_is_accepted():
    check_svg(LOGO_SVG)


@pytest.mark.parametrize("name", ["script element", "event handler", "use of another file"])
def test_uploading_an_unsafe_svg_says_why_and_stores_nothing(admin_client, name):
    response = admin_client.post(
        "/admin/images/add/",
        {"title": "Bad", "file": SimpleUploadedFile("bad.svg", UNSAFE_SVGS[name], "image/svg+xml")},
    )
    assert response.status_code == 200
    assert "This SVG cannot be used because" in response.content.decode()
    assert not get_image_model().objects.filter(title="Bad").exists()


def test_the_multiple_uploader_refuses_an_unsafe_svg(admin_client):
    response = admin_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("bad.svg", UNSAFE_SVGS["script element"], "image/svg+xml")},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "This SVG cannot be used" in response.json()["error_message"]
    assert not get_image_model().objects.exists()


def test_uploads_are_served_unable_to_run_anything(client, db):
    image = ImageFactory()
    response = client.get(image.file.url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy


def test_a_spanish_page_links_the_english_notice_while_the_spanish_one_is_not_live(client, content):
    queries = queries_for(client, "/es/hagase-miembro/")
    AboutPage.objects.get(slug="aviso-de-privacidad").unpublish()
    html = client.get("/es/hagase-miembro/").content.decode()
    legal = Elements(section(html, '<div class="site-footer__legal">', "</div>"))
    # The English title, marked as English, as the link's text and its target.
    assert legal.find("a") == [{"href": "/privacy/", "hreflang": "en-GB", "lang": "en-GB"}]
    assert "Privacy notice" in legal.text
    # The consent sentence stays Spanish throughout: only its target is marked English.
    assert '<a href="/privacy/" hreflang="en-GB">aviso de privacidad</a>' in html
    assert "/es/aviso-de-privacidad/" not in html
    english = client.get("/join/").content.decode()
    assert '<a href="/privacy/">Privacy notice</a>' in english
    assert '<a href="/privacy/">privacy notice</a>' in english
    # Whichever notice it links, or none, the page reads it with the site settings.
    assert queries_for(client, "/es/hagase-miembro/") == queries
    settings = site_settings()
    settings.privacy_notice = None
    settings.save()
    assert queries_for(client, "/es/hagase-miembro/") == queries
