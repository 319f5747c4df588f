"""Who may change the files of a private collection.

Wagtail grants image and document permissions per collection, and a grant holds in every
collection below. On top of that, in a collection with a privacy setting (a view restriction on
it or on an ancestor) files are added, edited, moved, replaced and deleted only by those who may
change the collection itself, and with it its privacy: moderators and superusers. Anyone else
could make a private document public by moving it out, or swap what its readers download.
Choosing files for a page stays as Wagtail grants it.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from wagtail.models import Collection, CollectionViewRestriction
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

GUARDED = {"add", "change", "delete"}


def may_manage(user, collection):
    return policy_registry.get_by_type(Collection).user_has_permission_for_instance(
        user, "change", collection
    )


class PrivateCollectionPolicy(CollectionOwnershipPermissionPolicy):
    def closed_collections(self, user):
        """The private collections in which this user may not change files."""
        if user.is_active and user.is_superuser:
            return []
        restricted = Collection.objects.filter(
            pk__in=CollectionViewRestriction.objects.values("collection")
        ).values_list("path", flat=True)
        if not restricted:
            return []
        below = reduce(or_, (Q(path__startswith=path) for path in restricted))
        return [c for c in Collection.objects.filter(below) if not may_manage(user, c)]

    def user_has_any_permission_for_instance(self, user, actions, instance):
        actions = set(actions)
        if (
            actions & GUARDED
            and instance.collection.get_view_restrictions().exists()
            and not may_manage(user, instance.collection)
        ):
            actions -= GUARDED
            if not actions:
                return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        guarded = set(actions) & GUARDED
        closed = self.closed_collections(user) if guarded else []
        if not closed:
            return super().instances_user_has_any_permission_for(user, actions)
        instances = super().instances_user_has_any_permission_for(user, guarded)
        instances = instances.exclude(collection__in=closed)
        if other := set(actions) - GUARDED:
            instances |= super().instances_user_has_any_permission_for(user, other)
        return instances

    def collections_user_has_any_permission_for(self, user, actions):
        guarded = set(actions) & GUARDED
        closed = self.closed_collections(user) if guarded else []
        if not closed:
            return super().collections_user_has_any_permission_for(user, actions)
        collections = super().collections_user_has_any_permission_for(user, guarded)
        collections = collections.exclude(pk__in=[c.pk for c in closed])
        if other := set(actions) - GUARDED:
            collections |= super().collections_user_has_any_permission_for(user, other)
        return collections


def register():
    """Wagtail's image and document apps register their own policies in their ready(), which
    runs after this app's; a policy registered for the exact class is looked up first."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    for model, auth_model in (
        (get_image_model(), "wagtailimages.Image"),
        (get_document_model(), "wagtaildocs.Document"),
    ):
        policy = PrivateCollectionPolicy(
            model, auth_model=auth_model, owner_field_name="uploaded_by_user"
        )
        register_permission_policy(model, policy, exact_class=True)
