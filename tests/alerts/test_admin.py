"""Email alert subscriptions in the admin, through real requests: the membership secretary lists,
searches, filters, inspects, exports and deletes them and reads the subscriber counts; no one adds
or edits a reader's choices; and everyone else is refused."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from django.utils import timezone

from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry
from wagtail.test.utils import WagtailTestUtils

from alerts.models import Subscription
from news.models import Topic
from psgsite.roles import EDITORS, MEMBERSHIP_SECRETARIES, MODERATORS, set_up_roles
from tests.alerts.subscribers import make_subscribers
from tests.factories import UserFactory

LIST = "/admin/snippets/alerts/subscription/"
COUNTS = f"{LIST}counts/"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def roles(home):
    set_up_roles()


@pytest.fixture
def secretary_client(client, roles):
    client.force_login(UserFactory(groups=[MEMBERSHIP_SECRETARIES]))
    return client


@pytest.fixture
def people(db):
    return make_subscribers()


def listed(response):
    """The subscriptions on a listing page, by address, in the order shown."""
    assert response.status_code == 200, response.status_code
    soup = WagtailTestUtils.get_soup(response.content)
    return [
        Subscription.objects.get(pk=box["data-object-id"]).email
        for box in soup.select("tbody tr input[data-object-id]")
    ]


def menu_labels(response):
    """Every label in the admin's sidebar menu, which the page carries as JSON for its script."""
    soup = WagtailTestUtils.get_soup(response.content)
    labels = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("label"), str):
                labels.append(value["label"])
            value = list(value.values())
        if isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(soup.find("script", id="wagtail-sidebar-props").string))
    return labels


def download(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# The secretary's work


def test_the_secretary_finds_email_alerts_in_the_menu(secretary_client):
    labels = menu_labels(secretary_client.get("/admin/"))
    assert "Email alerts" in labels
    assert "Subscribers" in labels and "Subscriber counts" in labels


def test_the_listing_shows_every_subscription_newest_first_with_what_it_follows(
    secretary_client, people
):
    response = secretary_client.get(LIST)
    assert listed(response) == [
        "dee@example.org",
        "cy@example.net",
        "Ben@Example.org",
        "ana@example.org",
    ]
    soup = WagtailTestUtils.get_soup(response.content)
    ben = soup.find("input", attrs={"data-object-id": str(people["ben"].pk)}).find_parent("tr")
    cells = [cell.get_text(" ", strip=True) for cell in ben.find_all("td")]
    assert "Briefings, Mining" in cells
    assert cells[1].startswith("Ben@Example.org")
    assert "A weekly digest" in cells and "Confirmed" in cells
    assert "Español" in cells
    dee = soup.find("input", attrs={"data-object-id": str(people["dee"].pk)}).find_parent("tr")
    assert "Waiting for confirmation" in [cell.get_text(strip=True) for cell in dee("td")]
    # No one adds a subscription: readers subscribe themselves.
    assert f"{LIST}add/" not in response.content.decode()
    assert soup.find("a", href=COUNTS).get_text(strip=True) == "Subscriber counts"


def test_the_listing_takes_a_constant_number_of_queries(
    secretary_client, people, django_assert_max_num_queries
):
    secretary_client.get(LIST)  # warms the session and the user's permissions
    with django_assert_max_num_queries(30) as few:
        secretary_client.get(LIST)
    for n in range(20):
        Subscription.objects.create(email=f"more{n}@example.org").topics.set([people["water"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_client.get(LIST)
    assert len(listed(response)) == 24


@pytest.mark.parametrize(
    "q, expected",
    [
        ("ben@example.org", ["Ben@Example.org"]),
        ("BEN", ["Ben@Example.org"]),
        ("example.net", ["cy@example.net"]),
        ("nobody", []),
        # A search the form refuses is no search.
        ("\x00", ["dee@example.org", "cy@example.net", "Ben@Example.org", "ana@example.org"]),
    ],
)
def test_the_secretary_searches_by_email(secretary_client, people, q, expected):
    assert listed(secretary_client.get(LIST, {"q": q})) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"confirmed": "yes"}, ["cy@example.net", "Ben@Example.org", "ana@example.org"]),
        ({"confirmed": "no"}, ["dee@example.org"]),
        ({"frequency": "weekly"}, ["Ben@Example.org"]),
        ({"frequency": "immediate"}, ["dee@example.org", "cy@example.net", "ana@example.org"]),
        ({"follows": "news"}, ["ana@example.org"]),
        ({"follows": "briefings"}, ["Ben@Example.org"]),
        ({"follows": "events"}, ["cy@example.net"]),
        ({"follows": "topics"}, ["dee@example.org", "cy@example.net", "Ben@Example.org"]),
        ({"topic": "mining"}, ["dee@example.org", "Ben@Example.org"]),
        ({"topic": "water", "confirmed": "yes"}, ["cy@example.net"]),
        ({"language": "es"}, ["Ben@Example.org"]),
        ({"language": "en-gb"}, ["dee@example.org", "cy@example.net", "ana@example.org"]),
    ],
)
def test_the_secretary_filters_the_list(secretary_client, people, query, expected):
    query = {**query}
    if "topic" in query:
        query["topic"] = people[query["topic"]].pk
    assert listed(secretary_client.get(LIST, query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"confirmed": "maybe"},
        {"frequency": "daily"},
        {"language": "fr"},
        {"follows": "everything"},
        {"topic": "999999"},
        {"topic": "mining"},
        {"topic": str(2**70)},
        {"topic": "\x00"},
        {"email__startswith": "ana"},
        {"ordering": "key"},
        {"ordering": "nonsense"},
        {"p": "999"},
    ],
)
def test_a_bad_filter_value_never_fails(secretary_client, people, query):
    response = secretary_client.get(LIST, query)
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 200:
        # An unknown value filters nothing away, and a lookup that is no filter is ignored.
        assert len(listed(response)) == 4


