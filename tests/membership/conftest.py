"""A join page with membership types on offer, and the site settings that its emails use."""

import time

import pytest

from django.core import signing

from home.models import SiteSettings
from membership.forms import STARTED_SALT, started_token
from psgsite.roles import MEMBERSHIP_SECRETARIES, set_up_roles
from tests.factories import JoinPageFactory, MembershipTypeFactory, UserFactory

SECRETARY = "membership@perusupportgroup.org.uk"


@pytest.fixture
def join_page(home):
    settings = SiteSettings.for_site(home.get_site())
    settings.email = "info@perusupportgroup.org.uk"
    settings.membership_email = SECRETARY
    settings.save()
    return JoinPageFactory(parent=home)


@pytest.fixture
def roles(home):
    set_up_roles()


@pytest.fixture
def secretary(roles):
    return UserFactory(groups=[MEMBERSHIP_SECRETARIES])


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


@pytest.fixture
def membership_types(db):
    return {
        "individual": MembershipTypeFactory(name="Individual", annual_fee="25.00", display_order=1),
        "organisation": MembershipTypeFactory(
            name="Organisation",
            annual_fee="60.00",
            display_order=2,
            description="For groups and institutions.",
            payment_method="payment_link",
            payment_url="https://pay.example.org/psg",
            payment_details="Pay by card on our payment page.",
        ),
        "retired": MembershipTypeFactory(name="Student (old rate)", active=False),
    }


def application_data(kind, **changes):
    """What a person fills in, with a start time far enough back to pass the time check."""
    data = {
        "membership_type": str(kind.pk),
        "full_name": "María Núñez",
        "email": "maria@example.org",
        "address": "12 Calle Lima\nCusco",
        "phone": "",
        "heard_about": "At a talk in London",
        "consent": "on",
        "website": "",
        "started": started_token_ago(60),
    }
    data.update(changes)
    return data


def started_token_ago(seconds):
    return started_token(at=time.time() - seconds)


def expired_started_token():
    """A start time signed two days ago: the form was handed out too long ago."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 2 * 24 * 60 * 60)

    return PastSigner(salt=STARTED_SALT).sign_object(time.time() - 2 * 24 * 60 * 60)


def interest_data(**changes):
    """What a person fills in to register interest, with a start time far enough back to pass
    the time check."""
    data = {
        "full_name": "Rosa Quispe",
        "email": "rosa@example.org",
        "message": "I heard your talk in Leeds.\r\nWhen can I join?",
        "consent": "on",
        "website": "",
        "started": started_token_ago(60),
    }
    data.update(changes)
    return data
