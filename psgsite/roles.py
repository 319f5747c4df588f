"""The editorial roles and the moderation workflow, set up without clicking.

Wagtail's first migrations make "Editors" and "Moderators" groups with permissions on the whole
tree and a "Moderators approval" workflow. Here editors are confined to the news, about and join
sections, in English and in their translations, moderators keep the whole tree, editors and
moderators translate pages (wagtail-localize), membership secretaries manage applications,
registrations of interest and membership types, and see and delete email alert subscribers (and
nothing else), and every page goes through "Moderator approval".

Images and documents likewise: editors upload into a collection of their own and change files
there alone, and choose files from every collection for their pages; moderators keep every
collection and manage the collections themselves, their privacy among them. Files in a private
collection change only through those who manage it (psgsite/media_permissions.py).
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.signals import copy_for_translation_done

from about.models import AboutPage
from membership.models import JoinPage
from news.models import NewsIndexPage

EDITORS = "Editors"
MODERATORS = "Moderators"
MEMBERSHIP_SECRETARIES = "Membership secretaries"
WORKFLOW = "Moderator approval"
EDITORS_COLLECTION = "Editors' uploads"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
# Wagtail lets whoever may change an image or document delete it as well.
MEDIA_PERMISSIONS = ["add", "change", "choose"]
COLLECTION_PERMISSIONS = ["add", "change", "delete"]
MEDIA_MODELS = [("wagtailimages", "image"), ("wagtaildocs", "document")]
COLLECTION_MODEL = ("wagtailcore", "collection")
# Applications and registrations of interest come from the join page alone, so no one is given
# "add" for them.
SECRETARY_PERMISSIONS = {
    "membershipapplication": ["view", "change", "delete"],
    "interestregistration": ["view", "change", "delete"],
    "membershiptype": ["view", "add", "change", "delete"],
}
# Email alert subscribers: secretaries, who answer personal data requests, see, export and delete
# them. Readers subscribe and change their choices themselves, from the emailed links, so no one
# adds or changes a subscription; and no other role is shown readers' addresses.
SECRETARY_ALERT_PERMISSIONS = ["view_subscription", "delete_subscription"]
MODERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
# The footer's contact details, social links and the like, which show on every page as soon as
# they are saved: theirs who may publish, not editors', whose changes wait for moderation.
SITE_SETTINGS_PERMISSION = ("home", "change_sitesettings")
# The list of news topics: moderators add, rename, merge and delete them; editors choose from it
# (which needs no permission) and ask a moderator for a new one, so that no junk topic is made.
TOPIC_PERMISSIONS = [f"{action}_topic" for action in ("add", "change", "delete")]
# Sending a page to be translated and syncing its translations (wagtail-localize): translators
# are editors, and moderators translate too.
TRANSLATION_PERMISSION = ("wagtail_localize", "submit_translation")


def editorial_sections():
    """The pages under whose subtree editors work: the news index, the join page and every
    about page directly under the home page, and their translations (the Spanish About us
    under the Spanish home page), so that editors write in each language what they write in
    English."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return []
    sections = site.root_page.get_children().type(NewsIndexPage, JoinPage, AboutPage)
    return list(
        Page.objects.filter(translation_key__in=sections.values("translation_key")).order_by("path")
    )


def grant_on_translation(sender, source_obj, target_obj, **kwargs):
    """A page's translation made after the roles were set up (a section translated later)
    gets the rights each group holds on the page itself: rights go by the page tree, and the
    translation is in a tree of its own."""
    if not isinstance(source_obj, Page):
        return
    for grant in GroupPagePermission.objects.filter(page=source_obj):
        GroupPagePermission.objects.get_or_create(
            group_id=grant.group_id, page=target_obj, permission_id=grant.permission_id
        )


def register():
    copy_for_translation_done.connect(grant_on_translation, dispatch_uid="roles-on-translation")


