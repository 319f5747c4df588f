import datetime
import re
from functools import wraps

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from django.contrib.admin import SimpleListFilter
from django.contrib.admin import display as admin_display
from django.core.exceptions import PermissionDenied
from django.db.models.functions import TruncMonth
from django.urls import path, re_path, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import IndexView

from . import personal_data
from .forms import ApplicationDecisionForm
from .models import InterestRegistration, MembershipApplication, MembershipType
from .views import can_handle_personal_data, forbidden_when_denied, personal_data_view

# The largest primary key the database holds (BigAutoField): a bigger number matches nothing.
MAX_PK = 2**63 - 1

# The listings take filter values from the query string, which anyone can write by hand: each
# filter checks its value and a value it does not know matches nothing, rather than reaching the
# database as it is (where "2026-13", a number too big for a key or a NUL character is an error).


class StatusFilter(SimpleListFilter):
    # A filter of our own rather than Django's for a choices field, so that its parameter is
    # plain ?status= and an unknown status matches nothing.
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return MembershipApplication.Status.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in MembershipApplication.Status.values:
            return queryset.none()
        return queryset.filter(status=self.value())


class MembershipTypeFilter(SimpleListFilter):
    # Django's own filter for a foreign key asks django.contrib.admin, which the site does not use.
    title = "membership type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.name) for t in MembershipType.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not re.fullmatch(r"[0-9]{1,19}", self.value()) or int(self.value()) > MAX_PK:
            return queryset.none()
        return queryset.filter(membership_type_id=int(self.value()))


class SubmittedMonthFilter(SimpleListFilter):
    title = "month"
    parameter_name = "month"
    model = MembershipApplication
    date_field = "submitted_at"

    def lookups(self, request, model_admin):
        months = (
            self.model.objects.annotate(month=TruncMonth(self.date_field))
            .values_list("month", flat=True)
            .distinct()
            .order_by("-month")
        )
        return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months if m]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", self.value())
        if not match:
            return queryset.none()
        year, month = int(match[1]), int(match[2])
        try:
            start = timezone.make_aware(datetime.datetime(year, month, 1))
            end = timezone.make_aware(datetime.datetime(year + month // 12, month % 12 + 1, 1))
        except ValueError:  # month 13, year 0, or December 9999 (its end is out of range)
            return queryset.none()
        return queryset.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})


class RegisteredMonthFilter(SubmittedMonthFilter):
    model = InterestRegistration
    date_field = "registered_at"


class ActiveFilter(SimpleListFilter):
    title = "active"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Active"), ("no", "Inactive")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in ("yes", "no"):
            return queryset.none()
        return queryset.filter(active=self.value() == "yes")


# Spreadsheet programs run a cell that starts like a formula; exported names and addresses come
# from the public, so such cells are written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
    value = str(value)
    if value.startswith(FORMULA_STARTS) and value != "-":
        return "'" + value
    return value


def as_xlsx_text(value):
    # A worksheet cannot hold control characters (a vertical tab pasted into an address, say):
    # openpyxl refuses the whole file. Wagtail writes a cell that looks like a formula as text.
    return ILLEGAL_CHARACTERS_RE.sub(" ", str(value))


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class MembershipIndexView(IndexView):
    """Wagtail-modeladmin's listing applies every query-string parameter that no list filter
    takes as a database lookup (?email__startswith=, ?emails__body__icontains=, or
    ?submitted_at__gte=garbage, which is a server error). Here only the list filters' own
    parameters, the search, the ordering, the page and the export are read."""

    def get_filters_params(self, params=None):
        params = super().get_filters_params(params)
        names = {list_filter.parameter_name for list_filter in self.list_filter}
        return {name: value for name, value in params.items() if name in names}

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL refuses a NUL character in a query.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


class ExportIndexView(MembershipIndexView):
    """A listing whose exports hold what the public typed, written so that no spreadsheet
    program takes it for a formula."""

    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {IndexView.FORMAT_CSV: as_text_cell, IndexView.FORMAT_XLSX: as_xlsx_text},
    }


class ApplicationPermissionHelper(PermissionHelper):
    """Applications and registrations of interest come from the join page only; staff decide
    on them or note what was done, but never add one."""

    def user_can_create(self, user):
        return False


