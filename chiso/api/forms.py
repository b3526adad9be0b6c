from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

LIFETIMES = [
    ("30", _("30 ngày")),
    ("90", _("90 ngày")),
    ("365", _("1 năm")),
    ("", _("Không hết hạn")),
]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100,
                           help_text=_("Để nhận ra khóa, ví dụ “Hệ thống một cửa của tỉnh”."))
    lifetime = forms.ChoiceField(label=_("Thời hạn"), choices=LIFETIMES, initial="90",
                                 required=False)
