"""Frameworks in and out of the database: YAML and Excel import/export, validation, clone.

Both formats carry the same *spec*: a dict with the framework's fields and a list of
nodes (one per row in Excel), e.g.

    code: QN_DTI
    name: Bộ chỉ số đánh giá chuyển đổi số của Quảng Ninh
    year: 2026
    scope: local_index
    nodes:
      - {code: DTI, name: Chỉ số tổng hợp, kind: total, max: 1000}
      - {code: NT, name: Nhận thức số, kind: main, max: 100, parents: [DTI, CQS, KTS, XHS]}
      - code: "1.1"
        name: Tỷ lệ cuộc họp do Chủ tịch chủ trì
        kind: component
        max: 10
        parents: [NT]
        rule: {kind: ratio, max: 10}
        declared: [{name: a, label: …, type: number}, {name: b, label: …, type: number}]

`validate` checks everything before anything is written (the rules through the engine's
`parse_rule`, the graph through the engine's `Framework`) and names the row (Excel) or
the node (YAML) and the column in Vietnamese; `save` writes in one transaction.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.index.errors import FrameworkError
from chiso.index.framework import AGGREGATE, INDICATOR, Node
from chiso.index.framework import Framework as EngineFramework
from chiso.index.rules import RuleError, parse_rule
from chiso.metrics.export import neutralise
from chiso.metrics.models import Metric
from chiso.metrics.tabular import unquote
from chiso.orgs.models import OrgUnit

from .models import Framework, FrameworkNode, Scope

K = FrameworkNode.Kind
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DECLARED_TYPES = ("number", "choice", "yes_no")

# Excel columns of the node sheet: spec key → Vietnamese header.
NODE_COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã"), ("name", "Tên"), ("kind", "Loại"), ("max", "Điểm tối đa"),
    ("parents", "Thuộc"), ("rule", "Cách tính điểm"), ("declared", "Số liệu kê khai"),
    ("description", "Cách xác định"), ("evidence", "Tài liệu kiểm chứng"),
    ("data_source", "Nguồn dữ liệu"), ("verifying_unit", "Đơn vị thẩm định"),
    ("applies_to", "Áp dụng cho loại đơn vị"), ("metric", "Mã chỉ tiêu"), ("order", "Thứ tự"),
]
# Excel's first sheet: framework field → Vietnamese label.
FRAMEWORK_FIELDS: list[tuple[str, str]] = [
    ("code", "Mã bộ chỉ số"), ("name", "Tên bộ chỉ số"), ("year", "Năm áp dụng"),
    ("scope", "Phạm vi"), ("version", "Phiên bản"), ("legal_basis", "Căn cứ pháp lý"),
    ("state", "Trạng thái"), ("decimals", "Số chữ số thập phân"), ("bands", "Phân loại mức"),
    ("description", "Mô tả"), ("illustrative", "Dữ liệu minh họa"),
]
KIND_WORDS = {"total": K.TOTAL, "tong hop": K.TOTAL, "chi so tong hop": K.TOTAL,
              "pillar": K.PILLAR, "tru cot": K.PILLAR,
              "main": K.MAIN, "chi so chinh": K.MAIN,
              "component": K.COMPONENT, "chi so thanh phan": K.COMPONENT, "thanh phan": K.COMPONENT}


class SpecError(ValueError):
    """Everything wrong with a framework file, each message naming where."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class Located:
    """Where a node came from, for messages: an Excel row or a YAML position."""

    row: int | None
    index: int
    code: str = ""

    def where(self, column: str | None = None) -> str:
        if self.row is not None:
            place = _("Dòng %(r)d") % {"r": self.row}
        elif self.code:
            place = _("Chỉ số “%(c)s”") % {"c": self.code}
        else:
            place = _("Nút thứ %(i)d") % {"i": self.index + 1}
        if column:
            place += _(", cột “%(c)s”") % {"c": column}
        return place


def _header(key: str) -> str:
    return dict(NODE_COLUMNS).get(key, key)


def _ascii(text: str) -> str:
    import unicodedata
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower().strip()


