"""A page's history that reads: a run of autosaves is one row, not one row each.

The editor saves a draft by itself as the editor types (Wagtail's autosave). Within one visit to
the editor Wagtail already shows those saves as one "Draft saved" row: it overwrites one revision
and gives each of its log entries the same uuid, and the history shows the latest entry of each
uuid and action. Each new visit starts a new revision and a new row, so an editor who comes back
fifteen times leaves fifteen identical rows. Here an autosave that follows the same person's
autosave, with nothing else in between, joins its row the same way; saves made with the Save
draft button, publications, approvals and reverts keep rows of their own.
"""

import datetime

from wagtail.models import PageLogEntry

from .admin_scheduling import uk_time

EDIT = "wagtail.edit"


def is_autosave(request):
    # The editor's background saves ask for JSON; the buttons ask for a page.
    return request.method == "POST" and not request.accepts("text/html")


def group_autosave(request, page):
    """after_edit_page: marks the autosave's log entry as one, and gives it the uuid of the
    autosaves it follows, counting them."""
    if not is_autosave(request):
        return
    entries = list(PageLogEntry.objects.filter(page=page).order_by("-timestamp", "-pk")[:2])
    if not entries or entries[0].action != EDIT or entries[0].user_id != request.user.pk:
        return
    latest, *previous = entries
    data = {**(latest.data or {}), "autosave": True, "autosaves": 1}
    before = previous[0] if previous else None
    if (
        before is not None
        and before.action == EDIT
        and before.user_id == latest.user_id
        and (before.data or {}).get("autosave")
    ):
        latest.uuid = before.uuid
        data["autosaves"] = before.data.get("autosaves", 1) + 1
        data["since"] = before.data.get("since") or before.timestamp.isoformat()
    latest.data = data
    latest.save(update_fields=["uuid", "data"])


def autosave_summary(log_entry):
    """What a history row of autosaves stands for: "Saved automatically 15 times since 6
    December 2026, 09:02 (UK time)"."""
    data = log_entry.data or {}
    count = data.get("autosaves", 1)
    if count == 1:
        return "Saved automatically as it was typed."
    since = data.get("since")
    start = uk_time(datetime.datetime.fromisoformat(since)) if since else None
    return f"Saved automatically {count} times" + (f" since {start} (UK time)." if start else ".")
