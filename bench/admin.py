"""The admin at scale, measured in this process with Django's test client under the production
settings, database and cache, as a moderator: the page explorer at the news index, the page
chooser, the editor of a news item, its preview and saving a draft. Each screen's server time is
the median of RUNS requests after one to warm up, and its queries the most of any; the uncached
news index is measured the same way, in turn with them, as the yardstick. The counts are then
taken again with the archive cut to a tenth. Everything happens in one transaction that is
rolled back: the roles, the bench's moderator, the drafts saved and the deletions leave nothing
behind. Run by `bench/in_django.py admin`; bench/admin_report.py tells what the figures say."""

import statistics
import sys
import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.models import Page, ReferenceIndex
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html

from bench.admin_report import LISTING, RUNS, SCREENS
from bench.queries import SMALL_SHARE, typical_news_item
from home.visibility import forget_kept
from news.models import NewsIndexPage
from psgsite.roles import MODERATORS, set_up_roles

# The explorer's and the chooser's first pages (Wagtail's page sizes).
EXPLORER_PAGE = 50
CHOOSER_PAGE = 25


def measure(host):
    """Times and counts as JSON-ready data: "urls", "ms" and "queries" by screen (as
    bench/admin_report.py names them), "ms_small" and "queries_small" with a tenth of the
    archive, and the number of items under the news index, "items" and "small_items"."""
    with transaction.atomic():
        result = _measure(host)
        transaction.set_rollback(True)
    return result


def _measure(host):
    set_up_roles()
    moderator = get_user_model().objects.create_user(username="bench-moderator")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    headers = {"host": host, "x-forwarded-proto": "https"}
    admin = Client(headers={**headers, "accept": "text/html"})
    admin.force_login(moderator)
    index = NewsIndexPage.objects.get()
    item = typical_news_item()
    screens = Screens(admin, Client(headers=headers), index, item)

    result = {"urls": screens.urls, "items": index.get_children().count()}
    result["ms"], result["queries"] = screens.measure()
    shrink_archive(index, kept=screens.first_pages() | {item.pk})
    result["small_items"] = index.get_children().count()
    result["ms_small"], result["queries_small"] = screens.measure()
    return result