# --- validation ---------------------------------------------------------------------------
def _as_list(value: Any) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _structured(value: Any, loc: Located, key: str, errors: list[str]) -> Any:
    """A rule or a declared list: already structured (YAML) or JSON/YAML text (Excel)."""
    if value in (None, ""):
        return {} if key == "rule" else []
    if isinstance(value, str):
        try:
            return yaml.safe_load(value)
        except yaml.YAMLError:
            errors.append(_("%(w)s: không đọc được nội dung (cần JSON hoặc YAML).")
                          % {"w": loc.where(_header(key))})
            return {} if key == "rule" else []
    return value


def validate(spec: Mapping[str, Any]) -> tuple[dict, list[dict]]:
    """Check a spec; returns (framework fields, node dicts) ready for `save`, or raises
    SpecError listing every problem (nothing is written)."""
    errors: list[str] = []
    fields = {k: spec.get(k) for k, _label in FRAMEWORK_FIELDS}
    for key in ("code", "name", "year", "scope"):
        if fields.get(key) in (None, ""):
            errors.append(_("Thiếu trường “%(f)s” của bộ chỉ số.") % {"f": dict(FRAMEWORK_FIELDS)[key]})
    try:
        fields["year"] = int(fields["year"]) if fields.get("year") not in (None, "") else None
        if fields["year"] is not None and not 2000 <= fields["year"] <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(_("Năm áp dụng “%(y)s” không hợp lệ.") % {"y": spec.get("year")})
    if fields.get("scope") and fields["scope"] not in Scope.values:
        errors.append(_("Phạm vi “%(s)s” không hợp lệ (có: %(all)s).")
                      % {"s": fields["scope"], "all": ", ".join(Scope.values)})
    fields["state"] = fields.get("state") or Framework.State.DRAFT
    if fields["state"] not in Framework.State.values:
        errors.append(_("Trạng thái “%(s)s” không hợp lệ (có: draft, in_force).")
                      % {"s": fields["state"]})
    fields["decimals"] = int(fields.get("decimals") or 4)
    fields["bands"] = _structured(fields.get("bands"), Located(None, -1), "rule", errors) or {}
    if fields["bands"]:
        from chiso.index.ranking import BandScheme
        try:
            BandScheme.from_dict(fields["bands"])
        except ValueError as exc:
            errors.append(_("Phân loại mức không hợp lệ: %(e)s") % {"e": str(exc).split(" / ")[0]})
    fields["illustrative"] = bool(fields.get("illustrative"))
    for key in ("version", "legal_basis", "description"):
        fields[key] = str(fields.get(key) or "")

    raw_nodes = spec.get("nodes") or []
    if not isinstance(raw_nodes, list) or not raw_nodes:
        errors.append(_("Bộ chỉ số không có chỉ số nào."))
        raise SpecError(errors)
    nodes: list[dict] = []
    seen: dict[str, Located] = {}
    kinds = set(OrgUnit.Kind.values)
    for i, raw in enumerate(raw_nodes):
        loc = Located(raw.get("_row") if isinstance(raw, Mapping) else None, i)
        if not isinstance(raw, Mapping):
            errors.append(_("%(w)s: phải là một bảng các trường.") % {"w": loc.where()})
            continue
        code = str(raw.get("code") or "").strip()
        loc.code = code
        node = {"loc": loc, "code": code, "name": str(raw.get("name") or "").strip(),
                "description": str(raw.get("description") or ""),
                "evidence_required": str(raw.get("evidence") or ""),
                "data_source": str(raw.get("data_source") or ""),
                "verifying_unit": str(raw.get("verifying_unit") or ""),
                "parents": [str(p).strip() for p in _as_list(raw.get("parents"))],
                "applies_to": [str(k).strip() for k in _as_list(raw.get("applies_to"))],
                "metric": str(raw.get("metric") or "").strip(),
                "order": raw.get("order")}
        if not code:
            errors.append(_("%(w)s: thiếu mã.") % {"w": loc.where(_header("code"))})
        elif code in seen:
            errors.append(_("%(w)s: mã “%(c)s” đã dùng ở %(o)s.")
                          % {"w": loc.where(_header("code")), "c": code,
                             "o": seen[code].where().lower()})
        else:
            seen[code] = loc
        if not node["name"]:
            errors.append(_("%(w)s: thiếu tên.") % {"w": loc.where(_header("name"))})
        kind = KIND_WORDS.get(_ascii(raw.get("kind") or ""))
        if kind is None:
            errors.append(_("%(w)s: loại “%(k)s” không hợp lệ (tổng hợp, trụ cột, chỉ số chính, "
                            "thành phần).") % {"w": loc.where(_header("kind")),
                                               "k": raw.get("kind") or ""})
        node["kind"] = kind
        try:
            node["max_points"] = float(str(raw.get("max", 0) or 0).replace(",", "."))
            if node["max_points"] < 0:
                raise ValueError
        except ValueError:
            errors.append(_("%(w)s: điểm tối đa “%(m)s” phải là số không âm.")
                          % {"w": loc.where(_header("max")), "m": raw.get("max")})
            node["max_points"] = 0.0
        bad_kinds = [k for k in node["applies_to"] if k not in kinds]
        if bad_kinds:
            errors.append(_("%(w)s: loại đơn vị không tồn tại: %(k)s.")
                          % {"w": loc.where(_header("applies_to")), "k": ", ".join(bad_kinds)})
        node["rule"] = _structured(raw.get("rule"), loc, "rule", errors)
        node["declared"] = _structured(raw.get("declared"), loc, "declared", errors)
        if kind == K.COMPONENT:
            _check_component(node, errors)
        elif node["rule"]:
            errors.append(_("%(w)s: chỉ chỉ số thành phần mới có cách tính điểm.")
                          % {"w": loc.where(_header("rule"))})
        nodes.append(node)
    _check_graph(nodes, seen, errors)
    _check_metrics(nodes, errors)
    if errors:
        raise SpecError(errors)
    return fields, nodes


