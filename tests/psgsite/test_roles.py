"""What each role may do, proved through the admin's own views."""

import html
import io
import re

from PIL import Image as PILImage

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    Locale,
    Page,
    Workflow,
    WorkflowState,
)
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import nested_form_data, streamfield

from alerts.models import Subscription
from home.models import HomePage, SiteSettings
from psgsite.roles import (
    EDITORS,
    EDITORS_COLLECTION,
    MEMBERSHIP_SECRETARIES,
    MODERATORS,
    set_up_roles,
)
from tests.editorial import EditorialTestCase, edit_form, paragraph
from tests.factories import DocumentFactory, ImageFactory, UserFactory
from tests.forms import form_data


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
        collections = list(Collection.objects.values_list("pk", "name"))
        grants = collection_grants()
        set_up_roles()
        assert list(Group.objects.order_by("name").values_list("name", "permissions")) == before
        assert Workflow.objects.filter(name="Moderator approval").count() == 1
        assert list(Collection.objects.values_list("pk", "name")) == collections
        assert collection_grants() == grants

    def test_editors_own_one_collection_and_choose_from_all(self):
        assert collection_grants()[EDITORS] == {
            ("Root", "choose_document"),
            ("Root", "choose_image"),
            (EDITORS_COLLECTION, "add_document"),
            (EDITORS_COLLECTION, "change_document"),
            (EDITORS_COLLECTION, "add_image"),
            (EDITORS_COLLECTION, "change_image"),
        }
        assert collection_grants()[MODERATORS] == {
            ("Root", f"{action}_{model}")
            for model, actions in [
                ("document", ["add", "change", "choose"]),
                ("image", ["add", "change", "choose"]),
                ("collection", ["add", "change", "delete"]),
            ]
            for action in actions
        }

    def test_a_deploy_takes_the_root_from_editors_and_keeps_their_renamed_collection(self):
        """As an earlier release left it: editors with add and change on the root."""
        editors = Group.objects.get(name=EDITORS)
        root = Collection.get_first_root_node()
        for codename in ("add_document", "change_image"):
            GroupCollectionPermission.objects.create(
                group=editors, collection=root, permission=Permission.objects.get(codename=codename)
            )
        Collection.objects.filter(name=EDITORS_COLLECTION).update(name="Uploads by editors")
        document = DocumentFactory(collection=root)
        set_up_roles()
        document.refresh_from_db()
        assert document.collection == root  # the files there stay, the moderators'
        assert not Collection.objects.filter(name=EDITORS_COLLECTION).exists()
        assert {grant for grant in collection_grants()[EDITORS] if grant[0] == "Root"} == {
            ("Root", "choose_document"),
            ("Root", "choose_image"),
        }
        assert ("Uploads by editors", "add_document") in collection_grants()[EDITORS]

    def test_editors_and_moderators_send_pages_to_be_translated(self):
        """wagtail-localize's migration gives its permission to the groups there when it ran,
        and only to them; a deploy gives it to editors (translators among them) and moderators."""
        submit = Permission.objects.get(
            content_type__app_label="wagtail_localize", codename="submit_translation"
        )
        for group in Group.objects.all():
            group.permissions.remove(submit)
        set_up_roles()
        Locale.objects.get_or_create(language_code="es")
        url = reverse("wagtail_localize:submit_page_translation", args=[self.story.pk])
        for user in (self.editor, self.moderator):
            self.client.force_login(user)
            self.assertContains(self.client.get(url), "Translate page")
        self.client.force_login(self.secretary)
        assert_refused(self, self.client.get(url), url)


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

    def test_writes_in_the_spanish_sections_as_in_the_english_ones(self):
        for slug in (
            "sobre-nosotros",
            "objetivos-del-psg",
            "hagase-miembro",
            "aviso-de-privacidad",
        ):
            page = Page.objects.get(slug=slug, locale__language_code="es")
            assert self.client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200, slug
        assert_no_access(self, HomePage.objects.get(locale__language_code="es"))

    def test_a_section_translated_after_the_roles_were_set_up_is_theirs_too(self):
        # The news is in English alone on day one.
        spanish = self.index.copy_for_translation(Locale.objects.get(language_code="es"))
        assert self.client.get(f"/admin/pages/{spanish.pk}/edit/").status_code == 200
        # And stays theirs when the roles are set up again, at the next deploy.
        set_up_roles()
        assert self.client.get(f"/admin/pages/{spanish.pk}/edit/").status_code == 200
        assert not Page.objects.get(pk=spanish.pk).permissions_for_user(self.editor).can_publish()


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

    def test_edits_the_site_settings_from_the_settings_menu(self):
        site = self.home.get_site()
        url = f"/admin/settings/home/sitesettings/{site.pk}/"
        assert "/admin/settings/home/sitesettings/" in self.client.get("/admin/").content.decode()
        form = self.client.get(url)
        assert form.status_code == 200
        data = form_data(form.content.decode(), form_id="w-editor-form").dict()
        # The social links' blocks are built by the admin's JavaScript.
        data.update(nested_form_data({"social_links": streamfield([])}))
        data["email"] = "info@perusupportgroup.org.uk"
        assert self.client.post(url, data).status_code == 302
        assert SiteSettings.for_site(site).email == "info@perusupportgroup.org.uk"


