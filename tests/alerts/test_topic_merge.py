"""A topic merged into another keeps its followers: they follow the topic it was merged into."""

from django.test import TestCase

from alerts.models import Subscription
from news.models import Topic
from psgsite.roles import MODERATORS, set_up_roles
from tests.conftest import load_site_content
from tests.factories import UserFactory


class TopicMergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_site_content()
        set_up_roles()
        cls.extraction = Topic.objects.create(name="Extraction", slug="extraction")
        cls.mining = Topic.objects.create(name="Mining industry", slug="mining-industry")
        cls.water = Topic.objects.create(name="Water rights", slug="water-rights")
        cls.ana = Subscription.objects.create(email="ana@example.org")
        cls.ana.topics.set([cls.extraction, cls.water])
        cls.ben = Subscription.objects.create(email="ben@example.org")
        cls.ben.topics.set([cls.extraction, cls.mining])
        cls.cy = Subscription.objects.create(email="cy@example.org", events=True)
        cls.cy.topics.set([cls.water])

    def followed(self, subscription):
        return sorted(subscription.topics.values_list("name", flat=True))

    def test_followers_of_the_merged_topic_follow_its_target(self):
        self.extraction.merge_into(self.mining)
        assert not Topic.objects.filter(pk=self.extraction.pk).exists()
        assert self.followed(self.ana) == ["Mining industry", "Water rights"]
        # One who followed both follows the target once.
        assert self.followed(self.ben) == ["Mining industry"]
        assert Subscription.topics.through.objects.filter(subscription=self.ben).count() == 1
        # Others are as they were.
        assert self.followed(self.cy) == ["Water rights"]
        assert Subscription.objects.count() == 3

    def test_the_admins_merge_keeps_the_followers(self):
        self.client.force_login(UserFactory(groups=[MODERATORS]))
        url = f"/admin/snippets/news/topic/merge/{self.extraction.pk}/"
        response = self.client.post(url, {"target": self.water.pk})
        assert response.status_code == 302
        assert self.followed(self.ana) == ["Water rights"]
        assert self.followed(self.ben) == ["Mining industry", "Water rights"]
        assert list(self.water.subscriptions.order_by("email")) == [self.ana, self.ben, self.cy]
