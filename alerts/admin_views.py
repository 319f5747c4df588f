"""What staff do with subscriptions in the admin: list, filter, inspect, export and delete them,
and see how many readers follow each choice."""

import django_filters

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail.actions.delete import DeleteAction
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import IndexView

from membership.wagtail_hooks import as_text_cell, as_xlsx_text
from news.models import Topic

from .models import Subscription

# Someone who may delete a subscription may also see it: the listing is how they find it.
STAFF_ACTIONS = ["view", "delete"]


class SubscriptionPermissionPolicy(ModelPermissionPolicy):
    """A subscription is the reader's own choice, made and changed from the emailed links:
    staff see and delete subscriptions, but no one, not even a superuser, adds one (which would
    skip the reader's consent) or changes what a reader chose."""

    NEVER = frozenset({"add", "change"})

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in self.NEVER]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


class DeleteSubscriptionAction(DeleteAction):
    """Deletes a subscription and logs it by its number, not by its address: the audit log
    outlives the subscription, and must not keep the address of a reader who left or asked to
    be forgotten."""

    def _delete(self):
        with transaction.atomic():
            log(
                instance=self.instance,
                action=self.log_action,
                user=self.user,
                deleted=True,
                title=f"Subscription {self.instance.pk}",
            )
            return self.instance.delete()


class SubscriptionFilterSet(WagtailFilterSet):
    # A value the filter does not offer (typed into the address bar) is a form error, and the
    # admin then lists without that filter rather than failing.
    confirmed = django_filters.ChoiceFilter(
        label="Confirmed",
        choices=[("yes", "Confirmed"), ("no", "Waiting for confirmation")],
        method="filter_confirmed",
        empty_label="Any",
    )
    frequency = django_filters.ChoiceFilter(
        label="Frequency", choices=Subscription.Frequency.choices, empty_label="Any"
    )
    language = django_filters.ChoiceFilter(
        label="Language", choices=settings.LANGUAGES, empty_label="Any"
    )
    follows = django_filters.ChoiceFilter(
        label="Follows",
        choices=[
            ("news", "All news and briefings"),
            ("briefings", "Briefings"),
            ("events", "Events"),
            ("topics", "One or more topics"),
        ],
        method="filter_follows",
        empty_label="Anything",
    )
    topic = django_filters.ModelChoiceFilter(
        label="Topic",
        field_name="topics",
        queryset=Topic.objects.order_by("name"),
        empty_label="Any",
    )

    class Meta:
        model = Subscription
        fields = []

    def filter_confirmed(self, queryset, name, value):
        return queryset.filter(confirmed_at__isnull=value != "yes")

    def filter_follows(self, queryset, name, value):
        if value == "topics":
            followed = Subscription.topics.through.objects.values("subscription")
            return queryset.filter(pk__in=followed)
        return queryset.filter(**{value: True})


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class SubscriptionIndexView(IndexView):
    """The listing, and its export: each row says what the reader follows in words, with the
    topics prefetched for the whole page (or the whole export) in one query."""

    counts_url_name = None
    # Addresses come from the public: a cell that starts like a formula is written as text.
    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {IndexView.FORMAT_CSV: as_text_cell, IndexView.FORMAT_XLSX: as_xlsx_text},
    }

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("topics")

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field in ("created_at", "confirmed_at"):
            if field in row:
                row[field] = _local(row[field])
        return row

    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton("Subscriber counts", url=reverse(self.counts_url_name), icon_name="table"),
        ]


def subscriber_counts():
    """How many readers follow each choice, confirmed and not: two queries, however many
    subscribers or topics there are."""
    confirmed = Q(confirmed_at__isnull=False)
    totals = Subscription.objects.aggregate(
        all_confirmed=Count("pk", filter=confirmed),
        all_unconfirmed=Count("pk", filter=~confirmed),
        all_news=Count("pk", filter=confirmed & Q(news=True)),
        all_briefings=Count("pk", filter=confirmed & Q(briefings=True, news=False)),
        all_events=Count("pk", filter=confirmed & Q(events=True)),
        all_immediate=Count("pk", filter=confirmed & Q(frequency=Subscription.Frequency.IMMEDIATE)),
        all_weekly=Count("pk", filter=confirmed & Q(frequency=Subscription.Frequency.WEEKLY)),
        **{
            f"language_{number}": Count("pk", filter=confirmed & Q(language=code))
            for number, (code, _name) in enumerate(settings.LANGUAGES)
        },
    )
    topics = Topic.objects.annotate(
        confirmed=Count("subscriptions", filter=Q(subscriptions__confirmed_at__isnull=False)),
        unconfirmed=Count("subscriptions", filter=Q(subscriptions__confirmed_at__isnull=True)),
    ).order_by("name")
    return {
        "confirmed": totals["all_confirmed"],
        "unconfirmed": totals["all_unconfirmed"],
        "choices": [
            ("All news and briefings", totals["all_news"]),
            ("Briefings only", totals["all_briefings"]),
            ("Events", totals["all_events"]),
        ],
        "frequencies": [
            ("An email for each item", totals["all_immediate"]),
            ("A weekly digest", totals["all_weekly"]),
        ],
        "languages": [
            (name, totals[f"language_{number}"])
            for number, (_code, name) in enumerate(settings.LANGUAGES)
        ],
        "topics": [(topic.name, topic.confirmed, topic.unconfirmed) for topic in topics],
    }


class SubscriberCountsView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "alerts/admin/subscriber_counts.html"
    model = Subscription
    any_permission_required = STAFF_ACTIONS
    page_title = "Subscriber counts"
    header_icon = "table"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Email alert subscriptions"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(counts=subscriber_counts(), **kwargs)
