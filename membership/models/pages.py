from django.core import signing
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language, get_supported_language_variant, gettext_lazy
from django.utils.translation import gettext as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import ListingFields, SitePage
from membership.emails import queue_application_emails, queue_interest_emails, send_now
from membership.forms import ApplicationForm, InterestForm
from membership.throttle import over_limit

from .applications import MembershipApplication, MembershipType
from .interest import InterestRegistration

THANKS_SALT = "membership.thanks"
# How long the link to one application's thank-you page (its reference and how to pay) works.
THANKS_MAX_AGE = 24 * 60 * 60

DEFAULT_NEXT_STEPS = (
    "Thank you for applying to join. Our membership secretary will look at your application "
    "and write to you by email, usually within two weeks.\n\n"
    "Your membership begins once we have received your first payment. Please use your "
    "reference when you pay so that we can match your payment to your application."
)


SPAM_ERROR = gettext_lazy("Please check your details and send the form again.")
# What a person is told when their connection has sent too many of one kind of form.
OVER_LIMIT_ERRORS = {
    "applications": gettext_lazy(
        "We have received too many applications from your connection in the last hour. "
        "Please try again later."
    ),
    "registrations": gettext_lazy(
        "We have received too many registrations from your connection in the last hour. "
        "Please try again later."
    ),
}


class JoinPage(RoutablePageMixin, ListingFields, SitePage):
    """Why to join, and the membership types on offer with the application form; while none is
    on offer, a form to register interest instead."""

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        help_text="Why to join and what members get. The application form follows it, or, while "
        "no membership type is on offer, a form to register interest.",
    )
    application_intro = models.TextField(
        blank=True, help_text="A sentence or two above the application form."
    )
    next_steps = models.TextField(
        default=DEFAULT_NEXT_STEPS,
        help_text="What happens after someone applies: on the thank-you page and in the "
        "confirmation email, followed by how to pay for the type they chose. Leave a blank "
        "line between paragraphs.",
    )

    content_panels = [
        *Page.content_panels,
        *ListingFields.listing_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("application_intro"), FieldPanel("next_steps")],
            heading="Application form",
            help_text="Membership types, their fees and payment details are kept under "
            "Membership in the admin menu.",
        ),
    ]
    search_fields = [*Page.search_fields, *ListingFields.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = gettext_lazy("join page")

    @path("")
    def apply(self, request):
        if request.method != "POST":
            return self.render_form(request)
        if not MembershipType.objects.active().exists():
            return self.applications_closed(request)
        form = ApplicationForm(request.POST)
        refused = self.check_sent(
            request,
            form,
            kind="applications",
            thanks="thanks",
            render=lambda form, **kw: self.render_form(request, form, **kw),
        )
        if refused:
            return refused
        with transaction.atomic():
            application = form.save(commit=False)
            # The join page's language, which its address gives: the applicant's email is in it.
            application.language = get_supported_language_variant(get_language())
            application.save()
            emails = queue_application_emails(application, self, self.get_site())
        send_now(emails)
        token = signing.dumps(application.pk, salt=THANKS_SALT)
        return redirect(f"{self.url}{self.reverse_subpage('thanks')}?application={token}")

    @path("thanks/", name="thanks")
    def thanks(self, request):
        """After applying. Its `application` parameter, signed and good for a day, shows the
        reference and how to pay; Wagtail's page addresses cannot hold it as a path part."""
        token = request.GET.get("application")
        if token is None:
            return self.render_thanks(request)
        try:
            pk = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
        except signing.SignatureExpired:
            return self.render_thanks(request, link_expired=True)
        except signing.BadSignature as error:
            raise Http404("This link is not complete.") from error
        application = (
            MembershipApplication.objects.select_related("membership_type").filter(pk=pk).first()
        )
        if application is None:
            raise Http404("No such application.")
        return self.render_thanks(request, application=application)

    @path("interest/", name="interest")
    def register_interest(self, request):
        if request.method != "POST":
            return redirect(self.url)
        form = InterestForm(request.POST)
        refused = self.check_sent(
            request,
            form,
            kind="registrations",
            thanks="interest_thanks",
            render=lambda form, **kw: self.render_form(request, interest_form=form, **kw),
        )
        if refused:
            return refused
        data = form.cleaned_data
        with transaction.atomic():
            registration, is_new = InterestRegistration.objects.register(
                **{name: data[name] for name in InterestRegistration.REGISTRANT_FIELDS}
            )
            emails = queue_interest_emails(registration, is_new, self.get_site())
        send_now(emails)
        return redirect(self.url + self.reverse_subpage("interest_thanks"))

    @path("interest/thanks/", name="interest_thanks")
    def interest_thanks(self, request):
        context = self.get_context(request)
        context["applications_open"] = MembershipType.objects.active().exists()
        return TemplateResponse(request, "membership/join_page_interest_thanks.html", context)

    def check_sent(self, request, form, kind, thanks, render):
        """What both forms go through before anything is stored: the limit on each address, the
        honeypot (thanked, as if it had worked), the start time, then the fields. Returns the
        answer for a form refused, None for one to store."""
        if over_limit(request, kind):
            form.add_error(None, OVER_LIMIT_ERRORS[kind])
            return render(form, status=429)
        spam = form.spam_reason()
        if spam == "honeypot":
            return redirect(self.url + self.reverse_subpage(thanks))
        if spam:
            if spam != "too fast":
                form.renew_started()
            form.add_error(None, SPAM_ERROR)
            form.is_valid()  # shows any field errors alongside
            return render(form)
        if not form.is_valid():
            return render(form)
        return None

    def applications_closed(self, request):
        """An application sent after the last type was taken off offer: nothing is stored, and
        the form to register interest is offered with the name and address filled in."""
        form = InterestForm(
            initial={
                name: "".join(c for c in request.POST.get(name, "")[:254] if c.isprintable())
                for name in ("full_name", "email")
            }
        )
        return self.render_form(
            request,
            interest_form=form,
            notice=_(
                "Applications have closed for now, so your application was not sent. "
                "Register your interest and we will write to you when they open again."
            ),
        )

    def render_form(self, request, form=None, interest_form=None, status=200, notice=None):
        """The page with the application form, or with the form to register interest while no
        type is on offer (or when that is the form being sent back)."""
        context = self.get_context(request)
        types = list(MembershipType.objects.active()) if interest_form is None else []
        if types:
            context.update(membership_types=types, form=form or ApplicationForm())
        else:
            context.update(
                interest_form=interest_form or InterestForm(),
                interest_action=self.url + self.reverse_subpage("interest"),
                closed_notice=notice,
            )
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def render_thanks(self, request, application=None, link_expired=False):
        context = self.get_context(request)
        context.update(application=application, link_expired=link_expired)
        response = TemplateResponse(request, "membership/join_page_thanks.html", context)
        # It names an application: no shared cache or search engine keeps it.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
