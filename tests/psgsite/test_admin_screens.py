"""Every admin screen that each role reaches answers without a server error, on the site as
production runs it: gunicorn, the production settings, and the static files collected with their
manifest. The other tests use plain static storage, which serves any name; under the manifest, a
template that names a file missing from it fails the whole page.

Once logged in, the crawl starts from the dashboard and the screens the roles work with, follows
links only and sends GET requests alone, so it changes nothing."""

import json
import re
import urllib.parse
from collections import Counter, deque
from html.parser import HTMLParser

from wagtail_localize.operations import translate_object

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, PageLogEntry
from wagtail.models.audit_log import ModelLogEntry

from about.models import AboutPage
from alerts.models import Subscription
from membership.models import InterestRegistration
from news.models import EventPage, NewsPage, Topic
from psgsite.roles import EDITORS, MEMBERSHIP_SECRETARIES, MODERATORS, set_up_roles
from tests.conftest import load_site_content
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    MembershipApplicationFactory,
    MembershipTypeFactory,
)
from tests.psgsite.conftest import log_in, staff
from tests.psgsite.web_client import WebClient

# Addresses that differ only in their numbers (the page 12 and the page 40 editor) show the same
# screen: two of each are enough, beside the screens named in admin_content(), where each kind of
# page is edited. On each screen, each filter, ordering or page of a listing is tried once, not
# again in every combination with the others.
VISITS_PER_SCREEN = 2
# A bound on each role's crawl, which keeps its time within CI's: the superuser's, the widest,
# reaches some 370 addresses today, the other roles' at most 220. A crawl it stops says so.
VISITS_PER_ROLE = 500
NEVER_FOLLOWED = ("/admin/logout/",)
REDIRECTS = {301, 302, 303, 307, 308}
# What a search form is sent with: a word the site's content holds.
SEARCH = "Peru"


def admin_content():
    """The site's content with a row on every listing: membership types on offer and not, an
    application, a registration of interest, an image, a document, a redirect, drafts of a news
    item and an event on the dashboard of each role that edits pages, a page awaiting
    moderation, a page being translated, and an email alert subscriber. Returns a user in each
    role, and screens by name."""
    load_site_content()
    set_up_roles()
    users = {
        EDITORS: staff("edna", groups=[EDITORS]),
        MODERATORS: staff("mo", groups=[MODERATORS]),
        MEMBERSHIP_SECRETARIES: staff("sec", groups=[MEMBERSHIP_SECRETARIES]),
        "Superuser": staff("admin", is_superuser=True, is_staff=True),
    }
    individual = MembershipTypeFactory(name="Individual", display_order=1)
    retired = MembershipTypeFactory(name="Student (old rate)", active=False, display_order=2)
    application = MembershipApplicationFactory(full_name="Ana Quispe", membership_type=individual)
    interest = InterestRegistration.objects.create(full_name="Rosa Mamani", email="r@example.org")
    ImageFactory(title="Andes")
    DocumentFactory(title="Briefing on Conga")
    Redirect.objects.create(old_path="/old-briefings", redirect_link="/news/")
    subscription = Subscription.objects.create(email="reader@example.org", news=True)
    subscription.topics.set(Topic.objects.order_by("pk")[:1])

    story = NewsPage.objects.live().order_by("-date").first()
    event = EventPage.objects.live().first()
    for page in (story, event):
        title = page.title
        for user in (users[EDITORS], users[MODERATORS], users["Superuser"]):
            page.title = f"{title} (draft by {user.username})"
            page.save_revision(user=user, log_action=True)
    about = AboutPage.objects.live().first()
    about.title = "A new title awaiting approval"
    about.save_revision(user=users[EDITORS], log_action=True)
    about.get_workflow().start(about, users[EDITORS])
    # The privacy notice in Spanish, translated by an editor and submitted for moderation (so
    # that the dashboards link to it): wagtail-localize's translation editor.
    privacy = AboutPage.objects.get(slug="privacy")
    spanish = Locale.objects.get(language_code="es")
    translate_object(privacy, [spanish], user=users[EDITORS])
    translation = privacy.get_translation(spanish)
    translation.get_workflow().start(translation, users[EDITORS])
    screens = {
        "dashboard": "/admin/",
        "types": "/admin/membership/membershiptype/",
        "type": f"/admin/membership/membershiptype/edit/{retired.pk}/",
        "applications": "/admin/membership/membershipapplication/",
        "application": f"/admin/membership/membershipapplication/inspect/{application.pk}/",
        "interests": "/admin/membership/interestregistration/",
        "interest": f"/admin/membership/interestregistration/inspect/{interest.pk}/",
        "news draft": f"/admin/pages/{story.pk}/edit/",
        "event draft": f"/admin/pages/{event.pk}/edit/",
        "in moderation": f"/admin/pages/{about.pk}/edit/",
        "translation editor": f"/admin/pages/{translation.pk}/edit/",
        "images": "/admin/images/",
        "documents": "/admin/documents/",
        "users": "/admin/users/",
        "redirects": "/admin/redirects/",
        "topics": "/admin/snippets/news/topic/",
        "topic merge": f"/admin/snippets/news/topic/merge/{Topic.objects.order_by('pk')[0].pk}/",
        "subscribers": "/admin/snippets/alerts/subscription/",
        "subscriber": f"/admin/snippets/alerts/subscription/inspect/{subscription.pk}/",
        "subscriber counts": "/admin/snippets/alerts/subscription/counts/",
    }
    return users, screens


