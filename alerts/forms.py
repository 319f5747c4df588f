"""The public forms of email alerts: subscribing, and changing what a subscription follows."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from membership.forms import SpamGuardedForm, normalise_email, single_line
from news.models import Topic

from .models import Subscription

# Only marked here, and kept in English: where it is used, gettext() gives the request's language.
NOTHING_CHOSEN = gettext_noop(
    "Choose at least one thing to follow: all news, briefings, events or a topic."
)

# What a subscriber may follow besides topics, as the fields are named on every form.
FOLLOW_FIELDS = ("news", "briefings", "events")
FOLLOW_LABELS = {
    "news": _("All news and briefings"),
    "briefings": _("Briefings"),
    "events": _("Events"),
}
FOLLOW_HINTS = {name: Subscription._meta.get_field(name).help_text for name in FOLLOW_FIELDS}


class TopicsInShownOrder(forms.models.ModelChoiceIterator):
    """The topics as the names shown sort them (the Spanish ones on a Spanish page), from the
    one query that reads them."""

    def __iter__(self):
        for topic in Topic.in_shown_order(self.queryset):
            yield self.choice(topic)


class TopicChoiceField(forms.ModelMultipleChoiceField):
    iterator = TopicsInShownOrder

    def label_from_instance(self, obj):
        return obj.shown_name


class ChoicesMixin:
    """What to follow and how often, shared by the subscribe and manage forms; at least one
    thing must be chosen."""

    def add_choice_fields(self):
        for name in FOLLOW_FIELDS:
            self.fields[name] = forms.BooleanField(label=FOLLOW_LABELS[name], required=False)
        not_on_list = _(
            "One of the topics chosen is not on our list: choose from those shown here."
        )
        self.fields["topics"] = TopicChoiceField(
            queryset=Topic.objects.order_by("name"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": not_on_list,
                "invalid_pk_value": not_on_list,
            },
        )
        self.fields["frequency"] = forms.ChoiceField(
            label=_("How often"),
            choices=Subscription.Frequency.choices,
            initial=Subscription.Frequency.IMMEDIATE,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose how often we should write to you.")},
        )

    def clean_frequency(self):
        # The compact forms on the site's pages have no frequency: each item as published.
        return self.cleaned_data.get("frequency") or Subscription.Frequency.IMMEDIATE

    def check_something_chosen(self, cleaned_data):
        chosen = any(cleaned_data.get(name) for name in FOLLOW_FIELDS)
        if not chosen and not cleaned_data.get("topics") and "topics" not in self.errors:
            self.nothing_chosen = True
            raise forms.ValidationError(gettext(NOTHING_CHOSEN), code="nothing_chosen")

    def choices(self):
        """The cleaned choices, as the subscription stores them."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in FOLLOW_FIELDS},
            "frequency": data["frequency"],
            "topics": list(data["topics"]),
        }


class SubscribeForm(ChoicesMixin, SpamGuardedForm):
    """The subscribe form, whole on /alerts/ or compact on the site's pages: an address and
    what to follow. Subscribing again from the same address never makes a second subscription
    (alerts/signup.py)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
            "max_length": _("Enter an email address of at most 254 characters."),
        },
        validators=[single_line],
    )

    nothing_chosen = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields()
        self.order_fields(["email", *FOLLOW_FIELDS, "topics", "frequency"])

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned_data = super().clean()
        self.check_something_chosen(cleaned_data)
        return cleaned_data


class ManageForm(ChoicesMixin, forms.Form):
    """A subscriber's choices, from the link in their emails, and the language they are
    written to in (which is also the language of the items they are sent)."""

    nothing_chosen = False

    def __init__(self, *args, subscription, **kwargs):
        self.subscription = subscription
        initial = {
            **{name: getattr(subscription, name) for name in FOLLOW_FIELDS},
            "frequency": subscription.frequency,
            "topics": list(subscription.topics.values_list("pk", flat=True)),
            "language": subscription.language,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.add_choice_fields()
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=settings.LANGUAGES,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose one of the languages shown.")},
        )

    def clean_language(self):
        # A form sent without it keeps the language as it was.
        return self.cleaned_data.get("language") or self.subscription.language

    def clean(self):
        cleaned_data = super().clean()
        self.check_something_chosen(cleaned_data)
        return cleaned_data

    def save(self):
        choices = {**self.choices(), "language": self.cleaned_data["language"]}
        topics = choices.pop("topics")
        for name, value in choices.items():
            setattr(self.subscription, name, value)
        self.subscription.save(update_fields=list(choices))
        self.subscription.topics.set(topics)
        return self.subscription