def test_only_moderators_of_the_three_roles_edit_the_site_settings(client, home):
    """They show on every page once saved: editors' changes wait for a moderator."""
    set_up_roles()
    url = f"/admin/settings/home/sitesettings/{home.get_site().pk}/"
    for group, allowed in ((MODERATORS, True), (EDITORS, False), (MEMBERSHIP_SECRETARIES, False)):
        client.force_login(UserFactory(groups=[group]))
        menu = client.get("/admin/").content.decode()
        assert ("/admin/settings/home/sitesettings/" in menu) is allowed, group
        response = client.get(url)
        assert (response.status_code == 200) is allowed, group
        if not allowed:
            assert response.status_code in (302, 403), group
            before = SiteSettings.for_site(home.get_site()).email
            client.post(url, {"email": "spoof@example.org", "organisation_name": "X"})
            assert SiteSettings.for_site(home.get_site()).email == before, group


def test_moderators_keep_the_list_of_topics_and_editors_only_choose_from_it(client, home):
    """Editors pick topics in a page's form, which needs no permission; a new topic is a
    moderator's, so that the list holds no junk."""
    set_up_roles()
    codenames = {f"news.{action}_topic" for action in ("add", "change", "delete")}
    for group, allowed in ((MODERATORS, True), (EDITORS, False), (MEMBERSHIP_SECRETARIES, False)):
        user = UserFactory(groups=[group])
        assert (codenames <= user.get_all_permissions()) is allowed, group
        if not allowed:
            assert not any(p.endswith("_topic") for p in user.get_all_permissions()), group
        client.force_login(user)
        menu = client.get("/admin/").content.decode()
        assert ("/admin/snippets/news/topic/" in menu) is allowed, group
        status = client.get("/admin/snippets/news/topic/add/").status_code
        assert (status == 200) is allowed, group


def test_only_secretaries_see_export_and_delete_email_alert_subscribers(client, home):
    """Readers' addresses are personal data: the secretaries, who answer personal data requests,
    see and delete them; readers alone subscribe and change their choices."""
    set_up_roles()
    subscription = Subscription.objects.create(email="reader@example.org", news=True)
    listing = "/admin/snippets/alerts/subscription/"
    for group, allowed in ((MEMBERSHIP_SECRETARIES, True), (EDITORS, False), (MODERATORS, False)):
        user = UserFactory(groups=[group])
        permissions = {p for p in user.get_all_permissions() if p.startswith("alerts.")}
        expected = {"alerts.view_subscription", "alerts.delete_subscription"} if allowed else set()
        assert permissions == expected, group
        client.force_login(user)
        assert (listing in client.get("/admin/").content.decode()) is allowed, group
        for url in (
            listing,
            f"{listing}?export=csv",
            f"{listing}inspect/{subscription.pk}/",
            f"{listing}counts/",
            f"{listing}delete/{subscription.pk}/",
        ):
            assert client.get(url).status_code == (200 if allowed else 403), (group, url)
        for url in (f"{listing}add/", f"{listing}edit/{subscription.pk}/"):
            assert client.get(url).status_code == 403, (group, url)
    assert list(Subscription.objects.all()) == [subscription]


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
                "membership.view_interestregistration",
                "membership.change_interestregistration",
                "membership.delete_interestregistration",
            ]
        )
        # Applications and registrations of interest come from the join page only.
        assert not self.secretary.has_perm("membership.add_membershipapplication")
        assert not self.secretary.has_perm("membership.add_interestregistration")
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


NEW_PDF = b"%PDF-1.4\n% replaced\n%%EOF\n"


