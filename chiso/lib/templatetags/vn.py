"""Template filters for Vietnamese number, percentage, score and date formats.

    {% load vn %}
    {{ value|so:1 }}        1.234,5
    {{ rate|phantram }}     93,4 %   ({{ ratio|phantram_ti_le }} for 0.934)
    {{ dti|diem }}          0,7024
    {{ day|ngay }}          08/02/2023
"""

from django import template

from chiso.lib import formatting

register = template.Library()


@register.filter
def so(value, decimals=0):
    return formatting.format_number(value, int(decimals))


@register.filter
def phantram(value, decimals=1):
    return formatting.format_percent(value, int(decimals))


@register.filter
def phantram_ti_le(value, decimals=1):
    return formatting.format_percent(value, int(decimals), ratio=True)


@register.filter
def diem(value):
    return formatting.format_score(value)


@register.filter
def ngay(value):
    return formatting.format_date(value)


@register.filter
def ngay_gio(value):
    return formatting.format_datetime(value)
