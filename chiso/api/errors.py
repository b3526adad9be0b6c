"""Vietnamese error responses for the API (ninja's defaults are English and terse)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

# pydantic error type → Vietnamese reason
REASONS = {
    "missing": "bắt buộc, chưa có",
    "decimal_parsing": "không phải là số",
    "decimal_type": "không phải là số",
    "float_parsing": "không phải là số",
    "int_parsing": "không phải là số nguyên",
    "int_type": "không phải là số nguyên",
    "int_from_float": "không phải là số nguyên",
    "string_type": "phải là chuỗi ký tự",
    "bool_parsing": "phải là true hoặc false",
    "list_type": "phải là một danh sách",
    "json_invalid": "nội dung JSON không hợp lệ",
    "model_attributes_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "finite_number": "phải là số hữu hạn",
}
WRAPPERS = {"body", "query", "path", "payload", "filters", "header"}


def field_name(loc) -> str:
    parts = [str(p) for p in loc if str(p) not in WRAPPERS]
    # Union types add the tried type to the location ("value.decimal"): keep the field.
    parts = [p for p in parts if p not in {"decimal", "str", "bool", "function-after[...]"}
             and not p.startswith(("function-", "constrained-"))]
    return ".".join(parts)


def vietnamese(errors: list[dict]) -> list[dict]:
    out, seen = [], set()
    for error in errors:
        name = field_name(error.get("loc", ()))
        if name in seen:
            continue  # a union reports one error per tried type: one message is enough
        seen.add(name)
        reason = REASONS.get(error.get("type", ""), "không hợp lệ")
        index = None
        loc = [p for p in error.get("loc", ()) if str(p) not in WRAPPERS]
        if len(loc) >= 2 and loc[0] == "values" and isinstance(loc[1], int):
            index = loc[1]
        message = (_("Trường “%(f)s”: %(r)s.") % {"f": name, "r": _(reason)} if name
                   else _("Nội dung gửi lên: %(r)s.") % {"r": _(reason)})
        out.append({"index": index, "field": name or None, "message": message})
    return out


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError):
        errors = vietnamese(exc.errors)
        return api.create_response(
            request, {"detail": "; ".join(e["message"] for e in errors), "errors": errors},
            status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError):
        response = api.create_response(
            request, {"detail": _("Thiếu khóa API hoặc khóa không hợp lệ, đã bị thu hồi hay "
                                  "hết hạn. Gửi tiêu đề Authorization: Bearer <khóa>."),
                      "errors": []}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
