"""Framework pages: list, the readable tree, YAML/Excel export, import and clone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chiso.orgs.models import Role
from chiso.orgs.permissions import memberships

from . import frameworks
from .models import Framework, FrameworkNode


def _admin_unit(user):
    """The unit whose secretariat the user is (frameworks are defined by admins)."""
    if user.is_superuser:
        return None
    for m in memberships(user):
        if m.role == Role.ADMIN:
            return m.unit
    raise PermissionDenied(_("Chỉ cơ quan thường trực mới được nhập hoặc sao chép bộ chỉ số."))


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    items = Framework.objects.select_related("cloned_from").order_by("code", "-year")
    can_edit = request.user.is_superuser or any(m.role == Role.ADMIN
                                                for m in memberships(request.user))
    return render(request, "assessments/framework_list.html",
                  {"frameworks": items, "can_edit": can_edit})


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=pk)
    rows = frameworks.tree_rows(framework)
    pillars = [(n, sorted(n.children.all(), key=lambda c: (c.order, c.pk)))
               for n in framework.nodes.filter(kind=FrameworkNode.Kind.PILLAR)
               .prefetch_related("children")]
    can_edit = request.user.is_superuser or any(m.role == Role.ADMIN
                                                for m in memberships(request.user))
    return render(request, "assessments/framework_detail.html",
                  {"framework": framework, "rows": rows, "pillars": pillars,
                   "can_edit": can_edit,
                   "components": sum(1 for r in rows if r.node.kind == "component")})


@login_required
def framework_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=pk)
    name = f"{framework.code}-{framework.year}"
    if fmt == "yaml":
        response = HttpResponse(frameworks.dump_yaml(framework),
                                content_type="application/yaml; charset=utf-8")
    else:
        response = HttpResponse(
            frameworks.dump_xlsx(framework),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def framework_import(request: HttpRequest) -> HttpResponse:
    owner = _admin_unit(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp .yaml hoặc .xlsx."))
        return redirect("assessments:framework_list")
    try:
        framework = frameworks.import_file(upload, user=request.user, owner=owner,
                                           replace=request.POST.get("replace") == "1")
    except frameworks.SpecError as exc:
        for message in exc.messages[:30]:
            messages.error(request, message)
        if len(exc.messages) > 30:
            more = len(exc.messages) - 30
            messages.error(request, ngettext("… và %(n)d lỗi khác.", "… và %(n)d lỗi khác.",
                                             more) % {"n": more})
        return redirect("assessments:framework_list")
    messages.success(request, _("Đã nhập bộ chỉ số “%(n)s”.") % {"n": framework})
    return redirect("assessments:framework_detail", pk=framework.pk)


@login_required
@require_POST
def framework_clone(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_unit(request.user)
    framework = get_object_or_404(Framework, pk=pk)
    try:
        new = frameworks.clone(framework, framework.year + 1, user=request.user)
    except frameworks.SpecError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:framework_detail", pk=framework.pk)
    messages.success(request, _("Đã tạo bản %(y)d (dự thảo) từ bộ chỉ số năm %(o)d.")
                     % {"y": new.year, "o": framework.year})
    return redirect("assessments:framework_detail", pk=new.pk)