class Screens:
    """The requests of one round, each timed and counted."""

    labels = [*SCREENS, LISTING]

    def __init__(self, admin, reader, index, item):
        self.admin, self.reader, self.index, self.item = admin, reader, index, item
        preview = reverse("wagtailadmin_pages:preview_on_edit", args=[item.pk])
        self.urls = {
            "explorer": reverse("wagtailadmin_explore", args=[index.pk]),
            "chooser": reverse("wagtailadmin_choose_page"),
            "chooser_index": reverse("wagtailadmin_choose_page_child", args=[index.pk]),
            "edit": reverse("wagtailadmin_pages:edit", args=[item.pk]),
            "preview_form": preview,
            "preview": preview,
            "draft": reverse("wagtailadmin_pages:edit", args=[item.pk]),
            LISTING: index.url,
        }
        self.form = edit_form_data(self.get(admin, self.urls["edit"], 200)[2].content, item)

    def measure(self):
        """{screen: its median time in ms}, {screen: its most queries} over RUNS rounds, after
        one that warms up (templates loaded, renditions made)."""
        times = {label: [] for label in self.labels}
        counts = {label: [] for label in self.labels}
        for run in range(RUNS + 1):
            for label, (elapsed, queries) in self.round().items():
                if run:
                    times[label].append(elapsed)
                    counts[label].append(queries)
        return (
            {label: statistics.median(found) for label, found in times.items()},
            {label: max(found) for label, found in counts.items()},
        )

    def round(self):
        urls, admin = self.urls, self.admin
        found = {
            "explorer": self.get(admin, urls["explorer"], 200),
            "chooser": self.get(admin, urls["chooser"], 200),
            "chooser_index": self.get(admin, urls["chooser_index"], 200),
            "edit": self.get(admin, urls["edit"], 200),
            "preview_form": self.post(urls["preview_form"], 200),
            "preview": self.get(admin, urls["preview"], 200),
            "draft": self.post(urls["draft"], 302),
        }
        if b'"is_valid": true' not in found["preview_form"][2].content:
            sys.exit(f"The preview did not take the edit form: {found['preview_form'][2].content}")
        # Saved, the editor comes back to the page (a lost session would redirect elsewhere).
        if found["draft"][2]["Location"] != urls["edit"]:
            sys.exit(f"Saving the draft went to {found['draft'][2]['Location']}")
        with override_settings(PAGE_CACHE_SECONDS=0):
            found[LISTING] = self.get(self.reader, urls[LISTING], 200)
        return {label: (elapsed, queries) for label, (elapsed, queries, _) in found.items()}

    def get(self, client, url, status):
        return self._timed(lambda: client.get(url), url, status)

    def post(self, url, status):
        return self._timed(lambda: self.admin.post(url, self.form), url, status)

    @staticmethod
    def _timed(request, url, status):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = request()
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != status:
            sys.exit(
                f"{url} answered {response.status_code}, not {status}: {response.content[:500]}"
            )
        return elapsed, len(queries), response

    def first_pages(self):
        """The children that the explorer's and the chooser's first pages show."""
        children = self.index.get_children()
        newest = children.order_by(models.F("latest_revision_created_at").desc(nulls_last=True))
        return {
            *newest.values_list("pk", flat=True)[
                : max(EXPLORER_PAGE, children.count() // SMALL_SHARE)
            ],
            *children.values_list("pk", flat=True)[:CHOOSER_PAGE],
        }


def edit_form_data(html, page):
    """The edit form as the browser sends it to save a draft: its fields from the page, and the
    body's blocks, which the admin's JavaScript builds, from the page's own body."""
    data = querydict_from_html(html, form_id="page-edit-form")
    # A ticked box without a value attribute is sent as "on", where Wagtail's helper gives "".
    form = WagtailTestUtils.get_soup(html).find("form", id="page-edit-form")
    for box in form.find_all("input", type="checkbox", checked=True):
        if box.get("name") and "value" not in box.attrs:
            data.setlist(box["name"], ["on"])
    data = {name: data.getlist(name) for name in data}
    body = type(page).body.field.stream_block
    data.update(block_form_data(body, page.body, "body"))
    return data


def block_form_data(block, value, prefix):
    """A block's value as the admin's form fields for it, named from prefix."""
    if isinstance(block, (blocks.StreamBlock, blocks.ListBlock)):
        children = value if isinstance(block, blocks.StreamBlock) else value.bound_blocks
        data = {f"{prefix}-count": [str(len(children))]}
        for n, child in enumerate(children):
            data[f"{prefix}-{n}-deleted"] = [""]
            data[f"{prefix}-{n}-order"] = [str(n)]
            data[f"{prefix}-{n}-id"] = [child.id or ""]
            if isinstance(block, blocks.StreamBlock):
                data[f"{prefix}-{n}-type"] = [child.block_type]
            data.update(block_form_data(child.block, child.value, f"{prefix}-{n}-value"))
        return data
    if isinstance(block, blocks.StructBlock):
        data = {}
        for name, child in block.child_blocks.items():
            data.update(block_form_data(child, value.get(name), f"{prefix}-{name}"))
        return data
    if isinstance(block, blocks.ChooserBlock):
        return {prefix: [str(value.pk) if value else ""]}
    if isinstance(block, blocks.BooleanBlock):
        return {prefix: ["on"]} if value else {}
    if isinstance(block, TableBlock):
        return {prefix: [block.value_for_form(value)]}
    state = block.get_form_state(value)
    if state is None:
        return {prefix: [""]}
    # A select's state is the list of its chosen values.
    return {prefix: state if isinstance(state, list) else [state]}


def shrink_archive(index, kept):
    """Deletes the news index's children but those kept, with the rows that refer to them, a
    statement a table: Django's deletion would load every page and revision to send a signal
    for each. Rows that point at a page by foreign key are deleted or set to null as the key
    says (log entries, which Wagtail keeps, stay); rows that name one by content type and id
    (revisions, search index entries, references from it, workflow states) are deleted; then
    the page's own row in each table of its type. The foreign keys are checked at commit, which
    never comes (the caller rolls back)."""
    doomed = list(index.get_children().exclude(pk__in=kept).values_list("pk", flat=True))
    page_models = [model for model in apps.get_models() if issubclass(model, Page)]
    tables = {model._meta.concrete_model for model in page_models}
    tables |= {parent for model in tables for parent in model._meta.get_parent_list()}
    page_types = ContentType.objects.get_for_models(*page_models, for_concrete_models=False)
    named = [(ReferenceIndex, "content_type", "object_id")]  # no GenericForeignKey there
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not (field.many_to_one and field.related_model in tables):
                continue
            if field.remote_field.parent_link:
                continue  # the page's own rows, deleted last
            rows = model._base_manager.filter(**{f"{field.name}__in": doomed})
            on_delete = field.remote_field.on_delete
            if on_delete is models.CASCADE:
                # No signals and no collecting: the point is not to load the rows.
                rows._raw_delete(connection.alias)
            elif on_delete is models.SET_NULL:
                rows.update(**{field.name: None})
        named += [
            (model, generic.ct_field, generic.fk_field)
            for generic in model._meta.private_fields
            if isinstance(generic, GenericForeignKey)
        ]
    for model, content_type, object_id in named:
        model._base_manager.filter(
            **{
                f"{content_type}__in": page_types.values(),
                f"{object_id}__in": [str(pk) for pk in doomed],
            }
        )._raw_delete(connection.alias)
    # The most derived tables first, so that each delete finds its parent's row still there.
    for model in sorted(tables, key=lambda model: -len(model._meta.get_parent_list())):
        model._base_manager.filter(pk__in=doomed)._raw_delete(connection.alias)
    Page.objects.filter(pk=index.pk).update(numchild=index.get_children().count())
    # What pages keep for a generation is read again: this transaction never commits to start
    # a new one.
    forget_kept()