def _check_component(node: dict, errors: list[str]) -> None:
    loc = node["loc"]
    if not node["parents"]:
        errors.append(_("%(w)s: thành phần phải thuộc một chỉ số chính.")
                      % {"w": loc.where(_header("parents"))})
    rule = node["rule"]
    if not rule:
        errors.append(_("%(w)s: thiếu cách tính điểm.") % {"w": loc.where(_header("rule"))})
        return
    try:
        parsed = parse_rule(rule)
    except RuleError as exc:
        errors.append(_("%(w)s: trường “%(f)s” %(m)s.")
                      % {"w": loc.where(_header("rule")), "f": exc.field, "m": exc.vi})
        return
    if abs(parsed.max - node["max_points"]) > 1e-9:
        errors.append(_("%(w)s: điểm tối đa của cách tính (%(r)g) khác điểm tối đa của thành "
                        "phần (%(m)g).") % {"w": loc.where(_header("rule")), "r": parsed.max,
                                            "m": node["max_points"]})
    declared = node["declared"]
    if not isinstance(declared, list) or not all(isinstance(d, Mapping) and d.get("name")
                                                  for d in declared):
        errors.append(_("%(w)s: phải là danh sách, mỗi mục có “name” (và “label”, “type”).")
                      % {"w": loc.where(_header("declared"))})
        return
    for d in declared:
        if d.get("type", "number") not in DECLARED_TYPES:
            errors.append(_("%(w)s: kiểu “%(t)s” của “%(n)s” không hợp lệ (number, choice, "
                            "yes_no).") % {"w": loc.where(_header("declared")),
                                           "t": d.get("type"), "n": d["name"]})
    names = {d["name"] for d in declared}
    missing = [n for n in parsed.input_names() if n not in names]
    if missing and parsed.kind != "direct":
        errors.append(_("%(w)s: cách tính điểm đọc “%(n)s” nhưng số liệu kê khai không có.")
                      % {"w": loc.where(_header("declared")), "n": ", ".join(missing)})


