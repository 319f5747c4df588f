"""Someone applies to join on the join page, and a membership secretary finds, approves and
exports the application in the admin; the form, its errors and the thank-you page are checked
for accessibility and for use with the keyboard alone. Before any type is on offer, someone
registers their interest instead, and the secretary exports the registrations."""

import csv
import io
import re
import time

import pytest
from playwright.sync_api import expect

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from home.models import SiteSettings
from membership.models import InterestRegistration, MembershipApplication
from psgsite.roles import MEMBERSHIP_SECRETARIES, set_up_roles
from tests.browser.conftest import axe_violations, log_in, tab_to
from tests.factories import MembershipApplicationFactory, MembershipTypeFactory, UserFactory

pytestmark = pytest.mark.browser

SEND = "Send my application"
EMAIL_ERROR = "Enter an email address like name@example.org."
SPAM_ERROR = "Please check your details and send the form again."
BRAND = "rgb(155, 27, 48)"


@pytest.fixture
def join_site(site):
    """The real site with two membership types on offer and the secretary's address set, all
    committed so that the web server's process sees them."""
    site_settings = SiteSettings.objects.get()
    site_settings.membership_email = "membership@perusupportgroup.org.uk"
    site_settings.save()
    site.types = {
        "individual": MembershipTypeFactory(
            name="Individual",
            annual_fee="25.00",
            display_order=1,
            description="For one person.",
            payment_details="Sort code 01-02-03, account 12345678, for individuals.",
        ),
        "household": MembershipTypeFactory(
            name="Household",
            annual_fee="40.00",
            display_order=2,
            description="For two or more people at one address.",
            payment_method="standing_order",
            payment_details="Set up a standing order to sort code 40-50-60, account 87654321.",
        ),
    }
    return site


def open_join_page(page, site):
    """Opens the join page; returns the moment the visitor could start filling in the form,
    which is after the server signed the form's start time."""
    page.goto(site.url + "/join/")
    return time.monotonic()


def wait_for_the_minimum_fill_time(page, opened_at):
    """A person takes longer to fill the form than the minimum a bot is told apart by; a test
    that is quicker waits out the rest, with half a second to spare."""
    remaining = settings.MEMBERSHIP_FORM_MIN_SECONDS + 0.5 - (time.monotonic() - opened_at)
    if remaining > 0:
        page.wait_for_timeout(remaining * 1000)


def send(page):
    with page.expect_navigation():
        page.get_by_role("button", name=SEND).click()


def words(locator):
    """The text as a screen reader has it, visually hidden parts included, spacing evened out."""
    return " ".join(locator.text_content().split())


def focus_is_visible(page):
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def listing(admin):
    """The admin's list of applications as a person reads it: each row by its reference, each
    value by its column heading."""
    table = admin.locator(".result-list table")
    headings = [" ".join(th.split()) for th in table.locator("thead th").all_inner_texts()]
    rows = {}
    for row in table.locator("tbody tr").all():
        # The first cell holds the reference and, below it, the row's buttons.
        cells = [cell.split("\n")[0].strip() for cell in row.locator("td").all_inner_texts()]
        rows[cells[0]] = dict(zip(headings, cells, strict=True))
    return rows


def definitions(admin):
    """The admin's inspect view as a person reads it: each value by its label."""
    labels = admin.locator("dl dt").all_inner_texts()
    values = admin.locator("dl dd").all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values, strict=True)}


