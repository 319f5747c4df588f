"""A translated string that its field cannot hold is refused as it is typed.

wagtail-localize's translation editor saves each string of a translation as the translator types
it, with a PUT to the string's own address, and stores whatever it is sent: a title too long
for a page's title then fails on PostgreSQL, as wagtail-localize copies it into the page's
draft_title (a 500, the string unsaved), and on SQLite is kept, to fail only when the
translation is published. Its view is wrapped here, at its own address: a string longer than
the field it translates may hold (a page's title, slug, title tag, meta description...) is
refused with a 400 that says so, and nothing is stored; so is a PUT without a string. The
translation editor shows only "Server error" for an answer other than 200 or 201;
static/js/admin/translation-editor.js has it show this answer's reason by the string instead.
"""

from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from wagtail_localize.models import StringSegment, Translation
from wagtail_localize.views import edit_translation as localize_views

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _


def too_long(model, path, value):
    """Why `value` cannot be stored in the model's field at `path` (a segment's context), or
    None. Strings inside a StreamField are kept in its JSON, which has no length of its own."""
    try:
        field = model._meta.get_field(path)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.CharField) and field.max_length and len(value) > field.max_length:
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
