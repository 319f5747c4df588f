from django.core.paginator import Paginator


def paginate(request, queryset, per_page):
    """The page of results that ?page= asks for; a missing, malformed or out-of-range number
    gives the first or last page rather than an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
