import datetime

from django.contrib.admin import SimpleListFilter
from django.contrib.admin import display as admin_display
from django.db.models.functions import TruncMonth
from django.urls import path, reverse_lazy
from django.utils import timezone

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import IndexView

from .forms import ApplicationDecisionForm
from .models import MembershipApplication, MembershipType
from .views import can_handle_personal_data, personal_data_view


class MembershipTypeFilter(SimpleListFilter):
    # Django's own filter for a foreign key asks django.contrib.admin, which the site does not use.
    title = "membership type"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.name) for t in MembershipType.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(membership_type_id=int(self.value()))


class SubmittedMonthFilter(SimpleListFilter):
    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            MembershipApplication.objects.annotate(month=TruncMonth("submitted_at"))
            .values_list("month", flat=True)
            .distinct()
            .order_by("-month")
        )
        return [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months if m]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year, month = (int(part) for part in self.value().split("-"))
            start = timezone.make_aware(datetime.datetime(year, month, 1))
        except ValueError:
            return queryset.none()
        end = timezone.make_aware(datetime.datetime(year + month // 12, month % 12 + 1, 1))
        return queryset.filter(submitted_at__gte=start, submitted_at__lt=end)


# Spreadsheet programs run a cell that starts like a formula; exported names and addresses come
# from the public, so such cells are written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
    value = str(value)
    if value.startswith(FORMULA_STARTS) and value != "-":
        return "'" + value
    return value


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class ApplicationIndexView(IndexView):
    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {IndexView.FORMAT_CSV: as_text_cell},
    }


class ApplicationPermissionHelper(PermissionHelper):
    """Applications come from the join page only; staff decide on them but never add one."""

    def user_can_create(self, user):
        return False


class MembershipApplicationAdmin(ModelAdmin):
    model = MembershipApplication
    menu_label = "Applications"
    menu_icon = "form"
    list_display = ("reference", "full_name", "email", "membership_type", "submitted_at", "status")
    list_filter = ("status", MembershipTypeFilter, SubmittedMonthFilter)
    list_select_related = ("membership_type",)
    search_fields = ("full_name", "email")
    inspect_view_enabled = True
    inspect_view_fields = [
        "membership_type",
        "full_name",
        "email",
        "address",
        "phone",
        "heard_about",
        "consent",
        "news_opt_in",
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
        "decided",
    ]
    export_filename = "membership-applications"
    index_view_class = ApplicationIndexView
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

    @admin_display(description="Decided")
    def decided(self, application):
        return _local(application.decided_at) if application.decided_at else "-"

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel(name, read_only=True)
                    for name in (
                        "membership_type",
                        "full_name",
                        "email",
                        "address",
                        "phone",
                        "heard_about",
                        "news_opt_in",
                        "submitted_at",
                    )
                ],
                heading="Application",
            ),
            MultiFieldPanel([FieldPanel("status"), FieldPanel("staff_notes")], heading="Decision"),
        ],
        base_form_class=ApplicationDecisionForm,
    )


class MembershipTypeAdmin(ModelAdmin):
    model = MembershipType
    menu_label = "Membership types"
    menu_icon = "tag"
    list_display = ("name", "annual_fee", "active", "display_order", "payment_method")
    list_filter = ("active",)
    ordering = ("display_order", "name")
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


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return can_handle_personal_data(request.user)


class MembershipGroup(ModelAdminGroup):
    menu_label = "Membership"
    menu_icon = "group"
    menu_order = 300
    items = (MembershipApplicationAdmin, MembershipTypeAdmin)

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
