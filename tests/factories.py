import datetime

import factory
import wagtail_factories

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from about.models import AboutPage
from home.models import HomePage
from membership.models import JoinPage, MembershipApplication, MembershipType
from news.models import BriefingPage, EventPage, NewsIndexPage, NewsPage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Peru Support Group"

    class Meta:
        model = HomePage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "News"
    slug = "news"
    show_in_menus = True

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"News item {n}")
    date = factory.Sequence(lambda n: datetime.date(2013, 1, 1) + datetime.timedelta(days=n))
    summary = factory.LazyAttribute(lambda o: f"Summary of {o.title}.")

    class Meta:
        model = NewsPage


class BriefingPageFactory(NewsPageFactory):
    title = factory.Sequence(lambda n: f"Briefing {n}")
    issue_number = factory.Sequence(lambda n: n + 1)

    class Meta:
        model = BriefingPage


class EventPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Event {n}")
    date = datetime.date(2013, 1, 1)
    summary = "An event."

    class Meta:
        model = EventPage


class AboutPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"About page {n}")
    summary = "About us."

    class Meta:
        model = AboutPage


class JoinPageFactory(wagtail_factories.PageFactory):
    title = "Why join the PSG?"
    slug = "join"

    class Meta:
        model = JoinPage


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = "Briefing 1"
    file = factory.django.FileField(filename="briefing.pdf", data=b"%PDF-1.4\n%%EOF\n")
    file_size = 15  # the admin's upload form records it

    class Meta:
        model = get_document_model()


ImageFactory = wagtail_factories.ImageFactory


def cached_embed(url, html, max_width=800):
    """An embed as Wagtail caches it after asking the provider, so rendering needs no network."""
    return Embed.objects.create(
        hash=get_embed_hash(url, max_width, None),
        url=url,
        max_width=max_width,
        type="video",
        html=html,
    )


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("a-long-test-password")

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))


class MembershipTypeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Membership {n}")
    annual_fee = "25.00"
    description = "For one person."
    payment_details = "Peru Support Group, sort code 01-02-03, account 12345678."

    class Meta:
        model = MembershipType


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    membership_type = factory.SubFactory(MembershipTypeFactory)
    full_name = factory.Sequence(lambda n: f"Applicant {n}")
    email = factory.LazyAttribute(lambda o: f"{o.full_name.lower().replace(' ', '.')}@example.org")
    address = "1 High Street\nLondon"
    heard_about = "A friend"
    consent = True

    class Meta:
        model = MembershipApplication
