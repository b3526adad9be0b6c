from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Membership, OrgUnit, Role


class MembershipForm(forms.Form):
    """Give a person a role in a unit the secretariat manages. An unknown username
    creates the account (with a one-time password shown to the secretariat)."""

    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    username = forms.RegexField(label=_("Tên đăng nhập"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": _("Tên đăng nhập chỉ gồm chữ không dấu, số và . @ + - _")})
    full_name = forms.CharField(label=_("Họ và tên (khi tạo tài khoản mới)"), max_length=150,
                                required=False)
    title = forms.CharField(label=_("Chức danh"), max_length=120, required=False)

    def __init__(self, *args, manageable_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = manageable_units.current().order_by("path")

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if not username or not data.get("unit") or not data.get("role"):
            return data
        user = get_user_model().objects.filter(username=username).first()
        if user is None and not data.get("full_name"):
            self.add_error("full_name", _("Tài khoản “%(u)s” chưa có: hãy nhập họ và tên để tạo mới.")
                           % {"u": username})
        if user and Membership.objects.filter(user=user, unit=data["unit"], role=data["role"]).exists():
            self.add_error("role", _("Người dùng này đã có vai trò này ở đơn vị này."))
        data["user"] = user
        return data
