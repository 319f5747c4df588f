"""The membership admin as staff use it, through real requests: the membership secretary's
listing, filters, search, exports and decisions; the membership types and what the join page
offers; markup from the public shown as text; and everyone else refused."""

import csv
import datetime
import io
import json
import re

import pytest
from openpyxl import load_workbook

from django.utils import timezone
from django.utils.html import escape

from wagtail.test.utils import WagtailTestUtils

from membership.models import MembershipApplication, MembershipType, QueuedEmail
from psgsite.roles import EDITORS, MODERATORS
from tests.factories import MembershipApplicationFactory, UserFactory
from tests.membership.conftest import application_data

APPLICATIONS = "/admin/membership/membershipapplication/"
TYPES = "/admin/membership/membershiptype/"
PERSONAL_DATA = "/admin/membership/personal-data/"

HEADINGS = [
    "Reference",
    "Submitted",
    "Status",
    "Membership Type",
    "Full Name",
    "Email",
    "Postal Address",
    "Phone",
    "How They Heard Of Us",
    "News By Email",
    "Language",
    "Decided",
]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def london(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def applications(membership_types):
    individual, organisation = membership_types["individual"], membership_types["organisation"]
    return {
        "ana": MembershipApplicationFactory(
            full_name="Ana Quispe",
            email="ana.q@example.org",
            membership_type=individual,
            submitted_at=london(2026, 1, 15, 10, 0),
        ),
        "bruno": MembershipApplicationFactory(
            full_name="Bruno Mamani",
            email="bm@lima.example.net",
            address="Av. Arequipa 100\nLima",
            phone="+51 1 555 0100",
            heard_about="The newsletter",
            news_opt_in=True,
            language="es",
            membership_type=organisation,
            submitted_at=london(2026, 2, 3, 9, 30),
            status="approved",
            decided_at=london(2026, 2, 10, 16, 45),
        ),
        "carla": MembershipApplicationFactory(
            full_name="Carla Huamán",
            email="carla@example.org",
            membership_type=individual,
            submitted_at=london(2026, 2, 28, 23, 30),
            status="rejected",
            decided_at=london(2026, 3, 2, 12, 0),
        ),
        # 00:30 on 1 July in London is still 30 June in UTC: the month is London's.
        "dora": MembershipApplicationFactory(
            full_name="Dora Condori",
            email="dora@example.org",
            membership_type=organisation,
            submitted_at=london(2025, 7, 1, 0, 30),
            status="approved",
            decided_at=london(2025, 7, 5, 9, 0),
        ),
    }


def listed(response):
    """The applications (or types) on a listing page, by primary key, in the order shown."""
    assert response.status_code == 200, response.status_code
    soup = WagtailTestUtils.get_soup(response.content)
    return [int(row["data-object-pk"]) for row in soup.select("tbody tr[data-object-pk]")]


def pks(*objects):
    return [obj.pk for obj in objects]


def menu_labels(response):
    """Every label in the admin's sidebar menu, which the page carries as JSON for its script."""
    soup = WagtailTestUtils.get_soup(response.content)
    props = json.loads(soup.find("script", id="wagtail-sidebar-props").string)
    labels = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("label"), str):
                labels.append(value["label"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(props)
    return labels


def form_data(html):
    """What a browser would send from the page's form (the one that posts): a ticked box
    without a value sends "on", and a text area loses the line break after its opening tag."""
    forms = WagtailTestUtils.get_soup(html).find_all("form")
    form = next(form for form in forms if (form.get("method") or "").upper() == "POST")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or name == "csrfmiddlewaretoken" or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            text = field.get_text()
            data[name] = text[1:] if text.startswith("\n") else text
        elif field.name == "select":
            option = field.find("option", selected=True) or field.find("option")
            data[name] = option.get("value", option.get_text()) if option else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "image", "file", "reset"):
            data[name] = field.get("value", "")
    return data


def post_form(client, url, changes=(), remove=()):
    """Reads the admin's form at url as the browser would, changes some fields and sends it."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = form_data(response.content.decode())
    data.update(dict(changes))
    for name in remove:
        data.pop(name, None)
    return client.post(url, data)


def download(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="membership-applications.csv"'
    return list(csv.reader(io.StringIO(download(response).decode("utf-8"))))


def xlsx_sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="membership-applications.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(download(response))).active


def xlsx_rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# The membership secretary's work


def test_the_secretary_sees_the_membership_menu(secretary_client):
    labels = menu_labels(secretary_client.get("/admin/"))
    for label in ("Membership", "Applications", "Membership types", "Personal data requests"):
        assert label in labels


def test_the_secretary_lists_every_application_newest_first(secretary_client, applications):
    a = applications
    response = secretary_client.get(APPLICATIONS)
    assert listed(response) == pks(a["carla"], a["bruno"], a["ana"], a["dora"])
    html = response.content.decode()
    assert "Bruno Mamani" in html and "bm@lima.example.net" in html
    assert "Español" in html and "English" in html
    # Applications come from the join page alone: the listing offers no way to add one.
    assert f"{APPLICATIONS}create/" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "approved"}, ["bruno", "dora"]),
        ({"status": "rejected"}, ["carla"]),
        ({"status": "new"}, ["ana"]),
        ({"status": "withdrawn"}, []),
        ({"type": "organisation"}, ["bruno", "dora"]),
        ({"type": "individual"}, ["carla", "ana"]),
        ({"month": "2026-02"}, ["carla", "bruno"]),
        ({"month": "2026-01"}, ["ana"]),
        ({"month": "2025-07"}, ["dora"]),
        ({"month": "2025-06"}, []),
        ({"month": "2026-02", "type": "individual"}, ["carla"]),
        ({"status": "approved", "type": "organisation", "month": "2025-07"}, ["dora"]),
    ],
)
def test_the_secretary_filters_the_list(
    secretary_client, applications, membership_types, query, expected
):
    if "type" in query:
        query = {**query, "type": membership_types[query["type"]].pk}
    response = secretary_client.get(APPLICATIONS, query)
    assert listed(response) == [applications[name].pk for name in expected]


def test_the_listing_offers_the_filters_it_takes(secretary_client, applications, membership_types):
    html = secretary_client.get(APPLICATIONS).content.decode()
    assert "?status=approved" in html
    assert f"?type={membership_types['organisation'].pk}" in html
    assert "?month=2026-02" in html and "February 2026" in html
    assert "?month=2025-07" in html and "June 2025" not in html


NONE, ALL = "none", "all"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"month": "garbage"}, NONE),
        ({"month": "2026-13"}, NONE),
        ({"month": "2026-00"}, NONE),
        ({"month": "0000-01"}, NONE),
        ({"month": "9999-12"}, NONE),
        ({"month": "99999999999999999999-01"}, NONE),
        ({"month": "2026-1-1"}, NONE),
        ({"month": "²⁰²⁶-⁰²"}, NONE),
        ({"month": "\x00"}, NONE),
        ({"type": "garbage"}, NONE),
        ({"type": "-1"}, NONE),
        ({"type": "²"}, NONE),
        ({"type": "99999999999999999999999"}, NONE),
        ({"type": "\x00"}, NONE),
        ({"status": "bogus"}, NONE),
        ({"status": "\x00"}, NONE),
        ({"q": "\x00"}, ALL),
        ({"o": "garbage"}, ALL),
        ({"p": "garbage"}, ALL),
        ({"p": "999"}, ALL),
        ({"submitted_at__gte": "garbage"}, ALL),
        ({"e": "1"}, ALL),
    ],
)
def test_a_bad_filter_value_never_fails(secretary_client, applications, query, expected):
    """Staff follow links and edit addresses by hand: a value a filter does not know shows an
    empty list, and a parameter the listing does not take is ignored; neither is an error."""
    shown = listed(secretary_client.get(APPLICATIONS, query))
    everyone = sorted(pks(*MembershipApplication.objects.all()))
    assert sorted(shown) == ([] if expected == NONE else everyone)
    response = secretary_client.get(APPLICATIONS, {**query, "export": "csv"})
    assert len(csv_rows(response)) == 1 + len(shown)


def test_lookups_other_than_the_filters_are_ignored(secretary_client, applications):
    """Only the list filters' parameters reach the database: no field can be probed from the
    address, the emails' bodies included."""
    everyone = pks(*MembershipApplication.objects.all())
    for query in (
        {"email": "ana.q@example.org"},
        {"full_name__startswith": "Ana"},
        {"emails__body__icontains": "x"},
        {"membership_type__payment_details__icontains": "card"},
    ):
        assert listed(secretary_client.get(APPLICATIONS, query)) == everyone, query


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("quispe", ["ana"]),
        ("Bruno Mamani", ["bruno"]),
        ("huamán", ["carla"]),
        ("lima.example.net", ["bruno"]),
        ("DORA@EXAMPLE.ORG", ["dora"]),
        ("example.org", ["carla", "ana", "dora"]),
        ("nobody-at-all", []),
    ],
)
def test_the_secretary_searches_by_name_and_by_email(secretary_client, applications, q, expected):
    response = secretary_client.get(APPLICATIONS, {"q": q})
    assert listed(response) == [applications[name].pk for name in expected]


