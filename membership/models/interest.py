from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone


class InterestRegistrationQuerySet(models.QuerySet):
    def for_email(self, email):
        return self.filter(email__iexact=email.strip())

    def register(self, *, full_name, email, message, consent):
        """Stores a registration, or updates the one stored for the address in any capitals;
        returns it and whether it is new. Called within the transaction that queues its email.
        A new message replaces an earlier one only when one is given: each is in the notice
        that the membership secretary was sent."""
        now = timezone.now()
        registration = self.select_for_update().for_email(email).first()
        if registration is None:
            try:
                with transaction.atomic():
                    return self.create(
                        full_name=full_name,
                        email=email,
                        message=message,
                        consent=consent,
                        registered_at=now,
                        last_registered_at=now,
                    ), True
            except IntegrityError:
                # The same address registered by another request at the same moment.
                registration = self.select_for_update().for_email(email).get()
        registration.full_name = full_name
        registration.email = email
        registration.message = message or registration.message
        registration.consent = consent
        registration.last_registered_at = now
        registration.times_registered += 1
        registration.save()
        return registration, False


class InterestRegistration(models.Model):
    """Someone who asked to be told when membership applications open. One row per email
    address, in any capitals: registering again updates it."""

    full_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    message = models.TextField(blank=True, max_length=2000)
    consent = models.BooleanField(
        "consented to be contacted",
        default=False,
        help_text="Agreed to be written to about membership, under the privacy notice.",
    )
    registered_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_registered_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        help_text="When they last sent the form: the retention period runs from here.",
    )
    times_registered = models.PositiveIntegerField(default=1)
    staff_notes = models.TextField(
        blank=True, help_text="For example, when we wrote to say that applications are open."
    )

    # What the person gives on the join page, in the form's order.
    REGISTRANT_FIELDS = ("full_name", "email", "message", "consent")

    objects = InterestRegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_registered_at", "-pk"]
        verbose_name = "registration of interest"
        verbose_name_plural = "registrations of interest"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="one_interest_registration_per_email")
        ]

    def __str__(self):
        # Not the name: logs and the admin's history must not keep it after an erasure.
        return self.reference

    @property
    def reference(self):
        return f"INT-{self.pk:05d}" if self.pk else "INT-new"
