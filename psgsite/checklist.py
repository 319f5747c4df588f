"""The launch checklist on the dashboard: what the site still lacks before it can go public, each
with a link to where it is put right, for those who publish (moderators and administrators). It
is gone once nothing is missing.

The privacy notice counts as reviewed once a person has published it: the day-one content's pages
are published by the loading command, with no user, so a live version with a user on it means
someone has read it in the admin and published it. Its translations (the Spanish notice of the
day-one content) count the same way.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info

from wagtail.admin.ui.components import Component
from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from home.models import SiteSettings
from membership.models import MembershipType

from .admin_scheduling import uk_time
from .models import Heartbeat

SCHEDULER_SILENCE = datetime.timedelta(minutes=5)


@dataclass
class Item:
    text: str
    url: str = ""
    link_text: str = ""
    help: str = ""


def sees_checklist(user):
    return PagePermissionPolicy().user_has_permission(user, "publish")


def missing_items(request):
    """What is missing, in the order to put it right; an empty list when the site is ready."""
    user = request.user
    items = []
    if not MembershipType.objects.active().exists():
        item = Item("No membership type is on offer, so the join page takes no applications.")
        if user.has_perm("membership.add_membershiptype"):
            item.url = reverse("membership_membershiptype_modeladmin_index")
            item.link_text = "Add a membership type"
        else:
            item.help = "A membership secretary adds one under Membership → Membership types."
        items.append(item)

    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    if site is not None:
        items += site_settings_items(site, user)

    last_run = Heartbeat.last(Heartbeat.SCHEDULER)
    if last_run is None or timezone.now() - last_run > SCHEDULER_SILENCE:
        when = f"it last ran {uk_time(last_run)} (UK time)" if last_run else "it has never run"
        items.append(
            Item(
                f"The scheduler has not run in the last 5 minutes: {when}.",
                help="Scheduled pages go live, and expired ones come down, only while it runs. "
                "Whoever runs the server starts it beside the site: the Procfile's scheduler "
                "process, or python manage.py run_scheduler (see the README).",
            )
        )
    return items


def site_settings_items(site, user):
    settings = SiteSettings.for_site(site)
    url = reverse("wagtailsettings:edit", args=["home", "sitesettings", site.pk])
    may_edit = user.has_perm("home.change_sitesettings")

    def setting(text, link_text):
        if may_edit:
            return Item(text, url=url, link_text=link_text)
        return Item(text, help="A moderator sets it under Settings → Site settings.")

    items = []
    if not settings.email:
        items.append(setting("No contact email address is set.", "Set the contact email"))
    items += privacy_items(settings, user, setting)
    if settings.logo_id is None:
        items.append(setting("No logo is set.", "Choose the logo"))
    if settings.social_image_id is None:
        items.append(
            setting("No image is set for pages shared on social media.", "Choose the sharing image")
        )
    return items


def privacy_items(settings, user, setting):
    # The notice and its translations (the day-one content has one in Spanish), in one query.
    notices = (
        Page.objects.filter(
            translation_key__in=Page.objects.filter(pk=settings.privacy_notice_id).values(
                "translation_key"
            )
        ).values_list("pk", "live", "live_revision__user_id", "locale__language_code")
        if settings.privacy_notice_id
        else []
    )
    notice = next((row for row in notices if row[0] == settings.privacy_notice_id), None)
    if notice is None:
        return [setting("No privacy notice page is chosen.", "Choose the privacy notice")]
    unreviewed = "has not been reviewed: no one has published it since it was loaded."
    items = []
    pk, live, reviewer, _ = notice
    if not live:
        items.append(review_item("The privacy notice page is not published.", pk, user))
    elif reviewer is None:
        items.append(review_item(f"The privacy notice {unreviewed}", pk, user))
    # A translation is reviewed as the notice is, once it is live.
    for pk, live, reviewer, language in notices:
        if pk != notice[0] and live and reviewer is None:
            name = get_language_info(language)["name"]
            items.append(
                review_item(
                    f"The {name} privacy notice {unreviewed}",
                    pk,
                    user,
                    f"Review and publish the {name} privacy notice",
                )
            )
    return items


def review_item(text, pk, user, link_text="Review and publish the privacy notice"):
    item = Item(text)
    if PagePermissionPolicy().user_has_permission(user, "publish"):
        item.url = reverse("wagtailadmin_pages:edit", args=[pk])
        item.link_text = link_text
    return item


class LaunchChecklistPanel(Component):
    name = "launch_checklist"
    order = 40
    template_name = "psgsite/launch_checklist_panel.html"

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        return {"items": self.items}


def add_launch_checklist(request, panels):
    """construct_homepage_panels: the checklist, for those who publish, while anything is
    missing."""
    if not sees_checklist(request.user):
        return
    items = missing_items(request)
    if items:
        panels.append(LaunchChecklistPanel(items))