def _check_graph(nodes: list[dict], seen: dict[str, Located], errors: list[str]) -> None:
    by_code = {n["code"]: n for n in nodes if n["code"]}
    totals = [n for n in nodes if n["kind"] == K.TOTAL]
    if len(totals) != 1:
        errors.append(_("Bộ chỉ số cần đúng một chỉ số tổng hợp (loại “tổng hợp”), có %(n)d.")
                      % {"n": len(totals)})
    children: dict[str, list[dict]] = {c: [] for c in by_code}
    for n in nodes:
        for p in n["parents"]:
            if p not in by_code:
                errors.append(_("%(w)s: chỉ số cấp trên “%(p)s” không có trong bộ chỉ số.")
                              % {"w": n["loc"].where(_header("parents")), "p": p})
            elif by_code[p]["kind"] == K.COMPONENT:
                errors.append(_("%(w)s: “%(p)s” là thành phần, không thể là cấp trên.")
                              % {"w": n["loc"].where(_header("parents")), "p": p})
            else:
                children[p].append(n)
    if errors:
        return
    for n in nodes:
        if n["kind"] in (K.COMPONENT,):
            continue
        kids = children[n["code"]]
        if not kids:
            errors.append(_("%(w)s: “%(c)s” không có chỉ số con.")
                          % {"w": n["loc"].where(), "c": n["code"]})
            continue
        total = sum(k["max_points"] for k in kids)
        if abs(total - n["max_points"]) > 1e-6:
            errors.append(_("%(w)s: điểm tối đa %(m)g khác tổng điểm tối đa của các chỉ số con "
                            "(%(t)g).") % {"w": n["loc"].where(_header("max")),
                                          "m": n["max_points"], "t": total})
    # The graph itself (cycles) through the engine, on the scored nodes.
    try:
        EngineFramework([
            Node(n["code"], INDICATOR if n["kind"] == K.COMPONENT else AGGREGATE, n["name"],
                 parents=tuple((p, n["max_points"]) for p in n["parents"]))
            for n in nodes if n["max_points"] > 0
            and all(by_code[p]["max_points"] > 0 for p in n["parents"])])
    except FrameworkError as exc:
        text = str(exc)
        if text.startswith("Cycle in the framework: "):
            # "A -> NT -> A (each feeds the next)": the engine's words, said in Vietnamese.
            chain = text.removeprefix("Cycle in the framework: ").split(" (")[0]
            text = _("có vòng lặp %(c)s (mỗi chỉ số là con của chỉ số đứng sau)") % {
                "c": chain.replace(" -> ", " → ")}
        errors.append(_("Cấu trúc bộ chỉ số không hợp lệ: %(e)s.") % {"e": text})


def _check_metrics(nodes: list[dict], errors: list[str]) -> None:
    codes = {n["metric"] for n in nodes if n["metric"]}
    known = dict(Metric.objects.filter(code__in=codes).values_list("code", "pk"))
    for n in nodes:
        if n["metric"] and n["metric"] not in known:
            errors.append(_("%(w)s: chỉ tiêu “%(m)s” không tồn tại.")
                          % {"w": n["loc"].where(_header("metric")), "m": n["metric"]})
        n["metric_id"] = known.get(n["metric"])


# --- writing ------------------------------------------------------------------------------
def save(spec: Mapping[str, Any], user=None, owner: OrgUnit | None = None,
         replace: bool = False) -> Framework:
    """Validate and write a framework (all or nothing). An existing framework with the same
    code and year is refused unless `replace` (then its nodes are replaced, which is only
    allowed while no assessment uses it)."""
    fields, nodes = validate(spec)
    with transaction.atomic():
        existing = Framework.objects.filter(code=fields["code"], year=fields["year"]).first()
        if existing and not replace:
            raise SpecError([_("Bộ chỉ số “%(c)s” năm %(y)d đã có.")
                             % {"c": fields["code"], "y": fields["year"]}])
        if existing and existing.assessments.exists():
            raise SpecError([_("Bộ chỉ số “%(c)s” năm %(y)d đang được dùng trong kỳ đánh giá, "
                               "không thể thay thế.") % {"c": fields["code"], "y": fields["year"]}])
        values = {"name": fields["name"], "scope": fields["scope"], "version": fields["version"],
                  "legal_basis": fields["legal_basis"], "state": fields["state"],
                  "decimals": fields["decimals"], "bands": fields["bands"],
                  "description": fields["description"],
                  "is_illustrative": fields["illustrative"]}
        if existing:
            existing.nodes.all().delete()
            Framework.objects.filter(pk=existing.pk).update(**values)
            framework = Framework.objects.get(pk=existing.pk)
        else:
            framework = Framework.objects.create(code=fields["code"], year=fields["year"],
                                                 owner=owner, created_by=user, **values)
        _write_nodes(framework, nodes)
    return framework


