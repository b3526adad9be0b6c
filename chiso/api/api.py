"""The JSON API (django-ninja), mounted at /api/v1/: OpenAPI document at
/api/v1/openapi.json, docs at /api/v1/docs (Swagger UI served from ninja's bundled files,
no CDN). The unversioned /api/… of the first clients redirects there (chiso.api.urls).

Every endpoint authenticates a personal token (`Authorization: Bearer <token>`, see
`chiso.api.models`) and asks `chiso.orgs.permissions` what the token's user may see or
change, exactly as the web pages do. Errors carry Vietnamese messages naming the field.
"""


from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from chiso.metrics import periods as P
from chiso.metrics import services
from chiso.metrics.intake import import_rows, import_table
from chiso.metrics.models import DataValue, Metric, Period, Source
from chiso.metrics.tabular import Row
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .auth import BearerToken
from .errors import install as install_error_handlers
from .schemas import (
    BulkIn,
    BulkOut,
    ErrorItem,
    ErrorOut,
    MetricOut,
    RollupOut,
    UnitOut,
    ValueIn,
    ValueOut,
)

api = NinjaAPI(
    title="chiso API",
    version="1",
    description="Đọc và ghi số liệu chuyển đổi số. Xác thực: `Authorization: Bearer <khóa>` "
                "(tạo khóa tại trang Tài khoản → Khóa API).",
    auth=BearerToken(),
    urls_namespace="api",
    # validatorUrl None: Swagger UI would otherwise call swagger.io to validate the schema.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)
MAX_BULK = 100_000


# --- lookups -----------------------------------------------------------------------------
def _unit(code: str, action: str, request: HttpRequest) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise HttpError(404, _("Không có đơn vị mã “%(c)s”.") % {"c": code})
    if not permissions.can(request.user, action, unit):
        raise HttpError(403, _("Bạn không có quyền với đơn vị “%(c)s”.") % {"c": code})
    return unit


def _metric(code: str) -> Metric:
    metric = Metric.objects.filter(code=code).first()
    if metric is None:
        raise HttpError(404, _("Không có chỉ tiêu mã “%(c)s”.") % {"c": code})
    return metric


def _period(code: str) -> Period:
    try:
        return Period.objects.for_code(code)
    except P.PeriodError as exc:
        raise _unprocessable("period", str(exc)) from None


class Unprocessable(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors


def _unprocessable(field: str, message: str) -> Unprocessable:
    return Unprocessable([{"index": None, "field": field, "message": message}])


def _num(d: Decimal | None) -> Decimal | None:
    """`80.000000` → `80`: the stored scale says nothing about the figure."""
    return None if d is None else Decimal(format(d.normalize(), "f"))


def _value_out(dv: DataValue) -> dict:
    return {"unit": dv.unit.code, "metric": dv.metric.code, "period": dv.period.code,
            "value": _num(dv.value), "numerator": _num(dv.numerator),
            "denominator": _num(dv.denominator),
            "text": dv.text, "comment": dv.comment, "state": dv.state, "source": dv.source,
            "version": dv.version, "updated_at": dv.updated_at.isoformat(),
            "updated_by": dv.updated_by.username if dv.updated_by else None}


def _unit_out(u: OrgUnit) -> dict:
    return {"code": u.code, "name": u.name, "kind": u.kind, "level": u.level,
            "parent": u.parent.code if u.parent_id else None,
            "valid_from": u.valid_from.isoformat() if u.valid_from else None,
            "valid_to": u.valid_to.isoformat() if u.valid_to else None}


# --- reading -----------------------------------------------------------------------------
class UnitFilter(Schema):
    under: str | None = None  # a unit code: only that unit and its subtree


@api.get("/units", response=list[UnitOut], tags=["units"],
         summary="Các đơn vị người dùng được xem")
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, filters: Query[UnitFilter]):
    units = permissions.units_for(request.user, "view").select_related("parent").order_by("path")
    if filters.under:
        root = _unit(filters.under, "view", request)
        units = units.filter(path__startswith=root.path)
    return _LazyMap(units, _unit_out)


class _LazyMap:
    """A sliceable, countable view of a queryset mapped row by row (for pagination)."""

    def __init__(self, qs, fn):
        self.qs, self.fn = qs, fn

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        return [self.fn(x) for x in self.qs[item]]


@api.get("/metrics", response=list[MetricOut], tags=["metrics"], summary="Danh mục chỉ tiêu")
@paginate(LimitOffsetPagination)
def list_metrics(request: HttpRequest):
    return Metric.objects.order_by("code")


class ValueFilter(Schema):
    unit: str | None = None
    metric: str | None = None
    period: str | None = None


@api.get("/values", response=list[ValueOut], tags=["values"],
         summary="Số liệu của các đơn vị người dùng được xem")
@paginate(LimitOffsetPagination)
def list_values(request: HttpRequest, filters: Query[ValueFilter]):
    qs = DataValue.objects.select_related("unit", "metric", "period", "updated_by")
    if filters.unit:
        qs = qs.filter(unit=_unit(filters.unit, "view", request))
    else:
        qs = qs.filter(unit__in=permissions.units_for(request.user, "view"))
    if filters.metric:
        qs = qs.filter(metric=_metric(filters.metric))
    if filters.period:
        try:
            code = P.parse(filters.period).code
        except P.PeriodError as exc:
            raise _unprocessable("period", str(exc)) from None
        qs = qs.filter(period__code=code)
    return _LazyMap(qs.order_by("unit__path", "metric__code", "period__start"), _value_out)


@api.get("/rollup", response=RollupOut, tags=["values"],
         summary="Giá trị tổng hợp của một đơn vị từ các đơn vị cấp dưới")
def get_rollup(request: HttpRequest, unit: str, metric: str, period: str):
    from chiso.metrics.rollup import rollup

    target = _unit(unit, "view", request)
    m = _metric(metric)
    p = _period(period)
    r = rollup(m, target, p)
    return {"unit": target.code, "metric": m.code, "period": p.code, "value": r.value,
            "numerator": r.numerator, "denominator": r.denominator,
            "units_with_data": r.units_with_data, "units_expected": r.units_expected,
            "units_partial": r.units_partial, "complete": r.complete,
            "periods": list(r.periods)}


# --- writing -----------------------------------------------------------------------------
@api.post("/values", response={200: ValueOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                               422: ErrorOut}, tags=["values"], summary="Ghi một số liệu")
def post_value(request: HttpRequest, payload: ValueIn):
    unit = OrgUnit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise _unprocessable("unit", _("Không có đơn vị mã “%(c)s”.") % {"c": payload.unit})
    if not permissions.can(request.user, "edit_data", unit):
        raise HttpError(403, _("Bạn không có quyền nhập số liệu cho đơn vị “%(c)s”.")
                        % {"c": unit.code})
    metric = Metric.objects.filter(code=payload.metric).first()
    if metric is None:
        raise _unprocessable("metric", _("Không có chỉ tiêu mã “%(c)s”.") % {"c": payload.metric})
    period = _period(payload.period)
    data: dict = {"numerator": payload.numerator, "denominator": payload.denominator}
    data["text" if metric.uses_text else "value"] = payload.value
    if payload.comment is not None:
        data["comment"] = payload.comment
    try:
        dv = services.save_value(metric, unit, period, data, user=request.user, source=Source.API,
                                 expected_version=payload.expected_version)
    except services.ValidationFailed as exc:
        raise Unprocessable([{"index": None, "field": _api_field(i.field), "message": i.message}
                             for i in exc.issues]) from None
    except services.ConflictError as exc:
        return Status(409, {"detail": str(exc), "errors": []})
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return Status(200, _value_out(dv))


def _api_field(field: str | None) -> str | None:
    return {"text": "value", "version": "expected_version"}.get(field or "", field)


def _bulk_schema() -> dict:
    schema = BulkIn.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)  # ValueIn is in the document already (POST /values)
    return schema