def features(address):
    """What a visit to the address tries, each with how often it is worth trying: the screen,
    which is the path with the numbers taken out, or with a query, each of its parameters on
    that screen."""
    parts = urllib.parse.urlsplit(address)
    screen = re.sub(r"[0-9]+", "#", parts.path)
    # A listing's results alone (.../results/, history-results/, which its search and filters
    # fetch) are the listing's own table, which the listing's screen shows already.
    screen = re.sub(r"[/-]results/", "/", screen)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if not query:
        return {screen: VISITS_PER_SCREEN}
    # An ordering and its reverse (?ordering=-title) sort by the same column, and orderings by
    # several columns (?o=2.-1.4) are told apart by their length alone.
    return {(screen, name, re.sub(r"-?[0-9]+", "#", value).lstrip("-")): 1 for name, value in query}


def admin_address(base, link, netloc):
    """The admin address a link on the page at `base` points to; None for any other."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(base, link.strip()))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", netloc):
        return None
    if not parts.path.startswith("/admin/") or parts.path.startswith(NEVER_FOLLOWED):
        return None
    # The address to come back to (?next=) changes only where the screen's cancel link goes.
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = urllib.parse.urlencode([(name, value) for name, value in query if name != "next"])
    return urllib.parse.urlunsplit(("", "", parts.path, query, ""))


def json_addresses(value):
    """Every admin address in a JSON document."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from json_addresses(item)
    elif isinstance(value, str) and value.startswith("/admin/"):
        yield value


class PageLinks(HTMLParser):
    """The links of a page, and the static files it names. Links are those of anchors, of the
    sidebar's menu (which the admin's JavaScript builds from JSON in the page) and of forms sent
    by GET: their action alone, and for a search form, a search. (Python's own parser: a tree of
    each page, as BeautifulSoup builds, would cost the crawl more than the server's work.)"""

    def __init__(self, html):
        super().__init__()
        self.links, self.assets = [], []
        self.form, self.sidebar = None, None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            get = (attrs.get("method") or "get").lower() == "get"
            self.form = (attrs.get("action") or "") if get else None
            if get:
                self.links.append(self.form)
        elif tag == "input" and attrs.get("name") == "q" and self.form is not None:
            self.links.append(f"{self.form}?{urllib.parse.urlencode({'q': SEARCH})}")
        elif tag == "script" and attrs.get("id") == "wagtail-sidebar-props":
            self.sidebar = []
        if tag in ("link", "script", "img"):
            asset = attrs.get("href") or attrs.get("src") or ""
            if asset.startswith("/static/"):
                self.assets.append(asset)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "script" and self.sidebar is not None:
            self.links += json_addresses(json.loads("".join(self.sidebar)))
            self.sidebar = None

    def handle_data(self, data):
        if self.sidebar is not None:
            self.sidebar.append(data)