def _write_nodes(framework: Framework, nodes: list[dict]) -> None:
    created = FrameworkNode.objects.bulk_create([
        FrameworkNode(framework=framework, code=n["code"], name=n["name"], kind=n["kind"],
                      max_points=n["max_points"],
                      order=int(n["order"]) if n["order"] not in (None, "") else i,
                      rule=n["rule"] or {}, declared=n["declared"] or [],
                      description=n["description"], evidence_required=n["evidence_required"],
                      data_source=n["data_source"], verifying_unit=n["verifying_unit"],
                      applies_to=n["applies_to"], metric_id=n.get("metric_id"))
        for i, n in enumerate(nodes)])
    pk = {n.code: n.pk for n in created}
    Through = FrameworkNode.parents.through
    Through.objects.bulk_create([
        Through(from_frameworknode_id=pk[n["code"]], to_frameworknode_id=pk[p])
        for n in nodes for p in n["parents"]])


def to_spec(framework: Framework) -> dict:
    """The framework as a spec (what `save` reads back)."""
    nodes = []
    for n in framework.nodes.prefetch_related("parents").select_related("metric").order_by(
            "order", "pk"):
        item: dict[str, Any] = {"code": n.code, "name": n.name, "kind": str(n.kind),
                                "max": n.max_points, "order": n.order}
        parents = [p.code for p in sorted(n.parents.all(), key=lambda p: (p.order, p.pk))]
        if parents:
            item["parents"] = parents
        for key, value in (("rule", n.rule), ("declared", n.declared),
                           ("description", n.description), ("evidence", n.evidence_required),
                           ("data_source", n.data_source), ("verifying_unit", n.verifying_unit),
                           ("applies_to", n.applies_to),
                           ("metric", n.metric.code if n.metric else "")):
            if value:
                item[key] = value
        nodes.append(item)
    spec = {"code": framework.code, "name": framework.name, "year": framework.year,
            "scope": str(framework.scope), "version": framework.version,
            "legal_basis": framework.legal_basis, "state": str(framework.state),
            "decimals": framework.decimals, "bands": framework.bands or {},
            "description": framework.description, "illustrative": framework.is_illustrative,
            "nodes": nodes}
    return spec


def clone(framework: Framework, year: int, user=None) -> Framework:
    """Next year's version: the same nodes, a new draft linked to the one it came from."""
    spec = to_spec(framework)
    spec["year"] = year
    spec["state"] = Framework.State.DRAFT
    with transaction.atomic():
        new = save(spec, user=user, owner=framework.owner)
        new.cloned_from = framework
        new.save(update_fields=["cloned_from"])
    return new


# --- YAML ---------------------------------------------------------------------------------
def dump_yaml(framework: Framework) -> str:
    return yaml.safe_dump(to_spec(framework), allow_unicode=True, sort_keys=False, width=100)


def load_yaml(text: str | bytes) -> dict:
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise SpecError([_("Tệp quá lớn.")])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SpecError([_("Tệp YAML phải được lưu bằng mã UTF-8.")]) from None
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" (dòng %(r)d)") % {"r": mark.line + 1} if mark else ""
        raise SpecError([_("Tệp YAML không đọc được%(w)s.") % {"w": where}]) from None
    if not isinstance(spec, dict):
        raise SpecError([_("Tệp YAML phải chứa một bộ chỉ số (các trường code, name, year, "
                           "scope, nodes).")])
    return spec


