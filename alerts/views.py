"""The public pages of email alerts: subscribe, confirm, manage and unsubscribe."""

import re

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from home.client_ip import client_ip
from home.parameters import read_parameter
from home.rate_limit import count
from membership.emails import send_now
from membership.models import QueuedEmail
from news.models import Topic

from . import links
from .forms import FOLLOW_FIELDS, FOLLOW_HINTS, NOTHING_CHOSEN, ManageForm, SubscribeForm
from .models import Subscription
from .signup import subscribe as store_subscription

SPAM_ERROR = _("Please check your details and send the form again.")
META_DESCRIPTION = _(
    "Get our news, briefings and events on Peru by email, each as it is published or in a "
    "weekly digest."
)
RATE_WINDOW = 60 * 60
# A query string may ask for this many topics ticked at most; the rest are ignored.
MAX_PREFILLED_TOPICS = 20
# A topic's slug as the site makes them; anything else (a NUL, which PostgreSQL refuses) is
# not looked up.
SLUG = re.compile(r"[-\w]{1,100}")


# The compact forms sit on every page, and pages are served from the page cache, which keeps no
# page that holds a CSRF token (each would be one visitor's). Subscribing only queues an email
# asking the owner of the address to confirm (double opt-in), so a forged request gains nothing;
# the form's own guards (honeypot, start time, a limit on each IP address) stop floods.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        return render_subscribe(request, SubscribeForm(initial=prefilled(request)))
    form = SubscribeForm(request.POST)
    if over_limit(request):
        form.add_error(
            None,
            gettext(
                "We have received too many subscriptions from your connection in the last "
                "hour. Please try again later."
            ),
        )
        return render_subscribe(request, form, status=429)
    spam = form.spam_reason()
    if spam == "honeypot":
        return redirect("alerts:check_email")
    if spam:
        # An expired form comes back with a new start time and the values kept.
        if spam != "too fast":
            form.renew_started()
        form.add_error(None, SPAM_ERROR)
        form.is_valid()  # shows any field errors alongside
        return render_subscribe(request, form)
    if not form.is_valid():
        return render_subscribe(request, form)
    # In the language of the page subscribed on, which the address gives (/es/alerts/).
    _subscription, _outcome, emails = store_subscription(
        form.cleaned_data["email"], form.choices(), language=get_language()
    )
    send_now(emails)
    return redirect("alerts:check_email")


def over_limit(request):
    """Counts this submission against the sender's IP address; bad tries count too."""
    tries = count(f"alerts:subscribe:{client_ip(request)}", RATE_WINDOW)
    return tries > settings.ALERTS_SUBSCRIPTIONS_PER_HOUR


def prefilled(request):
    """What a link to /alerts/ asks to have ticked: ?follow=news|briefings|events and
    ?topic=<slug>, each possibly more than once. Values we do not know are left out. Each
    parameter is recorded for the page cache in its one spelling, where it was given once."""
    initial = {}
    follow = request.GET.getlist("follow")
    for name in follow:
        if name in FOLLOW_FIELDS:
            initial[name] = True
    if follow:
        known = len(follow) == 1 and follow[0] in FOLLOW_FIELDS
        read_parameter(request, "follow", follow[0] if known else None)
    slugs = request.GET.getlist("topic")
    if slugs:
        wanted = [slug for slug in slugs[:MAX_PREFILLED_TOPICS] if SLUG.fullmatch(slug)]
        found = dict(Topic.objects.filter(slug__in=wanted).values_list("slug", "pk"))
        if found:
            initial["topics"] = list(found.values())
        known = len(slugs) == 1 and slugs[0] in found
        read_parameter(request, "topic", slugs[0] if known else None)
    return initial


def render_subscribe(request, form, status=200):
    context = {
        **choices_context(form),
        "meta_description": META_DESCRIPTION,
        "canonical_url": request.build_absolute_uri(reverse("alerts:subscribe")),
    }
    return TemplateResponse(request, "alerts/subscribe.html", context, status=status)


def choices_context(form):
    """What the choices' fields (alerts/includes/choices.html) show beside the form."""
    return {
        "form": form,
        "follow_fields": [(form[name], FOLLOW_HINTS[name]) for name in FOLLOW_FIELDS],
        "has_topics": bool(form.fields["topics"].choices),
        "nothing_chosen": gettext(NOTHING_CHOSEN),
    }


@require_http_methods(["GET", "HEAD"])
def check_email(request):
    """Where every subscription ends, whatever the address: no one learns from it whether an
    address was subscribed already."""
    return TemplateResponse(request, "alerts/check_email.html", {})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link in the confirmation email. GET only shows a button: mail systems' link
    scanners follow links, and must not confirm for the person."""
    subscription = links.subscription_for_confirm(token)
    if subscription is None:
        return invalid_link(request)
    confirmed = subscription.is_confirmed
    if request.method == "POST":
        subscription.confirm()
        confirmed = True
    return private(
        TemplateResponse(
            request,
            "alerts/confirm.html",
            {
                "subscription": subscription,
                "confirmed": confirmed,
                "choices": subscription.choices_label(),
                "manage_url": links.manage_url(subscription) if confirmed else "",
            },
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    subscription = links.subscription_for_manage(token)
    if subscription is None:
        return invalid_link(request)
    saved = request.GET.get("saved") == "1"
    if request.method == "POST":
        language = subscription.language
        form = ManageForm(request.POST, subscription=subscription)
        if form.is_valid():
            form.save()
            if subscription.language != language:
                # The page, like the emails from now on, is in the language just chosen.
                path = links.path_for(subscription, "manage", token)
                return private(HttpResponseRedirect(f"{path}?saved=1"))
            saved = True
            form = ManageForm(subscription=subscription)
    else:
        form = ManageForm(subscription=subscription)
    return private(
        TemplateResponse(
            request,
            "alerts/manage.html",
            {
                **choices_context(form),
                "subscription": subscription,
                "saved": saved,
                "unsubscribe_url": links.path_for(subscription, "unsubscribe", token),
            },
        )
    )


# RFC 8058: a mail provider unsubscribes with a POST of "List-Unsubscribe=One-Click" to the
# address in the List-Unsubscribe header, with no cookie and no CSRF token. The signed token in
# the address is what authorises it; leaving needs nothing more.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    key = links.signed_manage_key(token)
    if key is None:
        return invalid_link(request)
    subscription = Subscription.objects.filter(key=key).first()
    if request.method == "POST":
        if subscription is not None:
            cancel(subscription)
        return private(TemplateResponse(request, "alerts/unsubscribed.html", {}))
    return private(
        TemplateResponse(
            request,
            "alerts/unsubscribe.html",
            {"subscription": subscription, "token": token},
        )
    )


@transaction.atomic
def cancel(subscription):
    """Deletes the subscription and the alerts still waiting to go to its address, which carry
    a List-Unsubscribe header; other emails to the address (a membership application's) stay."""
    QueuedEmail.objects.filter(
        to=[subscription.email], headers__has_key="List-Unsubscribe"
    ).delete()
    subscription.delete()


def invalid_link(request):
    return private(TemplateResponse(request, "alerts/invalid_link.html", {}, status=404))


def private(response):
    """Pages reached by a signed link name a subscription: no shared cache or search engine
    keeps them, and the link is not passed on as the referrer of the next page."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    # Only the site's address: "no-referrer" would make the browser send "Origin: null" with
    # the page's own forms, which the CSRF check refuses.
    response["Referrer-Policy"] = "origin"
    return response
