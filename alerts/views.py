"""The public pages of email alerts: subscribe, confirm, manage and unsubscribe."""

from django.http import HttpResponse


def _not_built(request, *args, **kwargs):
    return HttpResponse(status=404)


subscribe = confirm = manage = unsubscribe = _not_built
