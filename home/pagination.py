from django.core.paginator import Paginator
from django.db.models import QuerySet

from .parameters import read_parameter


class KeysFirstPaginator(Paginator):
    """Takes a page of a queryset by finding its rows' keys first, in a subquery of the same
    query: a deep page (?page=500) then steps over the rows before it reading their keys alone,
    not every table the page's own rows are joined to."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


def paginate(request, queryset, per_page):
    """The page of results that ?page= asks for; a missing, malformed or out-of-range number
    gives the first or last page rather than an error."""
    paginator_class = KeysFirstPaginator if isinstance(queryset, QuerySet) else Paginator
    page = paginator_class(queryset, per_page).get_page(request.GET.get("page"))
    read_parameter(request, "page", str(page.number))
    return page


def paginate_by_keys(request, keys, rows, per_page):
    """As paginate(), for a listing whose keys are known in its order (read once a generation:
    home/visibility.py): the page's own rows are read by their keys from `rows`, which has the
    same order, so that page 500 costs what page 1 does."""
    page = paginate(request, keys, per_page)
    page.object_list = list(rows.filter(pk__in=page.object_list)) if page.object_list else []
    return page