def test_the_secretary_inspects_an_application(secretary_client, applications):
    bruno = applications["bruno"]
    response = secretary_client.get(f"{APPLICATIONS}inspect/{bruno.pk}/")
    assert response.status_code == 200
    soup = WagtailTestUtils.get_soup(response.content)
    fields = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in soup.find_all("dt")
    }
    assert fields["membership type"] == "Organisation"
    assert fields["full name"] == "Bruno Mamani"
    assert fields["email"] == "bm@lima.example.net"
    assert fields["postal address"] == "Av. Arequipa 100\nLima"
    assert fields["phone"] == "+51 1 555 0100"
    assert fields["how they heard of us"] == "The newsletter"
    assert fields["status"] == "Approved"
    assert fields["language"] == "Español"


def test_the_secretary_decides_through_the_edit_form(secretary_client, applications):
    ana = applications["ana"]
    url = f"{APPLICATIONS}edit/{ana.pk}/"
    page = secretary_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ana Quispe" in html and "ana.q@example.org" in html
    # Only the decision is a form field; the applicant's details are shown, not editable.
    assert set(form_data(html)) == {"status", "staff_notes"}

    before = timezone.now()
    response = post_form(
        secretary_client,
        url,
        {
            "status": "approved",
            "staff_notes": "First payment received by standing order.",
            # A hand-made request cannot change what is read-only.
            "full_name": "Someone Else",
            "email": "someone@example.org",
        },
    )
    assert response.status_code == 302
    assert response.url == APPLICATIONS
    ana.refresh_from_db()
    assert ana.status == "approved"
    assert ana.staff_notes == "First payment received by standing order."
    assert before <= ana.decided_at <= timezone.now()
    assert (ana.full_name, ana.email) == ("Ana Quispe", "ana.q@example.org")

    # A note added later does not move the decision's date.
    decided_at = ana.decided_at
    response = post_form(secretary_client, url, {"staff_notes": "Card sent."})
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.status, ana.staff_notes, ana.decided_at) == ("approved", "Card sent.", decided_at)

    # Back to new: no decision, so no date for the retention period to run from.
    response = post_form(secretary_client, url, {"status": "new"})
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.status == "new"
    assert ana.decided_at is None


