from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import admin_compare
from .admin_history import group_autosave
from .admin_scheduling import say_when_scheduled
from .admin_translation import submit_translation_for_moderation
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


hooks.register("construct_homepage_panels", add_launch_checklist)
hooks.register("after_edit_page", say_when_scheduled)
hooks.register("after_edit_page", group_autosave)
# Before wagtail-localize's own, which answers every POST to a translation's edit view.
hooks.register("before_edit_page", submit_translation_for_moderation, order=-1)
admin_compare.register()


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_global_admin_js")
def admin_js():
    return format_html('<script src="{}"></script>', static("js/admin/datetime.js"))
