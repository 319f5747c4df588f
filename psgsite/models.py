from django.db import IntegrityError, models, transaction
from django.utils import timezone


class Heartbeat(models.Model):
    """When a background process last finished its work, one row per process: the dashboard's
    launch checklist reads the scheduler's from the database, which needs no cache."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    SCHEDULER = "scheduler"

    class Meta:
        verbose_name = "heartbeat"

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name, now=None):
        """Records that `name` ran now; schedulers on several servers may beat at once."""
        now = now or timezone.now()
        if cls.objects.filter(name=name).update(at=now):
            return
        try:
            with transaction.atomic():
                cls.objects.create(name=name, at=now)
        except IntegrityError:  # another server made the row first
            cls.objects.filter(name=name).update(at=now)

    @classmethod
    def last(cls, name):
        return cls.objects.filter(name=name).values_list("at", flat=True).first()
