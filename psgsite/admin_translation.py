"""Translations go through moderation as the pages they translate do.

wagtail-localize's translation editor takes the place of a translated page's edit view, and
offers only "Publish", to those who may publish. Here it also offers "Submit for moderation":
the translated text is saved to the page as a draft and the page's workflow starts (or resumes,
where a moderator asked for changes), as Wagtail's edit view does for any other page."""

from wagtail_localize.models import Translation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.models import WorkflowState

SUBMIT = "action-submit"


def synced_translation(page):
    """The wagtail-localize translation the page is the target of, where its editor is in use."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


def submit_translation_for_moderation(request, page):
    """The before_edit_page hook: answers a translation's "Submit for moderation"."""
    if request.method != "POST" or SUBMIT not in request.POST:
        return None
    translation = synced_translation(page)
    if translation is None:
        return None  # Wagtail's own edit view submits it
    if not can_submit(page, request.user):
        raise PermissionDenied
    state = page.current_workflow_state
    translation.save_target(user=request.user, publish=False)
    page = page.specific_class.objects.get(pk=page.pk)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(request.user)
    else:
        page.get_workflow().start(page, request.user)
    messages.success(
        request,
        _("Page '%(page_title)s' has been submitted for moderation.")
        % {"page_title": page.get_admin_display_title()},
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def can_submit(page, user):
    """Whether the translation editor offers "Submit for moderation" for the page."""
    state = page.current_workflow_state
    permissions = page.permissions_for_user(user)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return permissions.can_edit()
    return permissions.can_edit() and permissions.can_submit_for_moderation()
