"""What each role may do, proved through the admin's own views."""

from django.contrib.auth.models import Group

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Workflow, WorkflowState
from wagtail.permissions import policy_registry

from psgsite.roles import EDITORS, MEMBERSHIP_SECRETARIES, MODERATORS, set_up_roles
from tests.editorial import EditorialTestCase, edit_form, paragraph


class TheRolesExist(EditorialTestCase):
    def test_the_three_groups_and_the_workflow_on_the_whole_tree(self):
        names = set(Group.objects.values_list("name", flat=True))
        assert {EDITORS, MODERATORS, MEMBERSHIP_SECRETARIES} <= names
        workflow = Workflow.objects.get(name="Moderator approval")
        assert workflow.active
        root = Page.get_first_root_node()
        assert root.get_workflow() == workflow
        assert self.story.get_workflow() == workflow
        task = workflow.tasks.get().specific
        assert list(task.groups.values_list("name", flat=True)) == [MODERATORS]

    def test_editors_and_moderators_use_the_image_and_document_libraries(self):
        for model in (get_image_model(), get_document_model()):
            policy = policy_registry.get_by_type(model)
            for user in (self.editor, self.moderator):
                for action in ("add", "change", "choose"):
                    assert policy.user_has_permission(user, action), (user, action)
            assert not policy.user_has_any_permission(self.secretary, ["add", "change", "choose"])

    def test_setting_up_again_changes_nothing(self):
        before = list(Group.objects.order_by("name").values_list("name", "permissions"))
        set_up_roles()
        assert list(Group.objects.order_by("name").values_list("name", "permissions")) == before
        assert Workflow.objects.filter(name="Moderator approval").count() == 1


class EditorTests(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def test_can_write_in_the_news_about_and_join_sections(self):
        assert (
            self.client.get(f"/admin/pages/add/news/newspage/{self.index.pk}/").status_code == 200
        )
        for slug in ("minas-conga-referendum-plans-disputed", "about-us", "psg-aims", "join"):
            page = Page.objects.get(slug=slug)
            assert self.client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200, slug

    def test_cannot_publish_but_can_submit_for_moderation(self):
        data = edit_form(self.client, self.story, [paragraph("<p>Revised text.</p>")])
        data["title"] = "Conga: the editor's headline"
        self.client.post(f"/admin/pages/{self.story.pk}/edit/", {**data, "action-publish": "1"})
        self.story.refresh_from_db()
        assert self.story.title == "Minas Conga referendum plans disputed"  # live page unchanged

        data = edit_form(self.client, self.story, [paragraph("<p>Revised text.</p>")])
        data["title"] = "Conga: the editor's headline"
        self.client.post(f"/admin/pages/{self.story.pk}/edit/", {**data, "action-submit": "1"})
        state = self.story.current_workflow_state
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.requested_by == self.editor
        self.story.refresh_from_db()
        assert self.story.title == "Minas Conga referendum plans disputed"

        # The moderator approves, and the edit goes live.
        self.client.force_login(self.moderator)
        task_state = state.current_task_state
        response = self.client.post(
            f"/admin/pages/workflow/action/{self.story.pk}/approve/{task_state.pk}/",
            {"comment": ""},
        )
        assert response.status_code in (200, 302)
        self.story.refresh_from_db()
        assert self.story.title == "Conga: the editor's headline"
        state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_APPROVED

    def test_cannot_unpublish(self):
        response = self.client.post(f"/admin/pages/{self.story.pk}/unpublish/")
        assert response.status_code in (302, 403)
        self.story.refresh_from_db()
        assert self.story.live

    def test_cannot_touch_the_home_page(self):
        assert_no_access(self, self.home)


class ModeratorTests(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.moderator)

    def test_can_publish_and_unpublish_anywhere(self):
        data = edit_form(self.client, self.home)
        data["intro"] = "A new introduction."
        self.client.post(f"/admin/pages/{self.home.pk}/edit/", {**data, "action-publish": "1"})
        self.home.refresh_from_db()
        assert self.home.intro == "A new introduction."
        self.client.post(f"/admin/pages/{self.story.pk}/unpublish/")
        self.story.refresh_from_db()
        assert not self.story.live


class MembershipSecretaryTests(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.secretary)

    def test_reaches_the_admin_but_no_page(self):
        assert self.client.get("/admin/").status_code == 200
        for page in (self.home, self.index, self.story):
            assert_no_access(self, page)

    def test_manages_membership_and_nothing_else_of_it_is_given_to_others(self):
        assert self.secretary.has_perms(
            [
                "membership.view_membershipapplication",
                "membership.change_membershipapplication",
                "membership.delete_membershipapplication",
                "membership.add_membershiptype",
                "membership.change_membershiptype",
            ]
        )
        # Applications come from the join page only.
        assert not self.secretary.has_perm("membership.add_membershipapplication")
        for user in (self.editor, self.moderator):
            assert not any(p.startswith("membership.") for p in user.get_all_permissions())


def assert_no_access(test, page):
    """The classes of view that Wagtail advisories have concerned: each refuses the user, with
    a 403 or 404, or as Wagtail's admin does for a page request, a redirect to the dashboard
    saying so; and none shows or changes the page."""
    revision = page.latest_revision
    for url in (
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/{page.pk}/history/",
        f"/admin/pages/{page.pk}/revisions/compare/earliest...{revision.pk}/",
        f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/",
        f"/admin/pages/{page.pk}/revisions/{revision.pk}/revert/",
        f"/admin/pages/{page.pk}/edit/preview/",
        f"/admin/pages/{page.pk}/copy/",
        f"/admin/pages/{page.pk}/unpublish/",
        f"/admin/pages/{page.pk}/delete/",
        f"/admin/pages/{page.pk}/move/",
    ):
        assert_refused(test, test.client.get(url), url)
        # Asked from script, as the admin's own JavaScript asks, the refusal is a bare 403.
        xhr = test.client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
        test.assertIn(xhr.status_code, (403, 404), url)
    assert_refused(test, test.client.post(f"/admin/pages/{page.pk}/unpublish/"), "unpublish")
    page.refresh_from_db()
    test.assertTrue(page.live)


def assert_refused(test, response, url):
    if response.status_code in (403, 404):
        return
    test.assertEqual(response.status_code, 302, f"{url} answered {response.status_code}")
    test.assertEqual(response.url, "/admin/", url)
    messages = [str(m).strip() for m in response.wsgi_request._messages]
    test.assertIn("Sorry, you do not have permission to access this area.", messages, url)