def test_a_visitor_applies_and_a_secretary_approves_and_exports(join_site, browser, page):
    site = join_site
    MembershipApplicationFactory(full_name="John Smith", membership_type=site.types["individual"])

    # The visitor sees the membership types on offer and picks one.
    opened_at = open_join_page(page, site)
    assert page.locator("h1").inner_text() == "Why join the PSG?"
    assert page.get_by_role("heading", name="Apply to become a member").is_visible()
    types = page.get_by_role("group", name="Membership type")
    assert types.get_by_role("radio").count() == 2
    assert [" ".join(label.split()) for label in types.locator("label").all_inner_texts()] == [
        "Individual: £25.00 a year For one person.",
        "Household: £40.00 a year For two or more people at one address.",
    ]
    types.get_by_role("radio", name="Household").check()

    # They fill the form in with a mistake in their email address and send it.
    page.get_by_label("Full name").fill("María Núñez")
    page.get_by_label("Email address").fill("maria.example.org")
    page.get_by_label("Postal address").fill("12 Calle Lima\nCusco")
    page.get_by_label("How did you hear about us?").fill("At a talk in London")
    page.get_by_label("I agree to the").check()
    page.get_by_label("Send me the PSG's news by email").check()
    wait_for_the_minimum_fill_time(page, opened_at)
    send(page)

    # The form comes back with the mistake pointed out, and all else as they left it.
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "There is a problem with your application"
    assert summary.get_by_role("link").all_inner_texts() == [EMAIL_ERROR]
    assert SPAM_ERROR not in summary.inner_text()  # not taken for a bot
    email = page.get_by_label("Email address")
    assert words(page.locator("#id_email_error")) == f"Error: {EMAIL_ERROR}"
    expect(email).to_have_accessible_description(re.compile(re.escape(f"Error: {EMAIL_ERROR}")))
    expect(email).to_have_attribute("aria-invalid", "true")
    assert email.input_value() == "maria.example.org"
    assert page.get_by_role("radio", name="Household").is_checked()
    assert not page.get_by_role("radio", name="Individual").is_checked()
    assert page.get_by_label("Full name").input_value() == "María Núñez"
    assert page.get_by_label("Postal address").input_value() == "12 Calle Lima\nCusco"
    assert page.get_by_label("How did you hear about us?").input_value() == "At a talk in London"
    assert page.get_by_label("I agree to the").is_checked()
    assert page.get_by_label("Send me the PSG's news by email").is_checked()
    assert not MembershipApplication.objects.filter(full_name="María Núñez").exists()

    # They correct it and apply.
    email.fill("maria@example.org")
    send(page)

    # The thank-you page gives their reference and how to pay for the type they chose.
    assert page.locator("h1").inner_text() == "Thank you for applying"
    main = page.locator("main").inner_text()
    reference = re.search(r"Your reference is (PSG-\d{5})\.", main)[1]
    assert "We have sent it, with how to pay, to maria@example.org." in main
    assert page.get_by_role("heading", name="How to pay").is_visible()
    assert "Household membership is £40.00 a year, by standing order." in main
    assert "Set up a standing order to sort code 40-50-60, account 87654321." in main
    assert "for individuals" not in main
    assert f"Please give your reference, {reference}, with your payment." in main
    application = MembershipApplication.objects.get(full_name="María Núñez")
    assert application.reference == reference
    assert application.membership_type == site.types["household"]
    assert application.email == "maria@example.org"
    assert application.address.splitlines() == ["12 Calle Lima", "Cusco"]  # sent with CRLF
    assert application.consent and application.news_opt_in
    assert application.status == MembershipApplication.Status.NEW

    # A membership secretary opens Membership > Applications and searches for the applicant.
    set_up_roles()
    UserFactory(username="sec", groups=[MEMBERSHIP_SECRETARIES])
    admin = log_in(browser, site, "sec")
    admin.get_by_role("button", name="Membership").click()
    with admin.expect_navigation():
        admin.get_by_role("link", name="Applications").click()
    assert " ".join(admin.locator("h1").inner_text().split()) == "Membership applications"
    assert {row["Full name"] for row in listing(admin).values()} == {"John Smith", "María Núñez"}
    admin.get_by_placeholder("Search membership applications").fill("Núñez")
    with admin.expect_navigation():
        admin.keyboard.press("Enter")
    found = listing(admin)
    assert list(found) == [reference]
    assert found[reference]["Full name"] == "María Núñez"
    assert found[reference]["Membership type"] == "Household"
    assert found[reference]["Status"] == "New"

    # They open it and read the application.
    row = admin.locator(".result-list tbody tr", has_text=reference)
    with admin.expect_navigation():
        row.get_by_role("link", name="Inspect").click()
    assert reference in admin.locator("h1").inner_text()
    details = definitions(admin)
    assert details["full name"] == "María Núñez"
    assert details["email"] == "maria@example.org"
    assert details["membership type"] == "Household"
    assert details["how they heard of us"] == "At a talk in London"
    assert details["status"] == "New"

    # They approve it with a note, and see it listed as approved.
    with admin.expect_navigation():
        admin.get_by_role("link", name="Edit").click()
    admin.get_by_label("Status").select_option(label="Approved")
    admin.get_by_label("Staff notes").fill("Standing order seen on the bank statement.")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".messages")).to_contain_text(reference)
    listed = listing(admin)
    assert listed[reference]["Status"] == "Approved"
    assert [row["Status"] for row in listed.values() if row["Full name"] == "John Smith"] == ["New"]
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.staff_notes == "Standing order seen on the bank statement."
    assert application.decided_at is not None

    # They download the list as CSV, which has the application in it as approved.
    admin.get_by_role("button", name="More actions").click()
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(r"membership-applications.*\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig", newline="") as exported:
        exported_rows = {row["Reference"]: row for row in csv.DictReader(exported)}
    assert len(exported_rows) == 2  # the whole list
    assert exported_rows[reference]["Status"] == "Approved"
    assert exported_rows[reference]["Full Name"] == "María Núñez"
    assert exported_rows[reference]["Membership Type"] == "Household"
    assert exported_rows[reference]["Decided"] != "-"