@transaction.atomic
def set_up_roles():
    """Idempotent: run after each deploy and after loading content."""
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    secretaries, _ = Group.objects.get_or_create(name=MEMBERSHIP_SECRETARIES)
    # wagtail-localize's "Translate": the translation is then written and published as any
    # page is, under each group's rights on its section. Its data migration makes the
    # permission, which a flushed database (Django's flush remakes only the models' own) lacks.
    app_label, codename = TRANSLATION_PERMISSION
    submit_translation, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_or_create(app_label=app_label, model="translation")[0],
        codename=codename,
        defaults={"name": "Can submit translations"},
    )
    editors.permissions.add(submit_translation)
    moderators.permissions.add(submit_translation)
    for group in (editors, moderators, secretaries):
        group.permissions.add(admin_access)
        # Images and documents are granted per collection below; model-wide permissions, which
        # Wagtail's first migration gives its groups, would override those.
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label__in=["wagtailimages", "wagtaildocs"])
        )

    site_settings = Permission.objects.get(
        content_type__app_label=SITE_SETTINGS_PERMISSION[0],
        codename=SITE_SETTINGS_PERMISSION[1],
    )
    moderators.permissions.add(site_settings)
    editors.permissions.remove(site_settings)
    topics = Permission.objects.filter(
        content_type__app_label="news", codename__in=TOPIC_PERMISSIONS
    )
    moderators.permissions.add(*topics)
    editors.permissions.remove(*topics)

    root = Page.get_first_root_node()
    _grant(moderators, [root], MODERATOR_PAGE_PERMISSIONS)
    GroupPagePermission.objects.filter(group=editors).exclude(
        page__in=editorial_sections()
    ).delete()
    _grant(editors, editorial_sections(), EDITOR_PAGE_PERMISSIONS)
    GroupPagePermission.objects.filter(group=secretaries).delete()
    secretaries.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="membership",
            codename__in=[
                f"{action}_{model}"
                for model, actions in SECRETARY_PERMISSIONS.items()
                for action in actions
            ],
        )
    )
    subscriptions = Permission.objects.filter(
        content_type__app_label="alerts", codename__endswith="_subscription"
    )
    secretaries.permissions.add(*subscriptions.filter(codename__in=SECRETARY_ALERT_PERMISSIONS))
    editors.permissions.remove(*subscriptions)
    moderators.permissions.remove(*subscriptions)
    root_collection = Collection.get_first_root_node()
    uploads = editors_collection(editors)
    for model in MEDIA_MODELS:
        _grant_collections(
            editors, model, {root_collection: ["choose"], uploads: ["add", "change"]}
        )
        _grant_collections(moderators, model, {root_collection: MEDIA_PERMISSIONS})
    _grant_collections(editors, COLLECTION_MODEL, {})
    _grant_collections(moderators, COLLECTION_MODEL, {root_collection: COLLECTION_PERMISSIONS})

    workflow = Workflow.objects.filter(name__in=[WORKFLOW, "Moderators approval"]).order_by(
        "pk"
    ).first() or Workflow(name=WORKFLOW)
    workflow.name, workflow.active = WORKFLOW, True
    workflow.save()
    task = GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    task.name, task.active = WORKFLOW, True
    task.save()
    task.groups.set([moderators])
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def editors_collection(editors):
    """The collection editors upload into: the one they already hold, renamed or not, or
    "Editors' uploads" under the root, made the first time."""
    held = (
        Collection.objects.filter(
            depth__gt=1,
            group_permissions__group=editors,
            group_permissions__permission__codename__in=["add_image", "add_document"],
        )
        .order_by("path")
        .first()
    )
    if held is not None:
        return held
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=EDITORS_COLLECTION).first() or root.add_child(
        name=EDITORS_COLLECTION
    )


def _grant_collections(group, model, grants):
    """Exactly these permissions for the group on one model, {collection: actions}: any other
    the group holds on that model, in any collection, is taken away."""
    app_label, model_name = model
    kept = []
    for collection, actions in grants.items():
        for action in actions:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model_name}"
            )
            record, _ = GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
            kept.append(record.pk)
    GroupCollectionPermission.objects.filter(
        group=group,
        permission__content_type__app_label=app_label,
        permission__content_type__model=model_name,
    ).exclude(pk__in=kept).delete()


def _grant(group, pages, codenames):
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    )
    for page in pages:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