def test_an_unknown_status_is_refused(secretary_client, applications):
    ana = applications["ana"]
    response = post_form(secretary_client, f"{APPLICATIONS}edit/{ana.pk}/", {"status": "paid"})
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    ana.refresh_from_db()
    assert (ana.status, ana.decided_at) == ("new", None)


def test_the_secretary_cannot_create_an_application(secretary_client, membership_types):
    url = f"{APPLICATIONS}create/"
    assert secretary_client.get(url).status_code == 403
    data = application_data(membership_types["individual"])
    assert secretary_client.post(url, data).status_code == 403
    assert not MembershipApplication.objects.exists()


# Exports


def test_the_csv_export_holds_the_filtered_list(secretary_client, applications):
    rows = csv_rows(secretary_client.get(APPLICATIONS, {"status": "approved", "export": "csv"}))
    bruno, dora = applications["bruno"], applications["dora"]
    assert rows == [
        HEADINGS,
        [
            bruno.reference,
            "2026-02-03 09:30",
            "Approved",
            "Organisation",
            "Bruno Mamani",
            "bm@lima.example.net",
            "Av. Arequipa 100\nLima",
            "'+51 1 555 0100",  # a leading "+" is a formula to a spreadsheet
            "The newsletter",
            "yes",
            "Español",
            "2026-02-10 16:45",
        ],
        [
            dora.reference,
            "2025-07-01 00:30",
            "Approved",
            "Organisation",
            "Dora Condori",
            "dora@example.org",
            "1 High Street\nLondon",
            "-",
            "A friend",
            "no",
            "English",
            "2025-07-05 09:00",
        ],
    ]


