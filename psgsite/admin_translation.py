"""Translations go through moderation and scheduling as the pages they translate do.

wagtail-localize's translation editor takes the place of a translated page's edit view, and
offers only "Publish", now, to those who may publish: it ignores go-live and expiry times. Here
a form below it also offers, with a go-live and an expiry time in the admin's time zone:
- "Submit for moderation": the translated text is saved to the page as a draft carrying the
  times, and the page's workflow starts (or resumes, where a moderator asked for changes), as
  Wagtail's edit view does for any other page; a moderator's approval then schedules the page
  where its go-live time is to come, as Wagtail does;
- "Schedule", to those who may publish: the draft is published as Wagtail's edit view publishes
  a page with a go-live time to come, so that the scheduler (psgsite/scheduler.py) publishes it
  at that time.
Either way a published translation goes on showing its published text until the draft is
published, which wagtail-localize's own saving of a draft would not leave it doing."""

from wagtail_localize.models import Translation

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.models import WorkflowState

from home.dates import long_datetime

SUBMIT = "action-submit"
SCHEDULE = "action-schedule"
# What <input type="datetime-local"> sends: the time on the admin's clock, without a zone.
LOCAL_TIME = "%Y-%m-%dT%H:%M"
PUBLISHING_FIELDS = [
    "live_revision",
    "first_published_at",
    "last_published_at",
    "expired",
    "go_live_at",
    "expire_at",
]


def local_time_field(label, invalid):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[LOCAL_TIME],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_TIME),
        error_messages={"invalid": invalid},
    )


