"""Every app's retention of personal data, run together: daily by the scheduler process
(run_scheduler) and by the apply_retention command, which cron runs where the scheduler is not
used."""

from alerts.retention import apply_retention as apply_alerts_retention
from membership.retention import apply_retention as apply_membership_retention


def apply_retention(now=None):
    """Returns each app's report, membership's first."""
    return [apply_membership_retention(now), apply_alerts_retention(now)]