def test_the_csv_export_follows_every_filter_and_the_search(
    secretary_client, applications, membership_types
):
    a = applications
    individual = membership_types["individual"].pk
    for query, expected in (
        ({}, ["carla", "bruno", "ana", "dora"]),
        ({"type": individual}, ["carla", "ana"]),
        ({"month": "2026-02"}, ["carla", "bruno"]),
        ({"q": "example.org"}, ["carla", "ana", "dora"]),
        ({"status": "new", "type": individual}, ["ana"]),
        ({"month": "garbage"}, []),
    ):
        rows = csv_rows(secretary_client.get(APPLICATIONS, {**query, "export": "csv"}))
        assert rows[0] == HEADINGS
        assert [row[0] for row in rows[1:]] == [a[name].reference for name in expected], query


def test_the_xlsx_export_holds_the_filtered_list(secretary_client, applications, membership_types):
    query = {"type": membership_types["individual"].pk, "month": "2026-02", "export": "xlsx"}
    rows = xlsx_rows(xlsx_sheet(secretary_client.get(APPLICATIONS, query)))
    carla = applications["carla"]
    assert rows == [
        HEADINGS,
        [
            carla.reference,
            "2026-02-28 23:30",
            "Rejected",
            "Individual",
            "Carla Huamán",
            "carla@example.org",
            "1 High Street\nLondon",
            "-",
            "A friend",
            "no",
            "English",
            "2026-03-02 12:00",
        ],
    ]
    rows = xlsx_rows(
        xlsx_sheet(secretary_client.get(APPLICATIONS, {"status": "approved", "export": "xlsx"}))
    )
    assert [row[0] for row in rows] == [
        "Reference",
        applications["bruno"].reference,
        applications["dora"].reference,
    ]


FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+2", "@SUM(1,2)", "-3+4"]


def test_a_name_like_a_formula_is_exported_as_text(secretary_client, membership_types):
    for name in FORMULAS:
        MembershipApplicationFactory(
            full_name=name, email="f@example.org", membership_type=membership_types["individual"]
        )

    rows = csv_rows(secretary_client.get(APPLICATIONS, {"export": "csv"}))
    names = sorted(row[HEADINGS.index("Full Name")] for row in rows[1:])
    assert names == sorted("'" + name for name in FORMULAS)

    sheet = xlsx_sheet(secretary_client.get(APPLICATIONS, {"export": "xlsx"}))
    cells = [row[HEADINGS.index("Full Name")] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in cells) == sorted(FORMULAS)
    for cell in cells:
        assert cell.data_type == "s", (cell.value, cell.data_type)


def test_a_control_character_in_an_address_does_not_break_the_xlsx_export(
    secretary_client, membership_types
):
    """A worksheet cannot hold most control characters; one pasted into the join form (a
    vertical tab, say) must not make the whole export fail."""
    MembershipApplicationFactory(
        full_name="Eva\x01 Ríos",
        address="Jr. Cusco 5\x0bPuno\x0c",
        membership_type=membership_types["individual"],
    )
    sheet = xlsx_sheet(secretary_client.get(APPLICATIONS, {"export": "xlsx"}))
    row = xlsx_rows(sheet)[1]
    assert row[HEADINGS.index("Full Name")] == "Eva  Ríos"
    assert row[HEADINGS.index("Postal Address")] == "Jr. Cusco 5 Puno "
    rows = csv_rows(secretary_client.get(APPLICATIONS, {"export": "csv"}))
    assert rows[1][HEADINGS.index("Postal Address")] == "Jr. Cusco 5\x0bPuno\x0c"


# Membership types


