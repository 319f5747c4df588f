from django import template

from psgsite import admin_translation
from psgsite.admin_history import autosave_summary as summary

register = template.Library()


@register.simple_tag
def autosave_summary(log_entry):
    return summary(log_entry)


@register.simple_tag(takes_context=True)
def translation_editor_form(context, page):
    return admin_translation.editor_form(page, context["request"].user)
