from django import template

from psgsite.admin_history import autosave_summary as summary

register = template.Library()


@register.simple_tag
def autosave_summary(log_entry):
    return summary(log_entry)
