"""The query parameters a page was rendered from, for the page cache (psgsite/page_cache.py).

A view that reads a parameter says so with `read_parameter`, giving the value in the one form
its own links use (`page=2`, where `page=02`, or `page=999` shown as the last page, render the
same page). The page cache keeps a page only under a query string of such values: another
parameter, or another spelling of a value, would let anyone make new entries at will.
"""


def read_parameter(request, name, canonical):
    """Records that the response depends on `name`, whose canonical value is `canonical` (None
    where the value given is not one the page links to)."""
    if not hasattr(request, "parameters_read"):
        request.parameters_read = {}
    request.parameters_read[name] = canonical
