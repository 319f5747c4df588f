from django.core.paginator import Paginator

from .parameters import read_parameter


def paginate(request, queryset, per_page):
    """The page of results that ?page= asks for; a missing, malformed or out-of-range number
    gives the first or last page rather than an error."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    read_parameter(request, "page", str(page.number))
    return page
