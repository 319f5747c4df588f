"""The editor's forms for news pages: topics chosen from the list, a briefing's next number."""

from django.core.exceptions import ValidationError
from django.db.models import Max

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.tags import TagField


class TopicField(TagField):
    """Wagtail's tag field for a list without free tagging drops names it does not know, and
    says nothing; this one says which, so that nothing the editor typed is lost unseen."""

    def clean(self, value):
        names = super(TagField, self).clean(value)
        known = super().clean(value)
        unknown = [name for name in names if name not in known]
        if unknown:
            listed = ", ".join(f"“{name}”" for name in unknown)
            raise ValidationError(
                f"There is no topic {listed}. Choose from the list; ask a moderator to add a topic."
            )
        return known


class NewsItemPageForm(WagtailAdminPageForm):
    # Wagtail's Meta names the callback that gives each field its admin widget: kept.
    class Meta(WagtailAdminPageForm.Meta):
        field_classes = {"topics": TopicField}


def next_briefing_number():
    from .models import NewsPage

    latest = NewsPage.objects.filter(is_briefing=True).aggregate(Max("issue_number"))
    return (latest["issue_number__max"] or 0) + 1


class BriefingPageForm(NewsItemPageForm):
    """A new briefing's number is the next after the highest taken, filled in to start with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("issue_number")
        if field is None:
            return
        number = next_briefing_number()
        field.help_text = f"The next free number is {number}. Older briefings keep their own."
        if self.instance._state.adding and self.instance.issue_number is None:
            self.initial["issue_number"] = number
