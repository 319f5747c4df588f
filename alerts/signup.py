"""Subscribing from the public form: the subscription stored or updated, and the email that
answers, queued in the same transaction (the outbox, membership.models.QueuedEmail).

The form takes any address anyone types, so it never tells the person at the form whether the
address was subscribed, it never changes a confirmed subscription (the person typing may not
own the address), and it mails one address at most once in RESEND_AFTER.

A subscription is in the language of the page it was made on (/es/alerts/, or a form on a
Spanish page, which sends to /es/alerts/): its emails and their links are in that language.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wagtail.models import Site

from home.models import SiteSettings
from membership.models import QueuedEmail

from . import links
from .models import Subscription

logger = logging.getLogger("alerts.signup")

# However often the form is sent with one address, it mails that address no more than once in
# this time: the form cannot be used to flood someone's inbox.
RESEND_AFTER = timedelta(minutes=10)


class Outcome:
    NEW = "new"
    UPDATED = "updated"  # unconfirmed: choices replaced, confirmation sent again
    ALREADY_SUBSCRIBED = "already subscribed"  # confirmed: left as it was, told so by email


def subscribe(email, choices, now=None, language=None):
    """Stores what the form gave for this address and queues the email that answers it.
    Returns the subscription, the outcome and the emails queued (none when one went to the
    address in the last RESEND_AFTER). The caller sends them once the transaction commits.
    The language is the active one unless given: the language of the page subscribed on."""
    now = now or timezone.now()
    topics = choices["topics"]
    fields = {name: choices[name] for name in ("news", "briefings", "events", "frequency")}
    # An unconfirmed subscription sent again takes the language of the new form, as it takes
    # its choices; a confirmed one keeps the language its owner chose.
    fields["language"] = translation.get_supported_language_variant(
        language or translation.get_language()
    )
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().for_email(email).first()
        outcome = None
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email, created_at=now, **fields
                    )
                    subscription.topics.set(topics)
                outcome = Outcome.NEW
            except IntegrityError:
                # The same address subscribed by another request at the same moment.
                subscription = Subscription.objects.select_for_update().for_email(email).get()
        if outcome is None and subscription.is_confirmed:
            outcome = Outcome.ALREADY_SUBSCRIBED
        elif outcome is None:
            outcome = Outcome.UPDATED
            subscription.email = email
            for name, value in fields.items():
                setattr(subscription, name, value)
            subscription.save(update_fields=["email", *fields])
            subscription.topics.set(topics)
        sent = subscription.confirmation_sent_at
        if sent is not None and now - sent < RESEND_AFTER:
            logger.info("Subscription %s: email not sent again so soon", subscription.pk)
            return subscription, outcome, []
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["confirmation_sent_at"])
        emails = queue_emails(subscription, outcome)
    return subscription, outcome, emails


def queue_emails(subscription, outcome):
    """The confirmation email, or for a confirmed address the note that it is subscribed
    already, in the subscription's language. Each goes to whatever address was typed, so it
    repeats nothing typed but the address: what was chosen is named in our own words and the
    topics' names."""
    with translation.override(subscription.language):
        return QueuedEmail.objects.bulk_create([confirmation_email(subscription, outcome)])


def confirmation_email(subscription, outcome):
    site = Site.objects.filter(is_default_site=True).first()
    site_settings = SiteSettings.for_site(site) if site else None
    organisation = site_settings.organisation_name if site_settings else "Peru Support Group"
    root_url = site.root_url if site else ""
    context = {
        "organisation": organisation,
        "email": subscription.email,
        "choices": subscription.choices_label(),
        "frequency": subscription.get_frequency_display(),
        "site_url": links.absolute(reverse("wagtail_serve", args=[""]), root_url),
        "subscribe_url": links.absolute(reverse("alerts:subscribe"), root_url),
    }
    if outcome == Outcome.ALREADY_SUBSCRIBED:
        template = "alerts/emails/already_subscribed"
        subject = _("You already get email alerts from the %(organisation)s") % {
            "organisation": organisation
        }
        context["manage_url"] = links.manage_url(subscription, root_url)
    else:
        template = "alerts/emails/confirm"
        subject = _("Confirm your email alerts from the %(organisation)s") % {
            "organisation": organisation
        }
        context["confirm_url"] = links.confirm_url(subscription, root_url)
    return QueuedEmail(
        to=[subscription.email],
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        html_body=render_to_string(f"{template}.html", context),
        # Mail systems should not answer it with an out-of-office reply (RFC 3834).
        headers={"Auto-Submitted": "auto-generated"},
    )
