from urllib.parse import urlencode

from wagtail_localize import wagtail_hooks as localize_hooks
from wagtail_localize.models import TranslationSource

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import admin_compare
from .admin_history import group_autosave
from .admin_scheduling import say_when_scheduled
from .admin_translation import submit_or_schedule_translation
from .checklist import add_launch_checklist


class ScheduledPanel(Component):
    """The dashboard's "Scheduled" panel: what goes live or expires next, when, and who set it."""

    name = "scheduled"
    order = 50
    template_name = "psgsite/scheduled_panel.html"

    def get_context_data(self, parent_context):
        now = timezone.now()
        going_live = list(
            Revision.page_revisions.filter(approved_go_live_at__isnull=False)
            .select_related("user")
            .order_by("approved_go_live_at")[:20]
        )
        scheduled_by = {
            entry.revision_id: entry.user
            for entry in PageLogEntry.objects.filter(
                action="wagtail.publish.schedule", revision__in=going_live
            ).select_related("user")
        }
        expiring = list(
            Page.objects.live()
            .filter(expire_at__gt=now)
            .select_related("live_revision__user")
            .order_by("expire_at")[:20]
        )
        return {
            "going_live": [
                {
                    "title": revision.object_str,
                    "page_id": revision.object_id,
                    "when": revision.approved_go_live_at,
                    "by": scheduled_by.get(revision.pk) or revision.user,
                }
                for revision in going_live
            ],
            "expiring": [
                {
                    "title": page.title,
                    "page_id": page.pk,
                    "when": page.expire_at,
                    "by": page.live_revision.user if page.live_revision else None,
                }
                for page in expiring
            ],
        }


@hooks.register("construct_homepage_panels")
def add_scheduled_panel(request, panels):
    if PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change", "publish"]):
        panels.append(ScheduledPanel())


@hooks.register("construct_page_chooser_queryset")
def chooser_statuses_in_one_query(pages, request):
    """The page chooser shows each page's status (scheduled, in moderation), which Wagtail's
    chooser works out with two queries a row; the explorer loads the same with its listing, as
    this does."""
    return pages.annotate_approved_schedule().prefetch_workflow_states()


SUBMIT_TRANSLATION = "wagtail_localize.submit_translation"


@hooks.register("construct_explorer_page_queryset")
def translation_states_in_one_query(parent_page, pages, request):
    """What the explorer's rows need for their translation buttons (below), read with the
    listing: whether a locale lacks the page (its aliases do not count, as wagtail-localize
    has it), and the page's translation source while it has translations kept in sync."""
    if not request.user.has_perm(SUBMIT_TRANSLATION):
        return pages
    translated_into = Page.objects.filter(
        translation_key=OuterRef(OuterRef("translation_key")), alias_of__isnull=True
    ).values("locale_id")
    synced_source = TranslationSource.objects.filter(
        object_id=OuterRef("translation_key"),
        object__content_type=ContentType.objects.get_for_model(Page),
        locale_id=OuterRef("locale_id"),
        translations__enabled=True,
    ).values("pk")[:1]
    return pages.annotate(
        _untranslated_locale=Exists(Locale.objects.exclude(id__in=translated_into)),
        _synced_source_id=Subquery(synced_source),
    )


def translation_buttons(page, user, next_url=None):
    """wagtail-localize's "Translate this page" and "Sync translated pages" in an explorer row,
    from the listing's query rather than two or three queries a row."""
    if not hasattr(page, "_untranslated_locale"):
        # A listing that did not come through the explorer's queryset.
        yield from localize_hooks.page_listing_more_buttons(page, user, next_url=next_url)
        return
    if page.is_root() or not user.has_perm(SUBMIT_TRANSLATION):
        return
    if page._untranslated_locale:
        # An alias is translated from the page it stands for.
        url = reverse(
            "wagtail_localize:submit_page_translation", args=[page.alias_of_id or page.pk]
        )
        yield Button(
            _("Translate this page"), url, priority=60, icon_name="wagtail-localize-language"
        )
    if page._synced_source_id is not None:
        url = reverse("wagtail_localize:update_translations", args=[page._synced_source_id])
        if next_url is not None:
            url += "?" + urlencode({"next": next_url})
        yield Button(_("Sync translated pages"), url, priority=60, icon_name="resubmit")


# Wagtail has no way to unregister a hook. wagtail-localize's own listing hook is taken out
# here, for the explorer's rows alone (the page header, one page, keeps it); importing its
# module first registers it whatever the order of INSTALLED_APPS.
hooks._hooks["register_page_listing_more_buttons"].remove(
    (localize_hooks.page_listing_more_buttons, 0)
)
hooks.register("register_page_listing_more_buttons", translation_buttons)
hooks.register("construct_homepage_panels", add_launch_checklist)
hooks.register("after_edit_page", say_when_scheduled)
hooks.register("after_edit_page", group_autosave)
# Before wagtail-localize's own, which answers every POST to a translation's edit view.
hooks.register("before_edit_page", submit_or_schedule_translation, order=-1)
admin_compare.register()


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_global_admin_js")
def admin_js():
    return format_html('<script src="{}"></script>', static("js/admin/datetime.js"))
