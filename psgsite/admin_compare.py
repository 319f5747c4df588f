"""Comparing two versions of a page names each block of a body ("Text", "Quote") and says
whether it was added, removed or changed, in words as well as in the colours that the compare
view's key explains (templates/wagtailadmin/generic/revisions/compare.html)."""

from django.utils.html import format_html_join
from django.utils.text import capfirst

from wagtail.admin.compare import (
    StreamBlockComparison,
    StreamFieldComparison,
    register_comparison_class,
)
from wagtail.fields import StreamField


class NamedStreamBlockComparison(StreamBlockComparison):
    def describe(self, comparison):
        """(what happened, its class for the colours, the block's content)"""
        if comparison.is_new():
            return "added", "addition", comparison.htmlvalue(comparison.val_b)
        if comparison.is_deleted():
            return "removed", "deletion", comparison.htmlvalue(comparison.val_a)
        if comparison.has_changed():
            return "changed", "", comparison.htmldiff()
        return "unchanged", "", comparison.htmlvalue(comparison.val_a)

    def htmldiff(self):
        rows = []
        for comparison in self.get_block_comparisons():
            state, classname, content = self.describe(comparison)
            label = capfirst(comparison.block.label or comparison.block.name)
            rows.append((classname, label, state, content))
        return format_html_join(
            "\n",
            '<div class="comparison__child-object {}">'
            '<p class="comparison__block-name"><strong>{}</strong> ({})</p>{}</div>',
            rows,
        )


class NamedStreamFieldComparison(StreamFieldComparison):
    def htmldiff(self):
        # Bodies saved before blocks had ids (Wagtail 1.11) fall back to Wagtail's text diff.
        if self.has_block_ids(self.val_a) and self.has_block_ids(self.val_b):
            return NamedStreamBlockComparison(
                self.field.stream_block, True, True, self.val_a, self.val_b
            ).htmldiff()
        return super().htmldiff()


def register():
    register_comparison_class(StreamField, comparison_class=NamedStreamFieldComparison)
