from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse_lazy
from django.views.defaults import permission_denied

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusFlagColumn
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from membership.views import forbidden_when_denied

from . import personal_data
from .admin_views import (
    STAFF_ACTIONS,
    DeleteSubscriptionAction,
    SubscriberCountsView,
    SubscriptionFilterSet,
    SubscriptionIndexView,
    SubscriptionPermissionPolicy,
)
from .models import Subscription

# Registered before the viewset, which otherwise makes Django's plain model policy for it.
register_permission_policy(Subscription, SubscriptionPermissionPolicy(Subscription))


class SubscriptionViewSet(SnippetViewSet):
    """Subscriptions as staff see them: listed, filtered, inspected, exported and deleted (one
    or in bulk), never added nor edited (see SubscriptionPermissionPolicy)."""

    model = Subscription
    icon = "mail"
    menu_label = "Subscribers"
    menu_name = "subscribers"
    index_view_class = SubscriptionIndexView
    list_display = [
        "email",
        Column("choices_label", label="Follows"),
        Column("get_frequency_display", label="Frequency", sort_key="frequency"),
        Column("get_language_display", label="Language", sort_key="language"),
        StatusFlagColumn(
            "is_confirmed",
            label="Status",
            true_label="Confirmed",
            false_label="Waiting for confirmation",
        ),
        DateColumn("confirmed_at", label="Confirmed", sort_key="confirmed_at"),
        DateColumn("created_at", label="Subscribed", sort_key="created_at"),
    ]
    filterset_class = SubscriptionFilterSet
    search_fields = ["email"]
    # Searched in the database itself: subscriptions are not in the site's search index.
    search_backend_name = None
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "email",
        "news",
        "briefings",
        "events",
        "topics",
        "frequency",
        "language",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "next_digest_at",
    ]
    list_export = [
        "email",
        "choices_label",
        "get_frequency_display",
        "get_language_display",
        "created_at",
        "confirmed_at",
    ]
    export_headings = {
        "email": "Email",
        "choices_label": "Follows",
        "get_frequency_display": "Frequency",
        "get_language_display": "Language",
        "created_at": "Subscribed",
        "confirmed_at": "Confirmed",
    }
    export_filename = "email-alert-subscriptions"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(counts_url_name=self.get_url_name("counts"), **kwargs)

    @property
    def counts_view(self):
        return self.construct_view(SubscriberCountsView, index_url_name=self.get_url_name("list"))

    def get_urlpatterns(self):
        """Every view asks first whether the user may see subscriptions at all, and refuses
        with 403 Forbidden as the membership pages do (membership.views.forbidden_when_denied),
        before it looks anything up: a 404 for a missing one would tell which exist."""
        patterns = [*super().get_urlpatterns(), path("counts/", self.counts_view, name="counts")]
        return [
            path(str(pattern.pattern), _staff_only(pattern.callback), name=pattern.name)
            for pattern in patterns
        ]


def _staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        policy = policy_registry.get_by_type(Subscription)
        if not policy.user_has_any_permission(request.user, STAFF_ACTIONS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return forbidden_when_denied(wrapped)


class DeleteSubscriptionsBulkAction(DeleteBulkAction):
    """Wagtail's bulk delete of snippets, which asks for the permission only item by item and
    lists by address those the user may not delete: for subscriptions it refuses anyone who may
    not delete them before it looks anything up."""

    models = [Subscription]

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


# After the snippets app's own, for all snippets, which this one replaces for subscriptions.
hooks.register("register_bulk_action", DeleteSubscriptionsBulkAction, order=100)


@hooks.register("register_actions")
def register_subscription_actions(registry):
    registry.register(Subscription, DeleteSubscriptionAction)


class CountsMenuItem(MenuItem):
    def is_shown(self, request):
        policy = policy_registry.get_by_type(Subscription)
        return policy.user_has_any_permission(request.user, STAFF_ACTIONS)


class EmailAlertsGroup(SnippetViewSetGroup):
    menu_label = "Email alerts"
    menu_icon = "mail"
    menu_order = 310
    items = (SubscriptionViewSet,)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            CountsMenuItem(
                "Subscriber counts",
                reverse_lazy("wagtailsnippets_alerts_subscription:counts"),
                icon_name="table",
                order=len(items) + 1,
            )
        )
        return items


register_snippet(EmailAlertsGroup)


@hooks.register("register_personal_data")
def subscriptions_personal_data():
    return personal_data.SUBSCRIPTIONS