def type_data(**changes):
    data = {
        "name": "Supporter",
        "annual_fee": "12.50",
        "description": "For people on a low income.",
        "active": "on",
        "display_order": "3",
        "payment_method": "payment_link",
        "payment_details": "Pay by card on our payment page.",
        "payment_url": "",
    }
    data.update(changes)
    return data


def test_the_secretary_creates_a_membership_type(secretary_client, roles):
    page = secretary_client.get(f"{TYPES}create/")
    assert page.status_code == 200

    response = secretary_client.post(f"{TYPES}create/", type_data())
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "payment_url": ["Give the address of the payment page."]
    }
    assert "Give the address of the payment page." in response.content.decode()
    assert not MembershipType.objects.exists()

    response = secretary_client.post(
        f"{TYPES}create/", type_data(payment_url="https://pay.example.org/supporter")
    )
    assert response.status_code == 302
    assert response.url == TYPES
    created = MembershipType.objects.get()
    assert (created.name, str(created.annual_fee), created.active, created.display_order) == (
        "Supporter",
        "12.50",
        True,
        3,
    )
    assert created.payment_method == "payment_link"
    assert created.payment_url == "https://pay.example.org/supporter"
    assert listed(secretary_client.get(TYPES)) == [created.pk]


def test_the_types_listing_says_in_words_which_types_are_active(secretary_client, membership_types):
    def shown(response):
        """Each type's name and what its Active column says, in the order listed."""
        assert response.status_code == 200, response.status_code
        soup = WagtailTestUtils.get_soup(response.content)
        headings = [th.get_text(strip=True) for th in soup.select("thead th")]
        name, active = headings.index("Name"), headings.index("Active")
        rows = [row.find_all("td") for row in soup.select("tbody tr[data-object-pk]")]
        return [
            (cells[name].a.get_text(strip=True), cells[active].get_text(strip=True))
            for cells in rows
        ]

    MembershipType.objects.filter(pk=membership_types["retired"].pk).update(display_order=9)
    response = secretary_client.get(TYPES)
    assert shown(response) == [
        ("Individual", "Active"),
        ("Organisation", "Active"),
        ("Student (old rate)", "Inactive"),
    ]
    # Not Django admin's yes/no icons, which are not among the site's static files.
    assert "admin/img/" not in response.content.decode()
    # The column sorts, inactive types first.
    soup = WagtailTestUtils.get_soup(response.content)
    [header] = [th for th in soup.select("thead th") if th.get_text(strip=True) == "Active"]
    response = secretary_client.get(TYPES + header.a["href"])
    assert shown(response)[0] == ("Student (old rate)", "Inactive")