# --- Excel --------------------------------------------------------------------------------
def _cell_text(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return neutralise(value)


def dump_xlsx(framework: Framework) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = to_spec(framework)
    wb = Workbook()
    info = wb.active
    info.title = _("Bộ chỉ số")
    for key, label in FRAMEWORK_FIELDS:
        info.append([label, _cell_text(spec.get(key, ""))])
    info.column_dimensions["A"].width = 26
    info.column_dimensions["B"].width = 80
    sheet = wb.create_sheet(_("Chỉ số"))
    sheet.append([label for _k, label in NODE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n in spec["nodes"]:
        row = []
        for key, _label in NODE_COLUMNS:
            value = n.get(key, "")
            if key in ("parents", "applies_to"):
                value = ", ".join(value) if value else ""
            row.append(_cell_text(value))
        sheet.append(row)
    for letter, width in zip("ABCDEFGHIJKLMN", (10, 50, 14, 12, 18, 50, 50, 40, 40, 20, 20,
                                                18, 14, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def load_xlsx(fileobj: IO[bytes]) -> dict:
    """Read a workbook written by `dump_xlsx` (or by hand on the same columns)."""
    from openpyxl import load_workbook

    data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SpecError([_("Tệp quá lớn.")])
    corrupted = _("Tệp Excel bị hỏng hoặc không phải tệp .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SpecError([_("Tệp Excel giải nén ra quá lớn.")])
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SpecError:
        raise
    except Exception:
        raise SpecError([corrupted]) from None
    try:
        if len(wb.worksheets) < 2:
            raise SpecError([_("Tệp cần hai trang tính: “Bộ chỉ số” và “Chỉ số”.")])
        spec: dict[str, Any] = {}
        labels = {_ascii(label): key for key, label in FRAMEWORK_FIELDS}
        for row in wb.worksheets[0].iter_rows(values_only=True):
            if row and row[0] is not None and _ascii(row[0]) in labels:
                spec[labels[_ascii(row[0])]] = unquote(row[1]) if len(row) > 1 else None
        headers = {_ascii(label): key for key, label in NODE_COLUMNS}
        rows = wb.worksheets[1].iter_rows()
        header = next(rows, None)
        if header is None:
            raise SpecError([_("Trang tính “Chỉ số” trống.")])
        mapping: dict[int, str] = {}
        unknown = []
        for i, cell in enumerate(header):
            if cell.value in (None, ""):
                continue
            key = headers.get(_ascii(cell.value))
            if key is None:
                unknown.append(str(cell.value))
            else:
                mapping[i] = key
        missing = [label for key, label in NODE_COLUMNS[:4] if key not in mapping.values()]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(_("thiếu cột %(c)s") % {"c": ", ".join(f"“{m}”" for m in missing)})
            if unknown:
                parts.append(_("cột không nhận ra %(c)s") % {"c": ", ".join(f"“{u}”" for u in unknown)})
            raise SpecError([_("Trang tính “Chỉ số”, dòng tiêu đề: %(p)s.") % {"p": "; ".join(parts)}])
        nodes = []
        errors = []
        for line, cells in enumerate(rows, start=2):
            record: dict[str, Any] = {"_row": line}
            blank = True
            for i, key in mapping.items():
                if i >= len(cells):
                    continue
                cell = cells[i]
                if cell.data_type == "f":
                    errors.append(_("Dòng %(r)d, cột “%(c)s”: ô chứa công thức; hãy nhập giá trị.")
                                  % {"r": line, "c": _header(key)})
                    continue
                value = unquote(cell.value)
                if value not in (None, ""):
                    blank = False
                    record[key] = str(int(value)) if key == "code" and isinstance(
                        value, float) and value.is_integer() else value
            if not blank:
                nodes.append(record)
        if errors:
            raise SpecError(errors)
        spec["nodes"] = nodes
        return spec
    finally:
        wb.close()


def import_file(upload, user=None, owner: OrgUnit | None = None,
                replace: bool = False) -> Framework:
    """A framework from an uploaded .yaml/.yml or .xlsx file."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".yaml", ".yml")):
        spec = load_yaml(upload.read(MAX_BYTES + 1))
    elif name.endswith(".xlsx"):
        spec = load_xlsx(upload)
    else:
        raise SpecError([_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx.")])
    return save(spec, user=user, owner=owner, replace=replace)


# --- the tree for display -----------------------------------------------------------------
@dataclass
class TreeRow:
    node: FrameworkNode
    depth: int
    also_under: list[str]  # other parents (shared foundation), shown as a note


def tree_rows(framework: Framework) -> list[TreeRow]:
    """Depth-first rows from the total: a node with several parents is listed under the
    first and noted under the others, so the tree stays readable."""
    nodes = list(framework.nodes.prefetch_related("parents").select_related("metric")
                 .order_by("order", "pk"))
    children: dict[int, list[FrameworkNode]] = {n.pk: [] for n in nodes}
    for n in nodes:
        for p in n.parents.all():
            children[p.pk].append(n)
    roots = [n for n in nodes if not n.parents.all()]
    rows: list[TreeRow] = []
    placed: set[int] = set()

    def walk(node: FrameworkNode, depth: int) -> None:
        parents = sorted(node.parents.all(), key=lambda p: (p.order, p.pk))
        rows.append(TreeRow(node, depth, [p.code for p in parents[1:]]))
        placed.add(node.pk)
        for child in children[node.pk]:
            first = min(child.parents.all(), key=lambda p: (p.order, p.pk))
            if first.pk == node.pk and child.pk not in placed:
                walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return rows
