"""Registrations of interest in the admin, as the membership secretary uses them: the list, its
filter and search, the exports, a note on each, markup shown as text; and everyone else refused."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from django.utils import timezone
from django.utils.html import escape

from membership.models import InterestRegistration
from psgsite.roles import EDITORS, MODERATORS
from tests.factories import UserFactory
from tests.membership.conftest import interest_data
from tests.membership.test_admin import download, form_data, listed, menu_labels, post_form

INTEREST = "/admin/membership/interestregistration/"
HEADINGS = [
    "Reference",
    "Full Name",
    "Email",
    "Message",
    "Registered",
    "Last Registered",
    "Times Registered",
    "Staff Notes",
]
SCRIPT = "<script>alert(1)</script>"


def london(*args):
    return timezone.make_aware(datetime.datetime(*args))


def registration(name, email, at, **fields):
    return InterestRegistration.objects.create(
        full_name=name,
        email=email,
        consent=True,
        registered_at=at,
        last_registered_at=fields.pop("last", at),
        **fields,
    )


@pytest.fixture
def registrations(db):
    return {
        "rosa": registration(
            "Rosa Quispe",
            "rosa@example.org",
            london(2026, 1, 10, 9, 0),
            message="When can I join?",
            last=london(2026, 3, 1, 8, 0),
            times_registered=2,
        ),
        "pedro": registration("Pedro Mamani", "pedro@lima.example.net", london(2026, 2, 5, 18, 30)),
        # 00:30 on 1 July in London is still 30 June in UTC: the month is London's.
        "eva": registration("Eva Ríos", "eva@example.org", london(2025, 7, 1, 0, 30)),
    }


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="registrations-of-interest.csv"'
    )
    return list(csv.reader(io.StringIO(download(response).decode("utf-8"))))


def test_the_secretary_sees_them_in_the_membership_menu(secretary_client):
    assert "Registrations of interest" in menu_labels(secretary_client.get("/admin/"))


def test_the_secretary_lists_them_latest_first(secretary_client, registrations):
    r = registrations
    response = secretary_client.get(INTEREST)
    assert listed(response) == [r["rosa"].pk, r["pedro"].pk, r["eva"].pk]
    html = response.content.decode()
    assert "Pedro Mamani" in html and "pedro@lima.example.net" in html
    # They come from the join page alone: the listing offers no way to add one.
    assert f"{INTEREST}create/" not in html
    assert secretary_client.get(f"{INTEREST}create/").status_code == 403
    assert secretary_client.post(f"{INTEREST}create/", interest_data()).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"month": "2026-02"}, ["pedro"]),
        ({"month": "2025-07"}, ["eva"]),
        ({"q": "quispe"}, ["rosa"]),
        ({"q": "LIMA.EXAMPLE.NET"}, ["pedro"]),
        ({"q": "example.org"}, ["rosa", "eva"]),
        ({"q": "nobody"}, []),
        ({"month": "2026-13"}, []),
        ({"month": "garbage"}, []),
        ({"month": "\x00"}, []),
        ({"q": "\x00"}, ["rosa", "pedro", "eva"]),
        ({"email": "rosa@example.org"}, ["rosa", "pedro", "eva"]),
        ({"message__icontains": "join"}, ["rosa", "pedro", "eva"]),
        ({"registered_at__gte": "garbage"}, ["rosa", "pedro", "eva"]),
        ({"p": "999"}, ["rosa", "pedro", "eva"]),
    ],
)
def test_the_filter_and_search_and_bad_values_never_fail(
    secretary_client, registrations, query, expected
):
    shown = listed(secretary_client.get(INTEREST, query))
    assert shown == [registrations[name].pk for name in expected]
    rows = csv_rows(secretary_client.get(INTEREST, {**query, "export": "csv"}))
    assert [row[0] for row in rows[1:]] == [registrations[name].reference for name in expected]


def test_the_csv_export_holds_every_field_a_person_gave(secretary_client, registrations):
    rosa = registrations["rosa"]
    rows = csv_rows(secretary_client.get(INTEREST, {"q": "rosa", "export": "csv"}))
    assert rows == [
        HEADINGS,
        [
            rosa.reference,
            "Rosa Quispe",
            "rosa@example.org",
            "When can I join?",
            "2026-01-10 09:00",
            "2026-03-01 08:00",
            "2",
            "-",  # no notes yet
        ],
    ]


def test_the_xlsx_export_holds_the_list(secretary_client, registrations):
    response = secretary_client.get(INTEREST, {"export": "xlsx"})
    assert response.status_code == 200
    assert 'filename="registrations-of-interest.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download(response))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADINGS
    assert [row[1] for row in rows[1:]] == ["Rosa Quispe", "Pedro Mamani", "Eva Ríos"]


FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+1+2", "@SUM(1,2)", "-3+4"]


def test_a_name_or_message_like_a_formula_is_exported_as_text(secretary_client, db):
    for n, text in enumerate(FORMULAS):
        registration(text, f"f{n}@example.org", timezone.now(), message=text)
    rows = csv_rows(secretary_client.get(INTEREST, {"export": "csv"}))
    for column in ("Full Name", "Message"):
        values = sorted(row[HEADINGS.index(column)] for row in rows[1:])
        assert values == sorted("'" + text for text in FORMULAS), column
    sheet = load_workbook(
        io.BytesIO(download(secretary_client.get(INTEREST, {"export": "xlsx"})))
    ).active
    for row in sheet.iter_rows(min_row=2):
        cell = row[HEADINGS.index("Message")]
        assert cell.value in FORMULAS and cell.data_type == "s"


def test_a_control_character_does_not_break_the_xlsx_export(secretary_client, db):
    registration("Eva\x01 Ríos", "eva@example.org", timezone.now(), message="Hola\x0bPuno")
    response = secretary_client.get(INTEREST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(download(response))).active
    row = [cell.value for cell in next(sheet.iter_rows(min_row=2))]
    assert row[HEADINGS.index("Full Name")] == "Eva  Ríos"
    assert row[HEADINGS.index("Message")] == "Hola Puno"


def test_the_secretary_inspects_one(secretary_client, registrations):
    rosa = registrations["rosa"]
    response = secretary_client.get(f"{INTEREST}inspect/{rosa.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Rosa Quispe", "rosa@example.org", "When can I join?"):
        assert text in html


def test_the_secretary_notes_what_was_done_and_cannot_change_what_was_sent(
    secretary_client, registrations
):
    rosa = registrations["rosa"]
    url = f"{INTEREST}edit/{rosa.pk}/"
    page = secretary_client.get(url)
    assert page.status_code == 200
    assert set(form_data(page.content.decode())) == {"staff_notes"}
    response = post_form(
        secretary_client,
        url,
        {
            "staff_notes": "Wrote on 3 May with the link to apply.",
            "full_name": "Someone Else",
            "email": "someone@example.org",
            "message": "Changed",
        },
    )
    assert response.status_code == 302
    rosa.refresh_from_db()
    assert rosa.staff_notes == "Wrote on 3 May with the link to apply."
    assert (rosa.full_name, rosa.email, rosa.message) == (
        "Rosa Quispe",
        "rosa@example.org",
        "When can I join?",
    )


def test_the_secretary_deletes_one(secretary_client, registrations):
    pedro = registrations["pedro"]
    assert secretary_client.get(f"{INTEREST}delete/{pedro.pk}/").status_code == 200
    response = secretary_client.post(f"{INTEREST}delete/{pedro.pk}/")
    assert response.status_code == 302
    assert not InterestRegistration.objects.filter(pk=pedro.pk).exists()
    assert InterestRegistration.objects.count() == 2


def test_markup_is_shown_as_text(secretary_client, db):
    marked = registration(
        f"{SCRIPT} markup", "m@example.org", timezone.now(), message=SCRIPT, staff_notes=SCRIPT
    )
    for url in (
        INTEREST,
        f"{INTEREST}?q=markup",
        f"{INTEREST}inspect/{marked.pk}/",
        f"{INTEREST}edit/{marked.pk}/",
        f"{INTEREST}delete/{marked.pk}/",
        f"{INTEREST}history/{marked.pk}/",
    ):
        response = secretary_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SCRIPT not in html, url
    html = secretary_client.get(f"{INTEREST}inspect/{marked.pk}/").content.decode()
    assert escape(f"{SCRIPT} markup") in html


# Everyone else


def refused(registration):
    r = registration.pk
    return [
        INTEREST,
        f"{INTEREST}?export=csv",
        f"{INTEREST}?export=xlsx",
        f"{INTEREST}inspect/{r}/",
        f"{INTEREST}edit/{r}/",
        f"{INTEREST}delete/{r}/",
        f"{INTEREST}history/{r}/",
        f"{INTEREST}inspect/999999/",
        f"{INTEREST}create/",
    ]


def stored():
    return list(InterestRegistration.objects.order_by("pk").values())


@pytest.mark.parametrize("role", [EDITORS, MODERATORS])
def test_other_staff_are_refused(client, roles, registrations, role):
    client.force_login(UserFactory(groups=[role]))
    assert "Registrations of interest" not in menu_labels(client.get("/admin/"))
    rosa = registrations["rosa"]
    before = stored()
    for url in refused(rosa):
        response = client.get(url)
        assert response.status_code == 403, f"{url} answered {response.status_code}"
        assert b"Rosa" not in download(response), url
    for url in (f"{INTEREST}edit/{rosa.pk}/", f"{INTEREST}delete/{rosa.pk}/"):
        assert client.post(url, {"staff_notes": "Taken over."}).status_code == 403, url
    assert stored() == before


def test_anonymous_visitors_are_sent_to_log_in(client, registrations):
    rosa = registrations["rosa"]
    before = stored()
    for url in refused(rosa):
        response = client.get(url)
        assert response.status_code == 302, url
        assert re.match(r"/admin/login/\?next=", response.url), response.url
    assert client.post(f"{INTEREST}delete/{rosa.pk}/").status_code == 302
    assert stored() == before