def test_a_type_name_is_unique(secretary_client, membership_types):
    response = secretary_client.post(
        f"{TYPES}create/", type_data(name="Individual", payment_method="bank_transfer")
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert MembershipType.objects.filter(name="Individual").count() == 1


def test_the_secretary_edits_a_membership_type(secretary_client, membership_types, join_page):
    individual = membership_types["individual"]
    url = f"{TYPES}edit/{individual.pk}/"
    response = post_form(
        secretary_client, url, {"annual_fee": "30.00", "description": "For one adult."}
    )
    assert response.status_code == 302
    individual.refresh_from_db()
    assert str(individual.annual_fee) == "30.00"
    assert individual.description == "For one adult."
    html = secretary_client.get(join_page.url).content.decode()
    assert "£30.00 a year" in html and "For one adult." in html

    # Changing it to a payment link without the link is refused, and nothing is saved.
    response = post_form(secretary_client, url, {"payment_method": "payment_link"})
    assert response.status_code == 200
    assert "payment_url" in response.context["form"].errors
    individual.refresh_from_db()
    assert individual.payment_method == "bank_transfer"


def offered(client, join_page):
    response = client.get(join_page.url)
    assert response.status_code == 200
    soup = WagtailTestUtils.get_soup(response.content)
    return [strong.get_text(strip=True) for strong in soup.select(".choice label strong")]


def test_a_deactivated_type_is_no_longer_offered(client, secretary, membership_types, join_page):
    organisation = membership_types["organisation"]
    assert offered(client, join_page) == ["Individual", "Organisation"]

    client.force_login(secretary)
    response = post_form(client, f"{TYPES}edit/{organisation.pk}/", remove=["active"])
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert not organisation.active
    assert listed(client.get(TYPES, {"active": "no"})) == pks(
        membership_types["retired"], organisation
    )
    client.logout()

    assert offered(client, join_page) == ["Individual"]
    response = client.post(join_page.url, application_data(organisation))
    assert response.status_code == 200
    assert "That membership type is not on offer" in response.content.decode()
    assert not MembershipApplication.objects.exists()

    # Still offered, the other type is taken as before.
    response = client.post(join_page.url, application_data(membership_types["individual"]))
    assert response.status_code == 302
    assert MembershipApplication.objects.get().membership_type == membership_types["individual"]


def test_the_display_order_orders_the_join_page(client, secretary, membership_types, join_page):
    individual, organisation = membership_types["individual"], membership_types["organisation"]
    assert offered(client, join_page) == ["Individual", "Organisation"]

    client.force_login(secretary)
    for membership_type, order in ((individual, "20"), (organisation, "10")):
        response = post_form(client, f"{TYPES}edit/{membership_type.pk}/", {"display_order": order})
        assert response.status_code == 302
    assert listed(client.get(TYPES, {"active": "yes"})) == pks(organisation, individual)
    client.logout()

    assert offered(client, join_page) == ["Organisation", "Individual"]


def test_a_type_with_applications_cannot_be_deleted(secretary_client, applications):
    organisation = applications["bruno"].membership_type
    response = secretary_client.post(f"{TYPES}delete/{organisation.pk}/")
    assert response.status_code == 200
    assert MembershipType.objects.filter(pk=organisation.pk).exists()
    assert MembershipApplication.objects.count() == 4


@pytest.mark.parametrize("query", [{"active": "garbage"}, {"active": "\x00"}, {"q": "\x00"}])
def test_a_bad_filter_value_on_the_types_never_fails(secretary_client, membership_types, query):
    assert listed(secretary_client.get(TYPES, query)) in ([], pks(*MembershipType.objects.all()))


# Markup from the public


@pytest.fixture
def marked_up(membership_types):
    return MembershipApplicationFactory(
        full_name=f"{SCRIPT}{IMG} name",
        email="markup@example.org",
        address=f"{SCRIPT}{IMG} address",
        heard_about=f"{SCRIPT}{IMG} heard",
        staff_notes=f"{SCRIPT}{IMG} notes",
        membership_type=membership_types["individual"],
    )


def assert_shown_as_text(response, *values):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert SCRIPT not in html
    assert IMG not in html
    assert "onerror=alert(1)>" not in html
    for value in values:
        assert escape(value) in html, value


def test_markup_in_an_application_is_shown_as_text(secretary_client, marked_up):
    a = marked_up
    assert_shown_as_text(secretary_client.get(APPLICATIONS), a.full_name)
    assert_shown_as_text(secretary_client.get(APPLICATIONS, {"q": "markup"}), a.full_name)
    assert_shown_as_text(
        secretary_client.get(f"{APPLICATIONS}inspect/{a.pk}/"),
        a.full_name,
        a.address,
        a.heard_about,
        a.staff_notes,
    )
    assert_shown_as_text(
        secretary_client.get(f"{APPLICATIONS}edit/{a.pk}/"),
        a.full_name,
        a.address,
        a.heard_about,
        a.staff_notes,
    )
    assert_shown_as_text(secretary_client.get(f"{APPLICATIONS}delete/{a.pk}/"))
    assert_shown_as_text(secretary_client.get(f"{APPLICATIONS}history/{a.pk}/"))


# Everyone else


@pytest.fixture(params=[EDITORS, MODERATORS])
def other_staff(request, roles):
    """A user in a role that has no business with membership data."""
    return UserFactory(groups=[request.param])


def refused_urls(application, membership_type):
    a, t = application.pk, membership_type.pk
    return [
        APPLICATIONS,
        f"{APPLICATIONS}?status=new",
        f"{APPLICATIONS}?export=csv",
        f"{APPLICATIONS}?export=xlsx",
        f"{APPLICATIONS}?status=new&export=csv",
        f"{APPLICATIONS}inspect/{a}/",
        f"{APPLICATIONS}edit/{a}/",
        f"{APPLICATIONS}delete/{a}/",
        f"{APPLICATIONS}history/{a}/",
        # One that does not exist is refused alike: a 404 would tell which ones do.
        f"{APPLICATIONS}inspect/999999/",
        f"{APPLICATIONS}history/999999/",
        f"{APPLICATIONS}create/",
        TYPES,
        f"{TYPES}create/",
        f"{TYPES}edit/{t}/",
        f"{TYPES}delete/{t}/",
        f"{TYPES}history/{t}/",
        PERSONAL_DATA,
        f"{PERSONAL_DATA}?email={application.email}",
    ]


def refused_posts(application, membership_type):
    a, t = application.pk, membership_type.pk
    return [
        (f"{APPLICATIONS}edit/{a}/", {"status": "approved", "staff_notes": "Taken over."}),
        (f"{APPLICATIONS}delete/{a}/", {}),
        (f"{APPLICATIONS}create/", application_data(membership_type)),
        (f"{TYPES}create/", type_data(payment_url="https://pay.example.org/x")),
        (f"{TYPES}edit/{t}/", type_data(name="Renamed", payment_url="https://pay.example.org/x")),
        (f"{TYPES}delete/{t}/", {}),
        (PERSONAL_DATA, {"email": application.email, "action": "find"}),
        (PERSONAL_DATA, {"email": application.email, "action": "export"}),
        (PERSONAL_DATA, {"email": application.email, "action": "erase", "confirm": "yes"}),
    ]


def stored():
    """Everything the refused requests might change."""
    return (
        list(MembershipApplication.objects.order_by("pk").values()),
        list(MembershipType.objects.order_by("pk").values()),
        list(QueuedEmail.objects.order_by("pk").values()),
    )


@pytest.fixture
def queued(applications):
    bruno = applications["bruno"]
    return QueuedEmail.objects.create(
        application=bruno, to=[bruno.email], subject="Your application", body="Thank you."
    )


def test_other_staff_are_refused_every_membership_page(client, other_staff, applications, queued):
    bruno = applications["bruno"]
    client.force_login(other_staff)
    before = stored()
    for url in refused_urls(bruno, bruno.membership_type):
        response = client.get(url)
        assert response.status_code == 403, f"{url} answered {response.status_code}"
        assert b"Bruno" not in download(response), url
        # Asked from script, as the admin's own JavaScript asks, it is refused the same way.
        xhr = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
        assert xhr.status_code == 403, url
    for url, data in refused_posts(bruno, bruno.membership_type):
        response = client.post(url, data)
        assert response.status_code == 403, f"POST {url} answered {response.status_code}"
        assert b"Bruno" not in download(response), url
    assert stored() == before


def test_other_staff_do_not_see_the_membership_menu(client, other_staff):
    client.force_login(other_staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    labels = menu_labels(response)
    assert labels  # the menu is there, with the user's own items
    for label in ("Membership", "Applications", "Membership types", "Personal data requests"):
        assert label not in labels
    assert APPLICATIONS not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, applications, queued):
    bruno = applications["bruno"]
    before = stored()
    for url in refused_urls(bruno, bruno.membership_type):
        response = client.get(url)
        assert response.status_code == 302, f"{url} answered {response.status_code}"
        assert re.match(r"/admin/login/\?next=", response.url), response.url
    for url, data in refused_posts(bruno, bruno.membership_type):
        response = client.post(url, data)
        assert response.status_code == 302, f"POST {url} answered {response.status_code}"
        assert response.url.startswith("/admin/login/"), response.url
    assert stored() == before


def test_a_user_without_admin_access_is_refused(client, applications):
    """Someone with an account but no role (a former volunteer, say) reaches nothing."""
    bruno = applications["bruno"]
    client.force_login(UserFactory())
    before = stored()
    for url in refused_urls(bruno, bruno.membership_type):
        response = client.get(url)
        assert response.status_code == 302, f"{url} answered {response.status_code}"
        assert response.url.startswith("/admin/login/"), response.url
    for url, data in refused_posts(bruno, bruno.membership_type):
        response = client.post(url, data)
        assert response.status_code == 302, f"POST {url} answered {response.status_code}"
        assert response.url.startswith("/admin/login/"), response.url
    assert stored() == before
