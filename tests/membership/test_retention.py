"""Personal data is kept no longer than needed: anonymised after the decision, deleted when
no one decided."""

import subprocess
from datetime import timedelta

import pytest

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from membership.models import InterestRegistration, MembershipApplication, QueuedEmail
from membership.retention import apply_retention
from tests.conftest import manage_py, wait_until
from tests.factories import MembershipApplicationFactory

Status = MembershipApplication.Status


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def applications(db):
    return {
        "old approved": MembershipApplicationFactory(
            status=Status.APPROVED,
            decided_at=days_ago(400),
            submitted_at=days_ago(410),
            staff_notes="Paid by cheque",
            phone="020 7946 0000",
        ),
        "old rejected": MembershipApplicationFactory(
            status=Status.REJECTED, decided_at=days_ago(366), submitted_at=days_ago(370)
        ),
        "recent approved": MembershipApplicationFactory(
            status=Status.APPROVED, decided_at=days_ago(30), submitted_at=days_ago(40)
        ),
        "old undecided": MembershipApplicationFactory(submitted_at=days_ago(400)),
        "recent undecided": MembershipApplicationFactory(submitted_at=days_ago(100)),
    }


@override_settings(MEMBERSHIP_RETENTION_DAYS=365, MEMBERSHIP_ABANDONED_DAYS=365)
def test_decided_applications_are_anonymised_and_forgotten_ones_deleted(applications):
    old = applications["old approved"]
    email = old.email
    QueuedEmail.objects.create(application=old, to=[old.email], subject="s", body=old.full_name)

    report = apply_retention()

    old.refresh_from_db()
    assert (old.full_name, old.email, old.address, old.phone) == ("Anonymised", "", "", "")
    assert (old.heard_about, old.staff_notes) == ("", "")
    assert old.anonymised_at is not None
    # What the organisation counts stays.
    assert (old.status, old.membership_type_id) == (Status.APPROVED, old.membership_type_id)
    assert old.submitted_at < days_ago(400)
    assert not QueuedEmail.objects.exists()

    recent = applications["recent approved"]
    recent.refresh_from_db()
    assert recent.anonymised_at is None and recent.email
    assert not MembershipApplication.objects.filter(pk=applications["old undecided"].pk).exists()
    assert MembershipApplication.objects.filter(pk=applications["recent undecided"].pk).exists()

    anonymised = sorted([old.reference, applications["old rejected"].reference])
    assert sorted(report.anonymised) == anonymised
    assert report.deleted == [applications["old undecided"].reference]
    text = str(report)
    assert text.startswith("Anonymised 2 application(s) decided before ")
    assert "deleted 1 undecided application(s)" in text
    # The report names references only.
    assert email not in text

    # Running again does nothing more.
    again = apply_retention()
    assert (again.anonymised, again.deleted) == ([], [])


def interest(name, registered, last):
    return InterestRegistration.objects.create(
        full_name=name,
        email=f"{name.lower()}@example.org",
        registered_at=days_ago(registered),
        last_registered_at=days_ago(last),
    )


@override_settings(MEMBERSHIP_INTEREST_RETENTION_DAYS=365)
def test_registrations_of_interest_go_a_year_after_they_were_last_sent(db):
    old = interest("Old", registered=500, last=400)
    renewed = interest("Renewed", registered=500, last=20)
    recent = interest("Recent", registered=30, last=30)
    QueuedEmail.objects.create(
        interest_registration=old, to=["membership@example.org"], subject="s", body=old.full_name
    )

    report = apply_retention()

    assert set(InterestRegistration.objects.all()) == {renewed, recent}
    assert not QueuedEmail.objects.exists()
    assert report.interest_deleted == [old.reference]
    text = str(report)
    assert "deleted 1 registration(s) of interest last sent before " in text
    assert old.reference in text and "old@example.org" not in text and "Old" not in text
    assert apply_retention().interest_deleted == []


@override_settings(MEMBERSHIP_INTEREST_RETENTION_DAYS=10)
def test_the_period_for_registrations_of_interest_is_a_setting(db):
    interest("Recent", registered=30, last=30)
    assert len(apply_retention().interest_deleted) == 1


@override_settings(MEMBERSHIP_RETENTION_DAYS=30, MEMBERSHIP_ABANDONED_DAYS=3650)
def test_the_periods_are_settings(applications):
    report = apply_retention()
    assert len(report.anonymised) == 2 + 1 and report.deleted == []


def test_the_command_reports_what_it_did(applications, capsys):
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert out.startswith("Anonymised 2 application(s)")
    assert applications["old undecided"].reference in out


def test_the_scheduler_applies_retention_when_it_starts_and_daily_after(transactional_db):
    old = MembershipApplicationFactory(status=Status.APPROVED, decided_at=days_ago(800))
    process = subprocess.Popen(**manage_py("run_scheduler", "--interval", "1"))
    try:
        assert wait_until(
            lambda: MembershipApplication.objects.filter(
                pk=old.pk, anonymised_at__isnull=False
            ).exists()
        )
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert "INFO membership.retention Retention: Anonymised 1 application(s)" in err
