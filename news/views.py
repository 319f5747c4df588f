"""The admin's topics: the list moderators keep, and merging one topic into another."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import FormView

from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from .models import Topic


class MergeTopicForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Topic.objects.none(),
        label="Merge into",
        empty_label="Choose a topic",
        help_text="Every page of this topic gets the topic chosen here instead, and this "
        "topic is deleted. Its address then shows “page not found”.",
    )

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Topic.objects.exclude(pk=topic.pk).order_by("name")


class MergeTopicView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Merging deletes the topic merged, so it is for those who may delete topics."""

    form_class = MergeTopicForm
    template_name = "wagtailadmin/generic/form.html"
    permission_policy = None
    permission_required = "delete"
    index_url_name = None
    merge_url_name = None
    header_icon = "tag"
    page_title = "Merge topic"
    submit_button_label = "Merge"
    submit_button_active_label = "Merging…"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.topic = get_object_or_404(Topic, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.topic.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Topics"},
            {"url": "", "label": f"Merge “{self.topic.name}”"},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "topic": self.topic}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse(self.merge_url_name, args=[self.topic.pk]),
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_active_label,
            **kwargs,
        )

    def form_valid(self, form):
        target = form.cleaned_data["target"]
        name = self.topic.name
        moved = self.topic.merge_into(target)
        pages = "page" if moved == 1 else "pages"
        messages.success(
            self.request,
            f"“{name}” was merged into “{target.name}”: {moved} {pages} moved, "
            f"and “{name}” deleted.",
        )
        return redirect(self.index_url_name)


class TopicIndexView(IndexView):
    merge_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "delete"):
            buttons.append(
                MenuItem(
                    "Merge into…",
                    url=reverse(self.merge_url_name, args=[instance.pk]),
                    icon_name="resubmit",
                    priority=25,
                )
            )
        return buttons


class TopicViewSet(SnippetViewSet):
    """Topics in the admin menu for moderators and administrators; editors, who may not
    change them, choose from them in a page's topics field."""

    model = Topic
    icon = "tag"
    menu_label = "Topics"
    menu_name = "topics"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = TopicIndexView
    list_display = ["name", "name_es", "slug", "description"]
    search_fields = ["name", "name_es", "description", "description_es"]
    # Searched in the database itself: topics are few, and not in the site's search index.
    search_backend_name = None
    panels = Topic.panels

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(merge_url_name=self.get_url_name("merge"), **kwargs)

    @property
    def merge_view(self):
        return self.construct_view(
            MergeTopicView,
            permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("list"),
            merge_url_name=self.get_url_name("merge"),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("merge/<int:pk>/", self.merge_view, name="merge"),
        ]
