from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models
from django.utils import timezone


class QueuedEmail(models.Model):
    """An email waiting to be sent. It is written in the same transaction as what it is about,
    so a mail server that is down loses nothing: the scheduler tries again until it goes, and
    the row is deleted once sent."""

    application = models.ForeignKey(
        "membership.MembershipApplication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    interest_registration = models.ForeignKey(
        "membership.InterestRegistration",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    to = models.JSONField()
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # An HTML alternative to the plain-text body, and headers such as List-Unsubscribe: alerts
    # have both, the membership emails neither.
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Set by the sender that claimed it for a batch (membership/emails.py).
    claim = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]

    def __str__(self):
        return f"{self.subject} (email {self.pk})"

    def message(self, connection=None):
        # Plain text alone unless there is an HTML part: the membership emails have none.
        kind = EmailMultiAlternatives if self.html_body else EmailMessage
        message = kind(
            subject=self.subject,
            body=self.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=self.to,
            reply_to=self.reply_to,
            headers=self.headers or None,
            connection=connection,
        )
        if self.html_body:
            message.attach_alternative(self.html_body, "text/html")
        return message