def _read_json(request: HttpRequest, schema: type[Schema]):
    """The body parsed into `schema`, read from the stream: a bulk body of 100,000 values
    is about 10 MB, which `request.body` (as ninja reads a body parameter) refuses above
    Django's 2,5 MB DATA_UPLOAD_MAX_MEMORY_SIZE, meant for forms. The limit is a file
    upload's (50 MB)."""
    from pydantic import ValidationError

    from chiso.metrics.tabular import MAX_BYTES

    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES:
        raise HttpError(413, _("Nội dung gửi lên quá lớn; giới hạn là %(n)s MB, hãy chia nhỏ.")
                        % {"n": MAX_BYTES // 1024 // 1024})
    body = request.read(MAX_BYTES + 1)  # a chunked body has no Content-Length
    if len(body) > MAX_BYTES:
        raise HttpError(413, _("Nội dung gửi lên quá lớn; giới hạn là %(n)s MB, hãy chia nhỏ.")
                        % {"n": MAX_BYTES // 1024 // 1024})
    try:
        return schema.model_validate_json(body or b"{}")
    except ValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from None


@api.post("/values/bulk", response={200: BulkOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut,
                                    413: ErrorOut},
          tags=["values"], summary="Ghi nhiều số liệu: tất cả hoặc không gì cả",
          openapi_extra={"requestBody": {"required": True, "content": {
              "application/json": {"schema": _bulk_schema()}}}})
def post_values_bulk(request: HttpRequest):
    payload = _read_json(request, BulkIn)
    if len(payload.values) > MAX_BULK:
        raise _unprocessable("values", _("Tối đa %(n)s số liệu mỗi lần gửi.") % {"n": MAX_BULK})
    rows = []
    for index, item in enumerate(payload.values):
        cells = {"unit": item.unit, "metric": item.metric, "period": item.period,
                 "value": item.value, "numerator": item.numerator,
                 "denominator": item.denominator, "version": item.expected_version}
        if item.comment is not None:
            cells["comment"] = item.comment
        rows.append(Row(index, cells))
    result = import_rows(rows, user=request.user, source=Source.API, dry_run=payload.dry_run,
                         has_comment=True, has_version=True, blank_version=None)
    if result.ok:
        return Status(200, {"created": result.created, "updated": result.updated,
                            "unchanged": result.unchanged, "dry_run": payload.dry_run})
    errors = [ErrorItem(index=e.row, field=_api_field(e.column), message=e.message)
              for e in result.errors]
    codes = {e.code for e in result.errors}
    status = 403 if "permission" in codes else 409 if "conflict" in codes else 422
    detail = _("Không số liệu nào được ghi: %(n)s lỗi.") % {"n": len(errors)}
    return Status(status, {"detail": detail, "errors": errors})


# --- DHIS2 dataValueSets (mapping: chiso.metrics.dhis2, docs/data-exchange.md) ----------
class Dhis2Value(Schema):
    dataElement: str
    period: str
    orgUnit: str
    categoryOptionCombo: str | None = None
    value: str
    storedBy: str | None = None
    created: str | None = None
    lastUpdated: str | None = None
    comment: str | None = None
    followup: bool | None = None


class Dhis2ValueSet(Schema):
    dataValues: list[Dhis2Value]


class Dhis2Count(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class Dhis2Conflict(Schema):
    object: str
    value: str


class Dhis2Summary(Schema):
    responseType: str = "ImportSummary"
    status: str
    description: str
    dryRun: bool
    importCount: Dhis2Count
    conflicts: list[Dhis2Conflict]


class Dhis2Filter(Schema):
    orgUnit: str | None = None
    children: bool = False  # with orgUnit: its whole subtree, as DHIS2's `children=true`
    period: str | None = None
    dataElement: str | None = None


@api.get("/dataValueSets", response=Dhis2ValueSet, tags=["dhis2"],
         summary="Số liệu theo định dạng dataValueSets của DHIS2 (mã làm định danh)")
def get_data_value_sets(request: HttpRequest, filters: Query[Dhis2Filter]):
    from django.http import StreamingHttpResponse

    from chiso.metrics import dhis2, export

    units = permissions.units_for(request.user, "view")
    if filters.orgUnit:
        root = _unit(filters.orgUnit, "view", request)
        units = (units.filter(path__startswith=root.path) if filters.children
                 else units.filter(pk=root.pk))
    qs = export.values_for(units, metric=_metric(filters.dataElement) if filters.dataElement
                           else None)
    if filters.period:
        try:
            qs = qs.filter(period__code=dhis2.period_from_dhis2(filters.period))
        except P.PeriodError as exc:
            raise _unprocessable("period", _upper(str(exc))) from None
    return StreamingHttpResponse(export.dhis2_json_chunks(qs), content_type="application/json")


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


@api.post("/dataValueSets", response={200: Dhis2Summary, 403: Dhis2Summary, 409: Dhis2Summary,
                                      413: Dhis2Summary},
          tags=["dhis2"], summary="Ghi số liệu dạng dataValueSets của DHIS2: tất cả hoặc không",
          openapi_extra={"requestBody": {"required": True, "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Dhis2ValueSet"}},
              "application/csv": {"schema": {"type": "string"}}}}})
def post_data_value_sets(request: HttpRequest, dryRun: bool = False):  # noqa: N803 (DHIS2's)
    """The body is a dataValueSets JSON document (or DHIS2's CSV with Content-Type
    application/csv). The answer has the shape of DHIS2's import summary: imported =
    created, updated, ignored = unchanged (or, on failure, every value: nothing is written),
    and one conflict per problem, `object` naming the data value and field."""
    from chiso.metrics import dhis2, tabular
    from chiso.metrics.tabular import FileRejected

    # The same limit as a file upload (50 MB), not Django's 2,5 MB for form bodies: read
    # from the stream, which `request.body` would refuse above DATA_UPLOAD_MAX_MEMORY_SIZE.
    if int(request.META.get("CONTENT_LENGTH") or 0) > tabular.MAX_BYTES:
        return Status(413, _summary(False, dryRun, _(
            "Nội dung gửi lên quá lớn; giới hạn là %(n)s MB, hãy chia nhỏ.")
            % {"n": tabular.MAX_BYTES // 1024 // 1024}))
    body = request.read(tabular.MAX_BYTES + 1)  # a chunked body has no Content-Length
    if len(body) > tabular.MAX_BYTES:
        return Status(413, _summary(False, dryRun, _(
            "Nội dung gửi lên quá lớn; giới hạn là %(n)s MB, hãy chia nhỏ.")
            % {"n": tabular.MAX_BYTES // 1024 // 1024}))
    try:
        table = (dhis2.read_csv(body) if "csv" in request.content_type
                 else dhis2.read_json(body))
    except FileRejected as exc:
        return Status(409, _summary(False, dryRun, exc.message,
                                    [{"object": "", "value": exc.message}]))
    result = import_table(table, user=request.user, dry_run=dryRun)
    if result.ok:
        return Status(200, _summary(True, dryRun, _("Đã nhận %(n)s số liệu.") % {"n": result.rows},
                                    counts=(result.created, result.updated, result.unchanged)))
    conflicts = [{"object": table.path(e), "value": str(e)} for e in result.errors]
    status = 403 if any(e.code == "permission" for e in result.errors) else 409
    return Status(status, _summary(False, dryRun, _("Không số liệu nào được ghi: %(n)s lỗi.")
                                   % {"n": len(conflicts)}, conflicts,
                                   counts=(0, 0, result.rows)))


def _summary(ok: bool, dry_run: bool, description: str, conflicts: list | None = None,
             counts: tuple[int, int, int] = (0, 0, 0)) -> dict:
    imported, updated, ignored = counts
    return {"responseType": "ImportSummary", "status": "SUCCESS" if ok else "ERROR",
            "description": description, "dryRun": dry_run,
            "importCount": {"imported": imported, "updated": updated, "ignored": ignored,
                            "deleted": 0},
            "conflicts": conflicts or []}


@api.exception_handler(Unprocessable)
def _unprocessable_handler(request: HttpRequest, exc: Unprocessable):
    detail = "; ".join(e["message"] for e in exc.errors)
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)


__all__ = ["api", "AuthenticationError", "NinjaValidationError"]