class MembershipApplicationAdmin(ModelAdmin):
    model = MembershipApplication
    menu_label = "Applications"
    menu_icon = "form"
    list_display = (
        "reference",
        "full_name",
        "email",
        "membership_type",
        "language",
        "submitted_at",
        "status",
    )
    list_filter = (StatusFilter, MembershipTypeFilter, SubmittedMonthFilter)
    list_select_related = ("membership_type",)
    search_fields = ("full_name", "email")
    inspect_view_enabled = True
    inspect_view_fields = [
        *MembershipApplication.APPLICANT_FIELDS,
        "language",
        "submitted_at",
        "status",
        "decided_at",
        "staff_notes",
        "anonymised_at",
    ]
    list_export = [
        "reference",
        "submitted",
        "status_label",
        "membership_type",
        "full_name",
        "email",
        "address",
        "phone",
        "heard_about",
        "news_by_email",
        "language_label",
        "decided",
    ]
    export_filename = "membership-applications"
    index_view_class = ExportIndexView
    permission_helper_class = ApplicationPermissionHelper

    @admin_display(description="Submitted")
    def submitted(self, application):
        return _local(application.submitted_at)

    @admin_display(description="Status")
    def status_label(self, application):
        return application.get_status_display()

    @admin_display(description="News by email")
    def news_by_email(self, application):
        return "yes" if application.news_opt_in else "no"

    @admin_display(description="Language")
    def language_label(self, application):
        return application.get_language_display()

    @admin_display(description="Decided")
    def decided(self, application):
        return _local(application.decided_at) if application.decided_at else "-"

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel(name, read_only=True)
                    for name in (
                        *MembershipApplication.APPLICANT_FIELDS,
                        "language",
                        "submitted_at",
                    )
                ],
                heading="Application",
            ),
            MultiFieldPanel([FieldPanel("status"), FieldPanel("staff_notes")], heading="Decision"),
        ],
        base_form_class=ApplicationDecisionForm,
    )


class InterestRegistrationAdmin(ModelAdmin):
    model = InterestRegistration
    menu_label = "Registrations of interest"
    menu_icon = "mail"
    list_display = ("reference", "full_name", "email", "registered_at", "last_registered_at")
    list_filter = (RegisteredMonthFilter,)
    search_fields = ("full_name", "email")
    inspect_view_enabled = True
    inspect_view_fields = [
        *InterestRegistration.REGISTRANT_FIELDS,
        "registered_at",
        "last_registered_at",
        "times_registered",
        "staff_notes",
    ]
    list_export = [
        "reference",
        "full_name",
        "email",
        "message",
        "registered",
        "last_registered",
        "times_registered",
        "staff_notes",
    ]
    export_filename = "registrations-of-interest"
    index_view_class = ExportIndexView
    permission_helper_class = ApplicationPermissionHelper

    @admin_display(description="Registered")
    def registered(self, registration):
        return _local(registration.registered_at)

    @admin_display(description="Last registered")
    def last_registered(self, registration):
        return _local(registration.last_registered_at)

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel(name, read_only=True)
                    for name in (
                        *InterestRegistration.REGISTRANT_FIELDS,
                        "registered_at",
                        "last_registered_at",
                    )
                ],
                heading="Registration",
            ),
            FieldPanel("staff_notes"),
        ]
    )


class MembershipTypeAdmin(ModelAdmin):
    model = MembershipType
    menu_label = "Membership types"
    menu_icon = "tag"
    list_display = ("name", "annual_fee", "offered", "display_order", "payment_method")
    list_filter = (ActiveFilter,)
    index_view_class = MembershipIndexView
    ordering = ("display_order", "name")

    # A yes/no field listed as it is would be shown with Django admin's icons, which are not
    # among the site's static files: in production the listing would fail. Words instead, in
    # Wagtail's status tag.
    @admin_display(description="Active", ordering="active")
    def offered(self, membership_type):
        if membership_type.active:
            return format_html('<span class="w-status w-status--primary">{}</span>', "Active")
        return format_html('<span class="w-status">{}</span>', "Inactive")

    panels = [
        FieldPanel("name"),
        FieldPanel("annual_fee"),
        FieldPanel("description"),
        FieldPanel("active"),
        FieldPanel("display_order"),
        MultiFieldPanel(
            [
                FieldPanel("payment_method"),
                FieldPanel("payment_details"),
                FieldPanel("payment_url"),
            ],
            heading="How to pay",
        ),
    ]


def _requiring_any_permission(model_admin, view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not model_admin.permission_helper.user_has_any_permissions(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return can_handle_personal_data(request.user)


class MembershipGroup(ModelAdminGroup):
    menu_label = "Membership"
    menu_icon = "group"
    menu_order = 300
    items = (MembershipApplicationAdmin, InterestRegistrationAdmin, MembershipTypeAdmin)

    def get_admin_urls_for_registration(self):
        """Every view of a model asks first for some permission on it, and refuses with 403
        Forbidden (see forbidden_when_denied), not with Wagtail's redirect to the dashboard.
        The first check matters: wagtail-modeladmin's history view checks no permission at
        all, and its other views look the object up first, so a missing one answered 404 to
        anyone."""
        urls = []
        for model_admin in self.modeladmin_instances:
            for url in model_admin.get_admin_urls_for_registration():
                view = forbidden_when_denied(_requiring_any_permission(model_admin, url.callback))
                urls.append(re_path(url.pattern.regex.pattern, view, name=url.name))
        return tuple(urls)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            PersonalDataMenuItem(
                "Personal data requests",
                reverse_lazy("membership_personal_data"),
                icon_name="user",
                order=len(items) + 1,
            )
        )
        return items


modeladmin_register(MembershipGroup)


@hooks.register("register_admin_urls")
def register_personal_data_url():
    return [path("membership/personal-data/", personal_data_view, name="membership_personal_data")]


@hooks.register("register_personal_data")
def membership_personal_data():
    return [
        personal_data.APPLICATIONS,
        personal_data.INTEREST_REGISTRATIONS,
        personal_data.EMAILS,
    ]
