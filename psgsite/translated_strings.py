"""A translated string that its field cannot hold is refused, as it is typed or uploaded.

wagtail-localize's translation editor saves each string of a translation as the translator types
it, with a PUT to the string's own address, and stores whatever it is sent: a title too long
for a page's title then fails on PostgreSQL, as wagtail-localize copies it into the page's
draft_title (a 500, the string unsaved), and on SQLite is kept, to fail only when the
translation is published. Its view is wrapped here, at its own address: a string longer than
the field it translates may hold (a page's title, slug, title tag, meta description...) is
refused with a 400 that says so, and nothing is stored; so is a PUT without a string. The
translation editor shows only "Server error" for an answer other than 200 or 201;
static/js/admin/translation-editor.js has it show this answer's reason by the string instead.

A PO file uploaded to a translation (translated offline) is checked the same way before
wagtail-localize imports it, and nothing of it is imported where a string is too long; so is an
upload without a file, or with a PO file that names no translation, which wagtail-localize's own
view answers with a 500.
"""

import tempfile

import polib
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from wagtail_localize.models import StringSegment, Translation
from wagtail_localize.views import edit_translation as localize_views

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.admin.auth import require_admin_access
from wagtail.admin.utils import get_valid_next_url_from_request


def limited_field(model, path):
    """The model's field at `path` (a segment's context) where it holds at most so many
    characters, or None. Strings inside a StreamField are kept in its JSON, which has no length
    of its own."""
    try:
        field = model._meta.get_field(path)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.CharField) and field.max_length:
        return field
    return None


def too_long(model, path, value):
    """Why `value` cannot be stored in the model's field at `path`, or None."""
    field = limited_field(model, path)
    if field is not None and len(value) > field.max_length:
        return _(
            "Not saved: the %(field)s can have at most %(limit)d characters, and this "
            "translation has %(length)d."
        ) % {"field": field.verbose_name, "limit": field.max_length, "length": len(value)}
    return None


@api_view(["PUT", "DELETE"])
@permission_classes([IsAuthenticated])
@authentication_classes([SessionAuthentication])
def edit_string_translation(request, translation_id, string_segment_id):
    # wagtail-localize's view reads the request again: keep its body for it.
    request._request.body  # noqa: B018
    if request.method == "PUT":
        # Found and allowed as wagtail-localize's view has them, before the string is judged.
        translation = get_object_or_404(Translation, id=translation_id)
        segment = get_object_or_404(
            StringSegment.objects.select_related("context"), id=string_segment_id
        )
        if segment.context.object_id != translation.source.object_id:
            raise Http404
        instance = translation.get_target_instance()
        if not localize_views.user_can_edit_instance(request.user, instance):
            raise PermissionDenied
        value = request.POST.get("value")
        if not isinstance(value, str):
            error = _("Not saved: no translation was sent.")
        else:
            error = too_long(type(instance), segment.context.path, value)
        if error:
            # What the editor shows for a string it saved with an error, with this one's reason.
            return Response(
                {"segment_id": segment.pk, "data": value or "", "error": error}, status=400
            )
    return localize_views.edit_string_translation(
        request._request, translation_id=translation_id, string_segment_id=string_segment_id
    )


@require_admin_access
def upload_pofile(request, translation_id):
    """wagtail-localize's upload of a PO file to a translation, after the file is checked."""
    translation = get_object_or_404(Translation, id=translation_id)
    instance = translation.get_target_instance()
    if not localize_views.user_can_edit_instance(request.user, instance):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    error = pofile_error(request.FILES.get("file"), type(instance))
    if error is None:
        request.FILES["file"].seek(0)  # read again by wagtail-localize's view
        return localize_views.upload_pofile(request, translation_id=translation_id)
    messages.error(request, error)
    next_url = get_valid_next_url_from_request(request)
    return redirect(next_url or reverse("wagtailadmin_pages:edit", args=[instance.pk]))


def pofile_error(upload, model):
    """Why the uploaded PO file cannot be imported into a translation of `model`, or None."""
    if upload is None:
        return _("No file was uploaded: choose the PO file to upload.")
    # A file on disk, as wagtail-localize reads it: polib takes a string it is given for the
    # name of a file to open where it looks like one.
    with tempfile.NamedTemporaryFile(suffix=".po") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            po = polib.pofile(copy.name)
        except (OSError, UnicodeDecodeError, ValueError):
            return _("Please upload a valid PO file.")
    if "X-WagtailLocalize-TranslationID" not in po.metadata:
        return _(
            "This PO file names no translation: upload the PO file downloaded from this "
            "translation, with its translations written in."
        )
    for entry in po:
        field = limited_field(model, entry.msgctxt or "")
        if field is not None and len(entry.msgstr) > field.max_length:
            return _(
                "Nothing was imported: in the PO file, the %(field)s has %(length)d "
                "characters, and it can have at most %(limit)d."
            ) % {
                "field": field.verbose_name,
                "length": len(entry.msgstr),
                "limit": field.max_length,
            }
    return None