def crawl(client, server, start):
    """Breadth first from the addresses in start over the admin links of the pages reached, each
    address once. Returns each address visited with its status, the static files the pages name
    with a page that names each, and whether the crawl stopped at its bound."""
    netloc = urllib.parse.urlsplit(server.url).netloc
    queue, queued, tried = deque(start), set(start), Counter()
    for address in start:
        tried.update(features(address).keys())
    statuses, assets = {}, {}
    while queue and len(statuses) < VISITS_PER_ROLE:
        address = queue.popleft()
        response = client.get(server.url + address)
        statuses[address] = response.status
        links = []
        if response.status in REDIRECTS:
            links = [response.location]
        elif response.headers.get("Content-Type", "").startswith("text/html"):
            page = PageLinks(response.text)
            links = page.links
            for asset in page.assets:
                assets.setdefault(asset, address)
        for link in links:
            target = admin_address(address, link, netloc)
            if target is None or target in queued:
                continue
            worth = features(target)
            if any(tried[feature] < times for feature, times in worth.items()):
                queued.add(target)
                tried.update(worth.keys())
                queue.append(target)
    return statuses, assets, bool(queue)


def server_errors(output):
    """What each server error in the server's log was: the request and the exception's last
    line."""
    errors = []
    for line in output.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") == "django.request" and record.get("level") == "ERROR":
            reason = (record.get("exc_info") or "").strip().splitlines()[-1:]
            errors.append(": ".join([record["message"], *reason]))
    return errors


def log_entries():
    return PageLogEntry.objects.count() + ModelLogEntry.objects.count()


def test_every_admin_screen_each_role_reaches_answers_without_a_server_error(
    start_production_server,
):
    users, screens = admin_content()
    server = start_production_server()
    entries = log_entries()
    failures, reached, checked = [], {}, set()
    for role, user in users.items():
        client = WebClient()
        log_in(client, server, user)
        statuses, assets, stopped = crawl(client, server, ["/admin/", *screens.values()])
        print(
            f"{role}: {len(statuses)} admin screens visited"
            + (f" (stopped at the bound of {VISITS_PER_ROLE})" if stopped else "")
        )
        failures += [
            f"{role}: {address} answered {status}"
            for address, status in statuses.items()
            if status >= 500
        ]
        # A file missing from the manifest fails the page that names it; one that the manifest
        # names but the server does not have is a 404 of the file.
        for asset in assets.keys() - checked:
            checked.add(asset)
            status = client.get(server.url + asset).status
            if status != 200:
                failures.append(f"{role}: {asset}, named by {assets[asset]}, answered {status}")
        reached[role] = {name for name, address in screens.items() if statuses.get(address) == 200}
    print(f"{len(checked)} static files fetched")
    assert not failures, "\n".join([*failures, "", *server_errors(server.output())])

    # Each role is let in to the screens it works with, and to no others.
    pages = {
        "dashboard",
        "news draft",
        "event draft",
        "in moderation",
        "translation editor",
        "images",
        "documents",
    }
    membership = {
        "dashboard",
        "types",
        "type",
        "applications",
        "application",
        "interests",
        "interest",
        "subscribers",
        "subscriber",
        "subscriber counts",
    }
    assert reached == {
        EDITORS: pages,
        MODERATORS: pages | {"topics", "topic merge"},
        MEMBERSHIP_SECRETARIES: membership,
        "Superuser": set(screens),
    }
    # Looking changed nothing.
    assert log_entries() == entries
