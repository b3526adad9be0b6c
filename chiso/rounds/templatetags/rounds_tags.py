"""Small filters for the entry form and the inbox."""

from django import template

register = template.Library()


@register.filter
def shown(row, name: str) -> str:
    """A stored field of an entry row as typed (`1.234,5`)."""
    return row.shown(name)


@register.filter
def choice_label(metric, code: str) -> str:
    return metric.choice_label(str(code))
