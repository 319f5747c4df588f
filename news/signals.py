"""Signals the news app sends, for the apps above it that keep data about its topics (email
alerts' subscriptions): news itself imports none of them."""

from django.dispatch import Signal

# Sent by Topic.merge_into with `source` (the topic merged, deleted right after) and `target`,
# inside the merge's transaction, so that what follows the source can follow the target.
topic_merged = Signal()
