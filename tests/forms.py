"""Forms posted by tests as a browser would post them."""

from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html


def form_data(html, action=None, form_id=None):
    """A form's fields as the browser would send them, its CSRF token included: the form with
    that id, or the first whose action ends with `action`."""
    forms = WagtailTestUtils.get_soup(html).find_all("form")
    matches = [
        index
        for index, form in enumerate(forms)
        if (form.get("id") == form_id if form_id else form.get("action", "").endswith(action or ""))
    ]
    assert matches, f"No form {form_id or action!r} in the page."
    index = matches[0]
    form = forms[index]
    data = querydict_from_html(html, form_index=index, exclude_csrf=False)
    # A ticked box without a value attribute is sent as "on"; Wagtail's helper gives "", which
    # Django reads as unticked.
    for box in form.find_all("input", type="checkbox", checked=True):
        name = box.get("name")
        if name and "value" not in box.attrs:
            data.setlist(name, [value or "on" for value in data.getlist(name)])
    return data
