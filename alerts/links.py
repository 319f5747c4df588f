"""The links an alert or a confirmation carries: signed, so that they need no login and cannot
be made up, and tied to the subscription's own key, so that they die with it. Each is in the
subscription's language: /es/alerts/... for a Spanish subscriber."""

from django.core import signing
from django.urls import reverse
from django.utils import translation

from wagtail.models import Site

from .models import UNCONFIRMED_FOR, Subscription

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"


def confirm_token(subscription):
    return signing.dumps(subscription.key, salt=CONFIRM_SALT)


def manage_token(subscription):
    return signing.dumps(subscription.key, salt=MANAGE_SALT)


def subscription_for_confirm(token):
    """The subscription a confirmation link is for, or None once it is too old or was never
    ours. It lasts as long as an unconfirmed subscription is kept."""
    return _subscription(token, CONFIRM_SALT, UNCONFIRMED_FOR.total_seconds())


def subscription_for_manage(token):
    """The subscription a manage or unsubscribe link is for, or None: these never expire, as
    an old alert's link to leave must still work."""
    return _subscription(token, MANAGE_SALT, None)


def signed_manage_key(token):
    """The key a manage or unsubscribe link carries, or None where the link is not one of
    ours: a link to a subscription since cancelled is told apart from a made-up one."""
    return _key(token, MANAGE_SALT, None)


def _key(token, salt, max_age):
    try:
        key = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return key if isinstance(key, str) else None


def _subscription(token, salt, max_age):
    key = _key(token, salt, max_age)
    return None if key is None else Subscription.objects.filter(key=key).first()


def site_root_url():
    """The public site's address, as the default site's root page gives it."""
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


def absolute(path, root_url=None):
    return (site_root_url() if root_url is None else root_url) + path


def path_for(subscription, name, token):
    """The path of one of the alerts' pages, in the subscription's language."""
    with translation.override(subscription.language):
        return reverse(f"alerts:{name}", args=[token])


def confirm_url(subscription, root_url=None):
    return absolute(path_for(subscription, "confirm", confirm_token(subscription)), root_url)


def manage_url(subscription, root_url=None):
    return absolute(path_for(subscription, "manage", manage_token(subscription)), root_url)


def unsubscribe_url(subscription, root_url=None):
    """Where the List-Unsubscribe header points: a POST to it (RFC 8058) cancels at once."""
    return absolute(path_for(subscription, "unsubscribe", manage_token(subscription)), root_url)
