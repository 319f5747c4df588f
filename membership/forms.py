import re
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .models.applications import MembershipApplication, MembershipType

STARTED_SALT = "membership.form-started"
# A form older than this is sent back to be checked and sent again, with its values kept.
STARTED_MAX_AGE = 24 * 60 * 60


def started_token(at=None):
    """A signed note of when the form was handed out, so that a form filled faster than a person
    can is recognised without storing anything."""
    return signing.dumps(at if at is not None else time.time(), salt=STARTED_SALT)


class MembershipTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s: £%(fee)s a year") % {"name": obj.name, "fee": f"{obj.annual_fee:,.2f}"}


class SpamGuardedForm(forms.Form):
    """A public form (a model form too, where it comes first among the bases) with a honeypot
    field that people never see and a signed start time; `spam_reason` says whether either
    gave a bot away."""

    # Named like a field a bot would fill; hidden from people by CSS and from screen readers.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = started_token()

    def spam_reason(self):
        """Why this submission looks like a bot's, or None. Checked before the details are."""
        if self.data.get("website"):
            return "honeypot"
        try:
            started = signing.loads(
                self.data.get("started", ""), salt=STARTED_SALT, max_age=STARTED_MAX_AGE
            )
        except signing.SignatureExpired:
            return "expired"
        except signing.BadSignature:
            return "no start time"
        if time.time() - float(started) < settings.MEMBERSHIP_FORM_MIN_SECONDS:
            return "too fast"
        return None

    def renew_started(self):
        """Hand out a fresh start time with the values kept (for an expired form)."""
        self.data = self.data.copy()
        self.data["started"] = started_token()


class ApplicationForm(SpamGuardedForm, forms.ModelForm):
    """The join page's application form."""

    membership_type = MembershipTypeChoiceField(
        queryset=MembershipType.objects.active(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a membership type."),
            "invalid_choice": _("That membership type is not on offer: choose one shown here."),
        },
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _(
                "We can only handle your application if you agree to us keeping your details."
            )
        },
    )

    class Meta:
        model = MembershipApplication
        fields = MembershipApplication.APPLICANT_FIELDS
        labels = {
            "full_name": _("Full name"),
            "email": _("Email address"),
            "address": _("Postal address"),
            "phone": _("Phone number (optional)"),
            "heard_about": _("How did you hear about us?"),
            "news_opt_in": _("Send me the PSG's news by email (you can stop it at any time)"),
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
            "heard_about": forms.Textarea(attrs={"rows": 2}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        help_texts = {"email": _("We will write to you at this address about your application.")}
        error_messages = {
            "full_name": {"required": _("Enter your full name.")},
            "email": {
                "required": _("Enter your email address."),
                "invalid": _("Enter an email address like name@example.org."),
            },
            "address": {"required": _("Enter your postal address.")},
            "heard_about": {"required": _("Tell us how you heard about the Peru Support Group.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "phone", "email"):
            self.fields[name].validators.append(single_line)
        self.fields["full_name"].validators.append(no_address_in_name)

    def clean_address(self):
        return normalise_newlines(self.cleaned_data["address"])

    def clean_heard_about(self):
        return normalise_newlines(self.cleaned_data["heard_about"])


def normalise_email(address):
    """The domain in small letters, as mail systems treat it; the part before the @ as typed."""
    local, _at, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_newlines(text):
    """Browsers send a text area's line breaks as CRLF; store them as the rest of the site does."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def single_line(value):
    # Control characters and Unicode's line and paragraph separators: each breaks a line
    # somewhere, in an email header or in a mail program's display.
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise forms.ValidationError(_("Enter this on one line."))


# A web address, an email address, or a domain name ("example.org", with any of the full stops
# that browsers accept in one). Initials ("J.R.R. Tolkien") are not taken for a domain.
ADDRESS_IN_NAME = re.compile(r"://|www\.|@|\w[.\u3002\uff0e\uff61][^\W\d_]{2,}", re.IGNORECASE)


def no_address_in_name(value):
    """The name is the one thing people type that the confirmation email repeats, to an address
    anyone can give: it must not carry a link to somewhere else."""
    if ADDRESS_IN_NAME.search(value):
        raise forms.ValidationError(_("Enter your name without a web or email address."))


class InterestForm(SpamGuardedForm):
    """The join page's form while no membership type is on offer: who would like to be told
    when applications open. A plain form: a second registration from the same address updates
    the first (InterestRegistration.objects.register) rather than failing as a duplicate."""

    field_order = ["full_name", "email", "message", "consent"]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name.")},
        validators=[single_line, no_address_in_name],
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will write to you at this address when applications open."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
        validators=[single_line],
    )
    message = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _(
                "We can only write to you if you agree to us keeping your name and email address."
            )
        },
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean_message(self):
        return normalise_newlines(self.cleaned_data["message"])


class ApplicationDecisionForm(WagtailAdminModelForm):
    """The admin's form for an application: staff change its status and notes, and the
    retention period starts from the decision."""

    def save(self, commit=True):
        if "status" in self.changed_data:
            self.instance.record_status_change()
        return super().save(commit=commit)


class PersonalDataForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Everything stored with this address, in any capitals, is found.",
    )