class ScheduleForm(forms.Form):
    """The times the translation editor's form gives the draft; Django reads them in the
    current time zone, which the admin sets to the user's own."""

    go_live_at = local_time_field(
        gettext_lazy("Go live at"), gettext_lazy("The go-live time is not a date and time.")
    )
    expire_at = local_time_field(
        gettext_lazy("Expire at"), gettext_lazy("The expiry time is not a date and time.")
    )
    # The form's words are here rather than in its template, which, as a screen of the admin,
    # is left out of the site's catalogue.
    explanation = gettext_lazy(
        "When the translation is ready, submit it for moderation (a moderator publishes it, at "
        "the go-live time if one is given) or, if you may publish, schedule it to go live."
    )
    submit_label = gettext_lazy("Submit for moderation")
    schedule_label = gettext_lazy("Schedule")

    def __init__(self, *args, scheduling=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheduling = scheduling

    def clean(self):
        cleaned = super().clean()
        now = timezone.now()
        go_live_at, expire_at = cleaned.get("go_live_at"), cleaned.get("expire_at")
        if go_live_at is None and self.scheduling and "go_live_at" not in self.errors:
            self.add_error("go_live_at", _("Choose when the translation is to go live."))
        if go_live_at is not None and go_live_at <= now:
            self.add_error(
                "go_live_at", _("The go-live time has already passed: choose a later one.")
            )
        if expire_at is not None and expire_at <= now:
            self.add_error(
                "expire_at", _("The expiry time has already passed: choose a later one.")
            )
        elif expire_at is not None and go_live_at is not None and expire_at <= go_live_at:
            self.add_error("expire_at", _("The expiry time must come after the go-live time."))
        return cleaned

    def error_messages(self):
        return [error for errors in self.errors.values() for error in errors]


def synced_translation(page):
    """The wagtail-localize translation the page is the target of, where its editor is in use."""
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()


def submit_or_schedule_translation(request, page):
    """The before_edit_page hook: answers a translation's "Submit for moderation" and
    "Schedule". Each stores all it does or, on bad input, nothing."""
    if request.method != "POST" or not (SUBMIT in request.POST or SCHEDULE in request.POST):
        return None
    translation = synced_translation(page)
    if translation is None:
        return None  # Wagtail's own edit view submits it
    scheduling = SCHEDULE in request.POST
    allowed = can_schedule if scheduling else can_submit
    if not allowed(page, request.user):
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = ScheduleForm(request.POST, scheduling=scheduling)
    if not form.is_valid():
        for error in form.error_messages():
            messages.error(request, error)
        return redirect(edit_url)
    state = page.current_workflow_state
    published = page.specific_class.objects.get(pk=page.pk) if page.live else None
    try:
        with transaction.atomic():
            translation.save_target(user=request.user, publish=False)
            if published is not None:
                keep_published_content(published)
            page = page.specific_class.objects.get(pk=page.pk)
            # wagtail-localize's draft has the times the page had; it is given the form's, as
            # the draft of Wagtail's edit view is.
            revision = page.latest_revision
            revision.content.update(form.cleaned_data)
            revision.save(update_fields=["content"])
            if scheduling:
                revision.publish(user=request.user)
            elif state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
                state.resume(request.user)
            else:
                page.get_workflow().start(page, request.user)
    except ValidationError as error:
        # The page refuses the translated text (a slug too long for it, say): all of the above
        # is undone, and the translator is told what to correct. The page is named as the
        # translation editor names it, by its source: its draft title is the translated one.
        if scheduling:
            refusal = _("The translation of '%(page_title)s' was not scheduled: it is not valid.")
        else:
            refusal = _(
                "The translation of '%(page_title)s' was not submitted for moderation: it is "
                "not valid."
            )
        source = translation.source.get_source_instance()
        reasons = invalid_fields(page.specific_class, error)
        refusal %= {"page_title": source.get_admin_display_title()}
        messages.error(request, " ".join([refusal, *reasons]))
        return redirect(edit_url)
    title = page.get_admin_display_title()
    if scheduling:
        message = _("Page '%(page_title)s' is scheduled to go live on %(go_live_at)s.") % {
            "page_title": title,
            "go_live_at": local_time(form.cleaned_data["go_live_at"]),
        }
    else:
        message = _("Page '%(page_title)s' has been submitted for moderation.") % {
            "page_title": title
        }
    messages.success(request, message)
    return redirect(edit_url)


def invalid_fields(model, error):
    """What a page's validation found wrong, each with the name of its field where it has one:
    "Slug: Ensure this value has at most 255 characters (it has 279)."
    """
    if not hasattr(error, "error_dict"):
        return error.messages
    reasons = []
    for name, field_messages in error.message_dict.items():
        if name == "draft_title":
            continue  # Wagtail's copy of the title, refused with it
        try:
            label = capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = None  # the page as a whole
        reasons += [f"{label}: {message}" if label else message for message in field_messages]
    return reasons


def keep_published_content(published):
    """wagtail-localize saves a draft into the page's own row, which is what readers are shown:
    a live page gets its published content back, the draft staying in its revision, as
    Wagtail's edit view leaves it. `published` is the page's row as it was before."""
    if published.live_revision is None:
        return
    page = published.live_revision.as_object()  # with the row's draft title and latest revision
    # What publishing set, which the published revision's own content predates.
    for name in PUBLISHING_FIELDS:
        setattr(page, name, getattr(published, name))
    page.save(clean=False)


def local_time(moment):
    """A moment on the admin's clock, named: "Monday 1 July 2030, 10:05 (Europe/London)"."""
    when = long_datetime(timezone.localtime(moment))
    return f"{when} ({timezone.get_current_timezone_name()})"


def can_submit(page, user):
    """Whether the translation editor offers "Submit for moderation" for the page."""
    state = page.current_workflow_state
    permissions = page.permissions_for_user(user)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return permissions.can_edit()
    return permissions.can_edit() and permissions.can_submit_for_moderation()


def can_schedule(page, user):
    return page.permissions_for_user(user).can_publish()


def editor_form(page, user):
    """What the form below the translation editor offers the user, filled in as Wagtail's edit
    form is, from the page's latest draft (`page`, as the edit view hands it over), and when
    the page is scheduled to go live, if it is."""
    now = timezone.now()
    scheduled = page.scheduled_revision
    return {
        "can_submit": can_submit(page, user),
        "can_schedule": can_schedule(page, user),
        "form": ScheduleForm(
            initial={
                name: getattr(page, name)
                for name in ("go_live_at", "expire_at")
                if getattr(page, name) and getattr(page, name) > now
            }
        ),
        "time_zone": _("Times are in the %(time_zone)s time zone.")
        % {"time_zone": timezone.get_current_timezone_name()},
        "scheduled": scheduled
        and _("Scheduled to go live on %(go_live_at)s.")
        % {"go_live_at": local_time(scheduled.approved_go_live_at)},
    }
