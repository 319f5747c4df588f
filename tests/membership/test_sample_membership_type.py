"""`make run` adds a sample membership type on a development machine, so that the application
form can be tried; production never gets it."""

from pathlib import Path

import pytest

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from membership.models import MembershipType
from tests.factories import JoinPageFactory, MembershipTypeFactory

pytestmark = pytest.mark.django_db

COMMAND = "ensure_sample_membership_type"


def run(capsys):
    call_command(COMMAND)
    return capsys.readouterr().out


@override_settings(DEBUG=True)
def test_on_a_development_machine_one_sample_type_is_added_once(capsys, client, home):
    out = run(capsys)
    sample = MembershipType.objects.get()
    assert sample.name.startswith("Sample membership")
    assert "replace or delete before launch" in sample.name
    assert "sample" in sample.description.lower()
    assert sample.active
    assert "Added the membership type 'Sample membership" in out

    # The join page offers it, named as a sample, with the application form.
    join = JoinPageFactory(parent=home)
    page = client.get(join.url).content.decode()
    assert 'class="application-form"' in page
    assert "Sample membership (for trying the form: replace or delete before launch)" in page

    # A second run adds nothing.
    assert "no sample added" in run(capsys)
    assert MembershipType.objects.count() == 1


@override_settings(DEBUG=True)
def test_a_type_of_the_organisations_own_means_no_sample(capsys):
    MembershipTypeFactory(name="Individual", active=False)
    assert "no sample added" in run(capsys)
    assert list(MembershipType.objects.values_list("name", flat=True)) == ["Individual"]


@override_settings(DEBUG=True)
def test_a_sample_deleted_while_other_types_exist_is_not_brought_back(capsys):
    run(capsys)
    MembershipTypeFactory(name="Individual")
    MembershipType.objects.filter(name__startswith="Sample").delete()
    run(capsys)
    assert list(MembershipType.objects.values_list("name", flat=True)) == ["Individual"]


@override_settings(DEBUG=False)
def test_in_production_the_command_refuses_and_adds_nothing():
    with pytest.raises(CommandError, match="Only for development"):
        call_command(COMMAND)
    assert not MembershipType.objects.exists()


def test_make_run_adds_it():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert f"manage.py {COMMAND}" in run_target
