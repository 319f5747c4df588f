from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MembershipTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class MembershipType(models.Model):
    """A kind of membership on offer, with its fee and how to pay it: staff keep these."""

    class PaymentMethod(models.TextChoices):
        # The labels are the applicant's too: "by bank transfer" on the thank-you page and email.
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        STANDING_ORDER = "standing_order", _("Standing order")
        PAYMENT_LINK = "payment_link", _("Payment link")

    name = models.CharField(max_length=100, unique=True)
    annual_fee = models.DecimalField(
        max_digits=7, decimal_places=2, help_text="In pounds a year, for example 25.00."
    )
    description = models.CharField(
        max_length=300, blank=True, help_text="Who it is for, in a sentence, on the join page."
    )
    active = models.BooleanField(
        default=True, help_text="Only active types are offered on the join page."
    )
    display_order = models.PositiveIntegerField(
        default=0, help_text="Types are listed with the lowest number first."
    )
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    payment_details = models.TextField(
        help_text="Shown on the thank-you page and in the confirmation email: for a bank "
        "transfer or standing order, the account name, sort code and account number."
    )
    payment_url = models.URLField(
        blank=True, help_text="For a payment link: the page where new members pay."
    )

    objects = MembershipTypeQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.payment_method == self.PaymentMethod.PAYMENT_LINK and not self.payment_url:
            raise ValidationError({"payment_url": "Give the address of the payment page."})


class MembershipApplication(models.Model):
    """One person's application to join, stored before any email about it is sent."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    membership_type = models.ForeignKey(
        MembershipType, on_delete=models.PROTECT, related_name="applications"
    )
    full_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    address = models.TextField("postal address", max_length=1000)
    phone = models.CharField(max_length=40, blank=True)
    heard_about = models.CharField("how they heard of us", max_length=500)
    consent = models.BooleanField(
        "consented to data processing",
        default=False,
        help_text="Agreed to the processing of their data under the privacy notice.",
    )
    news_opt_in = models.BooleanField("news by email", default=False)
    # The language of the join page applied on, which the applicant's email is written in.
    language = models.CharField(
        max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When the status last changed from new to a decision."
    )
    staff_notes = models.TextField(blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    # What the person gives on the join page, in the form's order.
    APPLICANT_FIELDS = (
        "membership_type",
        "full_name",
        "email",
        "address",
        "phone",
        "heard_about",
        "consent",
        "news_opt_in",
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "decided_at"])]

    def __str__(self):
        # The reference rather than the name, so that logs and the admin's history do not
        # keep a person's name after their data is erased.
        return self.reference

    @property
    def reference(self):
        return f"PSG-{self.pk:05d}" if self.pk else "PSG-new"

    def record_status_change(self):
        """Call when staff change the status: the retention period runs from the decision."""
        self.decided_at = None if self.status == self.Status.NEW else timezone.now()

    def anonymise(self):
        """Keep the figures (type, dates, status) and remove everything that names a person."""
        self.full_name = "Anonymised"
        self.email = ""
        self.address = ""
        self.phone = ""
        self.heard_about = ""
        self.staff_notes = ""
        self.anonymised_at = timezone.now()
        self.save()
        self.emails.all().delete()
