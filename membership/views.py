"""The admin's page for subject access and erasure requests."""

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.defaults import permission_denied

from . import personal_data
from .forms import PersonalDataForm

PERMISSION = "membership.delete_membershipapplication"


def can_handle_personal_data(user):
    return user.has_perm(PERMISSION)


def forbidden_when_denied(view):
    """Answers a refusal with 403 Forbidden. Wagtail's admin turns a PermissionDenied into a
    redirect to the dashboard with a message, which to a script or a proxy's log looks like
    success; membership data is personal, so its pages refuse plainly."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return permission_denied(request, denied)

    return wrapped


@forbidden_when_denied
@require_http_methods(["GET", "POST"])
def personal_data_view(request):
    if not can_handle_personal_data(request.user):
        raise PermissionDenied
    # The address is taken from a POST only: in a query string it would be kept in access logs
    # and the browser's history.
    form = PersonalDataForm(request.POST if request.method == "POST" else None)
    found = None
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"]
        action = request.POST.get("action")
        if action == "export":
            return _json_download(email)
        if action == "erase":
            if request.POST.get("confirm") == "yes":
                erased = personal_data.erase(email)
                messages.success(request, f"Erased {_counted(erased)} for that address.")
                return redirect(request.path)
            form.add_error(None, "Tick the box to confirm that the data should be erased.")
        found = [
            {
                "key": kind.key,
                "label": kind.label,
                "headings": [heading for heading, _ in kind.columns],
                "rows": [
                    [personal_data.as_shown(value(record)) for _, value in kind.columns]
                    for record in records
                ],
            }
            for kind, records in personal_data.find(email)
        ]
    return TemplateResponse(
        request,
        "membership/admin/personal_data.html",
        {
            "form": form,
            "found": found,
            "found_anything": any(kind["rows"] for kind in found or []),
            "page_title": "Personal data requests",
            "header_title": "Personal data requests",
            "header_icon": "user",
        },
    )


def _counted(erased):
    """Like "2 application(s), 0 registration(s) of interest and 3 queued email(s)"."""
    parts = [f"{count} {kind.noun}" for kind, count in erased]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]


def _json_download(email):
    data = personal_data.export(email)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