def test_the_secretary_inspects_a_subscription(secretary_client, people):
    ben = people["ben"]
    response = secretary_client.get(f"{LIST}inspect/{ben.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Ben@Example.org", "Mining", "A weekly digest", "Español"):
        assert text in html
    # The secret its links carry is not shown to staff.
    assert ben.key not in html
    assert f"{LIST}edit/{ben.pk}/" not in html


def export_rows(response, kind):
    assert response.status_code == 200, response.status_code
    name = f"email-alert-subscriptions.{kind}"
    assert f'filename="{name}"' in response["Content-Disposition"]
    if kind == "csv":
        return list(csv.reader(io.StringIO(download(response).decode("utf-8"))))
    sheet = load_workbook(io.BytesIO(download(response))).active
    return [[cell.value or "" for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_holds_the_filtered_list(secretary_client, people, kind):
    response = secretary_client.get(LIST, {"confirmed": "yes", "export": kind})
    header, *rows = export_rows(response, kind)
    assert header == ["Email", "Follows", "Frequency", "Language", "Subscribed", "Confirmed"]
    ben = people["ben"]
    assert [row[0] for row in rows] == ["cy@example.net", "Ben@Example.org", "ana@example.org"]
    assert rows[1] == [
        "Ben@Example.org",
        "Briefings, Mining",
        "A weekly digest",
        "Español",
        local(ben.created_at),
        local(ben.confirmed_at),
    ]


def test_an_address_like_a_formula_is_exported_as_text(secretary_client, db):
    Subscription.objects.create(email="=1+2@example.org", news=True)
    _, row = export_rows(secretary_client.get(LIST, {"export": "csv"}), "csv")
    assert row[0] == "'=1+2@example.org"


def test_the_secretary_deletes_a_subscription(secretary_client, people):
    dee = people["dee"]
    url = f"{LIST}delete/{dee.pk}/"
    assert secretary_client.get(url).status_code == 200
    response = secretary_client.post(url)
    assert response.status_code == 302
    assert not Subscription.objects.filter(pk=dee.pk).exists()
    assert Subscription.objects.count() == 3
    # Its topics stay, and so do the others' choices.
    assert list(people["ben"].topics.all()) == [people["mining"]]
    # The audit log says that it went, without the address.
    entry = ModelLogEntry.objects.get(action="wagtail.delete")
    assert entry.label == f"Subscription {dee.pk}"
    assert "dee@example.org" not in json.dumps(list(ModelLogEntry.objects.values()), default=str)


def test_the_secretary_deletes_several_at_once(secretary_client, people):
    url = "/admin/bulk/alerts/subscription/delete/"
    ids = [people["ana"].pk, people["dee"].pk]
    query = "&".join(f"id={pk}" for pk in ids)
    confirm = secretary_client.get(f"{url}?{query}")
    assert confirm.status_code == 200
    assert "ana@example.org" in confirm.content.decode()
    response = secretary_client.post(f"{url}?{query}")
    assert response.status_code == 302
    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "Ben@Example.org",
        "cy@example.net",
    ]
    assert "@" not in json.dumps(list(ModelLogEntry.objects.values()), default=str)


def test_markup_in_an_address_is_shown_as_text(secretary_client, db):
    # An address field takes no markup, but one stored by any other way is still only text.
    subscription = Subscription.objects.create(email=f"{SCRIPT}@example.org", news=True)
    for url in (LIST, f"{LIST}inspect/{subscription.pk}/", f"{LIST}delete/{subscription.pk}/"):
        html = secretary_client.get(url).content.decode()
        assert SCRIPT not in html, url


# No one adds or edits a subscription


@pytest.fixture
def superuser_client(client, roles):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def stored():
    return (
        list(Subscription.objects.order_by("pk").values()),
        list(Subscription.topics.through.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("who", ["secretary_client", "superuser_client"])
def test_no_one_adds_a_subscription_or_changes_a_readers_choices(request, people, who):
    client = request.getfixturevalue(who)
    ana = people["ana"]
    before = stored()
    for url, data in (
        (f"{LIST}add/", {"email": "new@example.org", "news": "on", "frequency": "immediate"}),
        (f"{LIST}edit/{ana.pk}/", {"email": "ana@example.org", "events": "on"}),
        (f"{LIST}copy/{ana.pk}/", {"email": "copy@example.org"}),
    ):
        assert client.get(url).status_code in (302, 403, 404), url
        assert client.post(url, data).status_code in (302, 403, 404), url
    assert stored() == before
    html = client.get(LIST).content.decode()
    assert f"{LIST}add/" not in html and f"{LIST}edit/" not in html


def test_the_policy_names_no_one_who_may_add_or_change_a_subscription(people, roles):
    superuser = UserFactory(is_superuser=True)
    secretary = UserFactory(groups=[MEMBERSHIP_SECRETARIES])
    policy = policy_registry.get_by_type(Subscription)
    assert not policy.users_with_any_permission(["add", "change"]).exists()
    assert set(policy.users_with_permission("delete")) == {superuser, secretary}
    for user in (superuser, secretary):
        assert not policy.user_has_any_permission(user, ["add", "change"])
        assert policy.user_has_permission(user, "view")


# The counts


def test_the_counts_give_confirmed_subscribers_per_choice(secretary_client, people):
    response = secretary_client.get(COUNTS)
    assert response.status_code == 200
    soup = WagtailTestUtils.get_soup(response.content)

    def table(name):
        return [
            [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
            for row in soup.select(f"#{name} tbody tr")
        ]

    assert table("subscriber-totals") == [["Confirmed", "3"], ["Waiting for confirmation", "1"]]
    assert table("subscriber-choices") == [
        ["All news and briefings", "1"],
        ["Briefings only", "1"],
        ["Events", "1"],
    ]
    assert table("subscriber-frequencies") == [
        ["An email for each item", "2"],
        ["A weekly digest", "1"],
    ]
    assert table("subscriber-languages") == [["English", "2"], ["Español", "1"]]
    assert table("subscriber-topics") == [["Mining", "1", "1"], ["Water", "1", "0"]]


def test_the_counts_take_a_constant_number_of_queries(
    secretary_client, people, django_assert_max_num_queries
):
    secretary_client.get(COUNTS)
    with django_assert_max_num_queries(30) as few:
        secretary_client.get(COUNTS)
    for n in range(10):
        topic = Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}")
        Subscription.objects.create(email=f"t{n}@example.org", confirmed_at=timezone.now())
        topic.subscriptions.add(*Subscription.objects.all())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert secretary_client.get(COUNTS).status_code == 200


# Everyone else


@pytest.fixture(params=[EDITORS, MODERATORS, None])
def other_staff(request, roles):
    """Editors and moderators, and someone with an account but no role."""
    return UserFactory(groups=[request.param] if request.param else [])


def refused_urls(subscription):
    s = subscription.pk
    return [
        LIST,
        f"{LIST}?q=ana",
        f"{LIST}?export=csv",
        f"{LIST}?export=xlsx",
        f"{LIST}results/",
        f"{LIST}inspect/{s}/",
        f"{LIST}delete/{s}/",
        f"{LIST}history/{s}/",
        f"{LIST}usage/{s}/",
        # One that does not exist is refused alike: a 404 would tell which ones do.
        f"{LIST}inspect/999999/",
        f"{LIST}add/",
        f"{LIST}edit/{s}/",
        COUNTS,
        f"/admin/bulk/alerts/subscription/delete/?id={s}",
    ]


def test_other_staff_are_refused_every_subscription_page(client, other_staff, people):
    ana = people["ana"]
    client.force_login(other_staff)
    before = stored()
    for url in refused_urls(ana):
        response = client.get(url)
        if other_staff.groups.exists():
            assert response.status_code == 403, f"{url} answered {response.status_code}"
        else:  # no admin access at all: sent to log in
            assert response.status_code == 302, f"{url} answered {response.status_code}"
            assert response.url.startswith("/admin/login/"), url
        assert b"ana@example.org" not in download(response), url
    for url in (f"{LIST}delete/{ana.pk}/", f"/admin/bulk/alerts/subscription/delete/?id={ana.pk}"):
        response = client.post(url)
        assert response.status_code in (302, 403), url
    assert stored() == before
    if other_staff.groups.exists():
        labels = menu_labels(client.get("/admin/"))
        assert "Email alerts" not in labels and "Subscriber counts" not in labels


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    before = stored()
    for url in refused_urls(people["ana"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url
    assert stored() == before
