"""Scheduling in the page editor that says what it did: the message after publishing or approving
a page with a future go-live names the time, in UK time, instead of Wagtail's "has been updated"
(approving) or "has been scheduled for publishing" (publishing), which leave it out."""

from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

from wagtail.admin import messages as admin_messages


def uk_time(moment):
    """A moment as staff read it: "1 July 2027, 10:05", on the clock in the UK."""
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M")


def scheduled_message(title, go_live_at):
    return f"'{title}' is scheduled to go live on {uk_time(go_live_at)} (UK time)."


def schedules(request):
    """Whether the editor's action was one that makes a schedule take effect: publishing, or
    approving in the moderation workflow."""
    if request.method != "POST":
        return False
    if request.POST.get("action-publish"):
        return True
    return bool(request.POST.get("action-workflow-action")) and (
        request.POST.get("workflow-action-name") == "approve"
    )


def say_when_scheduled(request, page):
    """after_edit_page: where the page now waits for its go-live time, say so and when, in
    place of the view's own message (the last success message it added)."""
    if not schedules(request):
        return
    # Not page.scheduled_revision, which the view may have read, and kept, before the action.
    revision = page.revisions.filter(approved_go_live_at__gt=timezone.now()).first()
    if revision is None:
        return
    stored = list(messages.get_messages(request))  # takes them all out of the request
    last_success = max(
        (i for i, message in enumerate(stored) if message.level == messages.SUCCESS),
        default=None,
    )
    for i, message in enumerate(stored):
        if i != last_success:
            messages.add_message(request, message.level, message.message, message.extra_tags)
    admin_messages.success(
        request,
        scheduled_message(page.get_admin_display_title(), revision.approved_go_live_at),
        buttons=[admin_messages.button(reverse("wagtailadmin_pages:edit", args=[page.pk]), "Edit")],
    )