def assert_no_wcag_22_aa_violations(page, name):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{name} at {width}px"


def assert_errors_are_laid_out_plainly(page):
    """Each box in error is marked alike, and the tick box's message stands above it rather
    than squeezed into a column beside it."""
    for name in ("full_name", "email", "address", "heard_about"):
        assert border(page, f"#id_{name}") == f"2px solid {BRAND}", name
    assert border(page, "#id_phone") != f"2px solid {BRAND}"
    message = page.locator("#id_consent_error").bounding_box()
    tick_box = page.locator("#id_consent").bounding_box()
    label = page.locator("label[for=id_consent]").bounding_box()
    assert message["y"] + message["height"] <= tick_box["y"]
    assert label["x"] > tick_box["x"] + tick_box["width"]
    assert label["y"] < tick_box["y"] + tick_box["height"]


def border(page, selector):
    return page.eval_on_selector(
        selector,
        "el => { const s = getComputedStyle(el); "
        "return `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`; }",
    )


def test_the_form_its_errors_and_the_thank_you_page_meet_wcag_22_aa(join_site, page):
    opened_at = open_join_page(page, join_site)
    assert_no_wcag_22_aa_violations(page, "join page with the form")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Every field a person fills has a name that a screen reader announces (the honeypot, which
    # is hidden from them, aside).
    fields = page.locator(".application-form .field:not(.field--trap)").locator("input, textarea")
    assert fields.count() == 9  # two types, five boxes to fill in, two to tick
    for field in fields.all():
        expect(field).to_have_accessible_name(re.compile(r"\w"))

    # Sent empty, every required field is in error, the radio buttons and the tick box too.
    wait_for_the_minimum_fill_time(page, opened_at)
    send(page)
    summary = page.get_by_role("alert")
    assert summary.get_by_role("link").all_inner_texts() == [
        "Choose a membership type.",
        "Enter your full name.",
        "Enter your email address.",
        "Enter your postal address.",
        "Tell us how you heard about the Peru Support Group.",
        "We can only handle your application if you agree to us keeping your details.",
    ]
    expect(page.get_by_role("group", name="Membership type")).to_have_accessible_description(
        "Error: Choose a membership type."
    )
    expect(page.get_by_label("I agree to the")).to_have_accessible_description(
        "Error: We can only handle your application if you agree to us keeping your details."
    )
    assert_no_wcag_22_aa_violations(page, "join page with errors")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_errors_are_laid_out_plainly(page)

    # The page opens at the form, so the next Tab reaches the first error, and each error's
    # link takes the keyboard to the field it is about.
    expect(page.locator("#apply")).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    for link in summary.get_by_role("link").all():
        link.focus()
        page.keyboard.press("Enter")
        expect(page.locator(link.get_attribute("href"))).to_be_focused()

    page.get_by_role("radio", name="Individual").check()
    page.get_by_label("Full name").fill("Ana Quispe")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Postal address").fill("3 Jirón Puno, Lima")
    page.get_by_label("How did you hear about us?").fill("From a friend")
    page.get_by_label("I agree to the").check()
    send(page)
    assert page.locator("h1").inner_text() == "Thank you for applying"
    assert_no_wcag_22_aa_violations(page, "thank-you page")


def test_a_keyboard_user_applies(join_site, page):
    """Tab from field to field in reading order, Space and the arrow keys for the membership
    type, Space for the tick box, Enter to send."""
    opened_at = open_join_page(page, join_site)
    tab_to(page, "#id_membership_type_0")
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Individual")).to_be_checked()
    page.keyboard.press("ArrowDown")  # changes their mind: the next type
    expect(page.get_by_role("radio", name="Household")).to_be_checked()
    expect(page.get_by_role("radio", name="Individual")).not_to_be_checked()
    for selector, typed in [
        ("#id_full_name", "Ana Quispe"),
        ("#id_email", "ana@example.org"),
        ("#id_address", "3 Jirón Puno\nLima"),
        ("#id_phone", ""),
        ("#id_heard_about", "From a friend"),
    ]:
        page.keyboard.press("Tab")
        expect(page.locator(selector)).to_be_focused()
        assert focus_is_visible(page), selector
        page.keyboard.type(typed)
        expect(page.locator(selector)).to_have_value(typed)
    page.keyboard.press("Tab")
    expect(page.locator("#id_consent")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("I agree to the")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("label[for=id_consent] a")).to_be_focused()  # the privacy notice
    page.keyboard.press("Tab")
    expect(page.locator("#id_news_opt_in")).to_be_focused()
    page.keyboard.press("Tab")  # past the honeypot, which the keyboard skips
    expect(page.get_by_role("button", name=SEND)).to_be_focused()
    assert focus_is_visible(page)
    wait_for_the_minimum_fill_time(page, opened_at)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "Thank you for applying"
    application = MembershipApplication.objects.get()
    main = page.locator("main").inner_text()
    assert f"Your reference is {application.reference}." in main
    assert "Household membership is £40.00 a year, by standing order." in main
    assert application.full_name == "Ana Quispe"
    assert application.email == "ana@example.org"
    assert application.membership_type == join_site.types["household"]
    assert application.address.splitlines() == ["3 Jirón Puno", "Lima"]
    assert application.phone == ""
    assert application.consent and not application.news_opt_in


# Before any membership type is on offer


REGISTER = "Register my interest"
CONSENT_ERROR = "We can only write to you if you agree to us keeping your name and email address."


@pytest.fixture
def interest_site(site):
    """The real site as it comes, with no membership type, and the organisation's public and
    membership addresses set."""
    site_settings = SiteSettings.objects.get()
    site_settings.email = "info@perusupportgroup.org.uk"
    site_settings.membership_email = "membership@perusupportgroup.org.uk"
    site_settings.save()
    return site


def register(page):
    with page.expect_navigation():
        page.get_by_role("button", name=REGISTER).click()


def test_with_no_type_on_offer_a_visitor_registers_interest_and_a_secretary_exports_it(
    interest_site, browser, page
):
    site = interest_site
    opened_at = open_join_page(page, site)

    # Why to join, then one thing to do: register interest, or write.
    expect(page.locator("h1")).to_have_text("Why join the PSG?")
    expect(page.get_by_role("heading", name="What members get")).to_be_visible()
    expect(page.get_by_role("heading", name="Register your interest")).to_be_visible()
    expect(page.get_by_role("heading", name="Apply to become a member")).to_have_count(0)
    expect(page.locator("main .button")).to_have_count(1)
    write = page.locator("#apply").get_by_role("link", name="info@perusupportgroup.org.uk")
    expect(write).to_have_attribute(
        "href", "mailto:info@perusupportgroup.org.uk?subject=Membership"
    )
    expect(page.locator(".apply__contact")).to_have_text(
        "Or write to us at info@perusupportgroup.org.uk."
    )
    assert_no_wcag_22_aa_violations(page, "join page with the interest form")
    page.set_viewport_size({"width": 1280, "height": 900})

    # They fill it in with a mistake in their address and without ticking the box.
    page.get_by_label("Full name", exact=True).fill("Rosa Quispe")
    page.get_by_label("Email address", exact=True).fill("rosa.example.org")
    page.get_by_label("Anything you would like to tell us").fill("Heard your talk.\nKeen!")
    wait_for_the_minimum_fill_time(page, opened_at)
    register(page)

    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem with your registration")
    expect(summary.get_by_role("link")).to_have_text([EMAIL_ERROR, CONSENT_ERROR])
    expect(page.locator("#apply")).to_be_focused()
    expect(page.get_by_label("Email address", exact=True)).to_have_accessible_description(
        re.compile(re.escape(f"Error: {EMAIL_ERROR}"))
    )
    expect(page.get_by_label("Full name", exact=True)).to_have_value("Rosa Quispe")
    expect(page.get_by_label("Anything you would like to tell us")).to_have_value(
        "Heard your talk.\nKeen!"
    )
    assert_no_wcag_22_aa_violations(page, "interest form with errors")
    assert not InterestRegistration.objects.exists()

    # They correct it and send it: thanked, and stored once.
    page.get_by_label("Email address", exact=True).fill("rosa@example.org")
    page.get_by_label("I agree to the").check()
    register(page)
    expect(page.locator("h1")).to_have_text("Thank you for registering your interest")
    expect(page.locator("main")).to_contain_text(
        "We will write to you at the email address you gave as soon as applications to join open."
    )
    assert_no_wcag_22_aa_violations(page, "thank-you page for registering interest")
    registration = InterestRegistration.objects.get()
    assert (registration.full_name, registration.email) == ("Rosa Quispe", "rosa@example.org")
    assert registration.message == "Heard your talk.\nKeen!"  # sent with CRLF
    assert registration.consent

    # Back another day, in other capitals: still one registration.
    opened_at = open_join_page(page, site)
    page.get_by_label("Full name", exact=True).fill("Rosa Quispe")
    page.get_by_label("Email address", exact=True).fill("  Rosa@Example.ORG ")
    page.get_by_label("I agree to the").check()
    wait_for_the_minimum_fill_time(page, opened_at)
    register(page)
    expect(page.locator("h1")).to_have_text("Thank you for registering your interest")
    registration = InterestRegistration.objects.get()
    assert registration.times_registered == 2
    assert registration.message == "Heard your talk.\nKeen!"

    # A membership secretary finds it under Membership and downloads the list.
    set_up_roles()
    UserFactory(username="sec", groups=[MEMBERSHIP_SECRETARIES])
    admin = log_in(browser, site, "sec")
    admin.get_by_role("button", name="Membership").click()
    with admin.expect_navigation():
        admin.get_by_role("link", name="Registrations of interest").click()
    rows = listing(admin)
    assert list(rows) == [registration.reference]
    assert rows[registration.reference]["Full name"] == "Rosa Quispe"
    assert rows[registration.reference]["Email"] == "Rosa@example.org"
    admin.get_by_role("button", name="More actions").click()
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(r"registrations-of-interest.*\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig", newline="") as exported:
        [row] = list(csv.DictReader(exported))
    assert (row["Reference"], row["Full Name"]) == (registration.reference, "Rosa Quispe")
    assert row["Message"] == "Heard your talk.\nKeen!"
    assert row["Times Registered"] == "2"


def test_a_newcomer_tries_the_form_with_the_sample_type_from_make_run(site, page):
    with override_settings(DEBUG=True):
        call_command("ensure_sample_membership_type", stdout=io.StringIO())
    opened_at = open_join_page(page, site)
    expect(page.get_by_role("heading", name="Apply to become a member")).to_be_visible()
    sample = page.get_by_role("radio", name=re.compile("^Sample membership"))
    expect(sample).to_have_count(1)
    expect(page.locator(".choice label")).to_contain_text(
        "Sample membership (for trying the form: replace or delete before launch)"
    )
    sample.check()
    page.get_by_label("Full name", exact=True).fill("Ana Quispe")
    page.get_by_label("Email address", exact=True).fill("ana@example.org")
    page.get_by_label("Postal address").fill("3 Jirón Puno, Lima")
    page.get_by_label("How did you hear about us?").fill("Trying the site")
    page.get_by_label("I agree to the").check()
    wait_for_the_minimum_fill_time(page, opened_at)
    send(page)
    expect(page.locator("h1")).to_have_text("Thank you for applying")
    application = MembershipApplication.objects.get()
    assert application.membership_type.name.startswith("Sample membership")