def collection_grants():
    """Each group's collection permissions: {group: {(collection, codename)}}."""
    grants = {}
    for group, collection, codename in GroupCollectionPermission.objects.values_list(
        "group__name", "collection__name", "permission__codename"
    ):
        grants.setdefault(group, set()).add((collection, codename))
    return grants


def slug(words):
    return re.sub(r"\W+", "-", words)


def png(colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


class MediaLibraryTests(EditorialTestCase):
    """Editors upload into a collection of their own and choose from every collection; the
    files in the moderators' collections and in private ones are not theirs to move, replace
    or delete. Tried through the admin's views, for documents and images alike."""

    KINDS = {
        "documents": (get_document_model(), "wagtaildocs", "document"),
        "images": (get_image_model(), "wagtailimages", "image"),
    }

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.root = Collection.get_first_root_node()
        cls.uploads = Collection.objects.get(name=EDITORS_COLLECTION)
        cls.private = cls.root.add_child(name="Members only")
        CollectionViewRestriction.objects.create(
            collection=cls.private, restriction_type="password", password="andes-2026"
        )
        # Private inside the editors' own collection, by its own setting and by its parent's.
        cls.private_drafts = cls.uploads.add_child(name="Private drafts")
        CollectionViewRestriction.objects.create(
            collection=cls.private_drafts, restriction_type="login"
        )
        cls.under_private = cls.private_drafts.add_child(name="Old drafts")
        cls.closed = {
            "root": cls.root,
            "private": cls.private,
            "private drafts": cls.private_drafts,
            "under private drafts": cls.under_private,
        }

    def setUp(self):
        self.client.force_login(self.editor)

    def make(self, kind, collection, title="Original"):
        if kind == "documents":
            return DocumentFactory(
                title=title,
                collection=collection,
                file__filename="original.pdf",
                file__data=b"%PDF-1.4\n% original\n%%EOF\n",
            )
        return ImageFactory(
            title=title, collection=collection, file__filename="original.png", file__width=8
        )

    def stored(self, item):
        """What readers get of a file: its row and the bytes of its file."""
        item.refresh_from_db()
        with item.file.open("rb") as file:
            return item.title, item.collection_id, item.file.name, file.read()

    def edit_url(self, kind, item):
        return reverse(f"{self.KINDS[kind][1]}:edit", args=[item.pk])

    def delete_url(self, kind, item):
        return reverse(f"{self.KINDS[kind][1]}:delete", args=[item.pk])

    def changes(self, kind, collection):
        """The edit form's fields: a new title, a new file, and a collection."""
        data = {"title": "Changed", "collection": collection.pk, "tags": ""}
        if kind == "documents":
            data["file"] = SimpleUploadedFile("replaced.pdf", NEW_PDF)
        else:
            data["file"] = SimpleUploadedFile("replaced.png", png("red"))
            data["description"] = ""
        return data

    def upload(self, kind, collection, title):
        """Uploads through the single and the drag-and-drop forms; returns the collections
        where the two were stored."""
        model = self.KINDS[kind][0]
        content = (
            SimpleUploadedFile(f"{title}.pdf", NEW_PDF)
            if kind == "documents"
            else SimpleUploadedFile(f"{title}.png", png("blue"))
        )
        self.client.post(
            f"/admin/{kind}/add/",
            {"title": title, "file": content, "collection": collection.pk, "tags": ""},
        )
        content.seek(0)
        response = self.client.post(
            f"/admin/{kind}/multiple/add/", {"files[]": content, "collection": collection.pk}
        )
        self.assertIn(response.status_code, (200, 400, 403))
        stored = model.objects.filter(title__startswith=title).order_by("pk")
        return [item.collection for item in stored]

    def bulk(self, kind, action, items, data=None):
        _, app_label, model_name = self.KINDS[kind]
        query = "&".join(f"id={item.pk}" for item in items)
        return self.client.post(
            f"/admin/bulk/{app_label}/{model_name}/{action}/?{query}", data or {}
        )

    def test_editors_cannot_move_replace_or_delete_files_they_do_not_own(self):
        for kind in self.KINDS:
            for where, collection in self.closed.items():
                item = self.make(kind, collection)
                before = self.stored(item)
                what = f"{kind} in {where}"
                for url in (self.edit_url(kind, item), self.delete_url(kind, item)):
                    assert_refused(self, self.client.get(url), what)
                # Replaced and moved to the editors' collection (or out of it, to the root).
                for target in (self.uploads, self.root):
                    response = self.client.post(
                        self.edit_url(kind, item), self.changes(kind, target)
                    )
                    assert_refused(self, response, what)
                    self.assertEqual(self.stored(item), before, what)
                assert_refused(self, self.client.post(self.delete_url(kind, item)), what)
                # The listing's bulk actions skip it.
                self.bulk(kind, "add_to_collection", [item], {"collection": self.uploads.pk})
                self.bulk(kind, "delete", [item])
                self.assertEqual(self.stored(item), before, what)

    def test_editors_cannot_upload_into_a_collection_they_do_not_own(self):
        for kind in self.KINDS:
            for where, collection in self.closed.items():
                # The forms offer editors their own collection alone: the file goes there.
                stored = self.upload(kind, collection, f"upload-{slug(where)}")
                self.assertEqual(stored, [self.uploads, self.uploads], where)

    def test_editors_upload_edit_move_and_delete_in_their_own_collection(self):
        other_editor = UserFactory(username="ed2", groups=[EDITORS])
        for kind in self.KINDS:
            stored = self.upload(kind, self.uploads, "mine")
            self.assertEqual(stored, [self.uploads, self.uploads], kind)
            # Anyone's file there, not only their own.
            item = self.make(kind, self.uploads)
            item.uploaded_by_user = other_editor
            item.save()
            response = self.client.post(self.edit_url(kind, item), self.changes(kind, self.uploads))
            self.assertEqual(response.status_code, 302, kind)
            title, collection, _, content = self.stored(item)
            self.assertEqual((title, collection), ("Changed", self.uploads.pk))
            if kind == "documents":
                self.assertEqual(content, NEW_PDF)
            # Not out of it: the form offers no other collection, and ignores one sent.
            self.client.post(self.edit_url(kind, item), self.changes(kind, self.root))
            self.assertEqual(self.stored(item)[1], self.uploads.pk, kind)
            response = self.client.post(self.delete_url(kind, item))
            self.assertEqual(response.status_code, 302, kind)
            self.assertFalse(type(item).objects.filter(pk=item.pk).exists(), kind)

    def test_editors_cannot_lift_a_collections_privacy_nor_manage_collections(self):
        privacy = reverse("wagtailadmin_collections:set_privacy", args=[self.private_drafts.pk])
        assert_refused(self, self.client.post(privacy, {"restriction_type": "none"}), privacy)
        self.assertTrue(self.private_drafts.view_restrictions.exists())
        add = reverse("wagtailadmin_collections:add")
        response = self.client.post(add, {"name": "Mine", "parent": self.uploads.pk})
        assert_refused(self, response, add)
        self.assertFalse(Collection.objects.filter(name="Mine").exists())

    def test_editors_choose_files_from_every_collection(self):
        for kind in self.KINDS:
            titles = {
                where: self.make(kind, c, f"{kind} in {where}").title
                for where, c in {**self.closed, "editors' uploads": self.uploads}.items()
            }
            response = self.client.get(reverse(f"{self.KINDS[kind][1]}_chooser:choose"))
            self.assertEqual(response.status_code, 200)
            page = html.unescape(response.json()["html"])
            for title in titles.values():
                self.assertIn(title, page)

    def test_moderators_keep_every_collection(self):
        self.client.force_login(self.moderator)
        add = reverse("wagtailadmin_collections:add")
        response = self.client.post(add, {"name": "Campaigns", "parent": self.root.pk})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Collection.objects.filter(name="Campaigns").exists())
        privacy = reverse("wagtailadmin_collections:set_privacy", args=[self.private_drafts.pk])
        response = self.client.post(privacy, {"restriction_type": "none"})
        self.assertEqual(response.json()["step"], "set_privacy_done")
        self.assertFalse(self.private_drafts.view_restrictions.exists())
        for kind in self.KINDS:
            for where, collection in {**self.closed, "editors' uploads": self.uploads}.items():
                what = f"{kind} in {where}"
                item = self.make(kind, collection)
                response = self.client.post(
                    self.edit_url(kind, item), self.changes(kind, self.root)
                )
                self.assertEqual(response.status_code, 302, what)
                self.assertEqual(self.stored(item)[:2], ("Changed", self.root.pk), what)
                response = self.client.post(self.delete_url(kind, item))
                self.assertEqual(response.status_code, 302, what)
                self.assertFalse(type(item).objects.filter(pk=item.pk).exists(), what)
                stored = self.upload(kind, collection, f"moderator-{slug(where)}")
                self.assertEqual(stored, [collection, collection], what)
