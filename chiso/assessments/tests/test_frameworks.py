"""Frameworks in and out: YAML and Excel round trips, validation messages that name the
row and column, cloning to next year, the tree, and the bundled framework files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from chiso.assessments import frameworks, scoring
from chiso.assessments.models import Framework
from chiso.metrics.models import Metric

pytestmark = pytest.mark.django_db
DATA = Path(frameworks.__file__).resolve().parent / "data"


def node_table(fw: Framework) -> list[tuple]:
    return [(n.code, n.kind, n.max_points, sorted(p.code for p in n.parents.all()), n.rule,
             n.declared, n.applies_to) for n in fw.nodes.prefetch_related("parents")]


def test_a_framework_survives_a_yaml_round_trip(framework):
    spec = frameworks.load_yaml(frameworks.dump_yaml(framework))
    spec["code"] = "TEST_COPY"
    copy = frameworks.save(spec)
    assert node_table(copy) == node_table(framework)
    assert copy.bands == framework.bands


def test_a_framework_survives_an_excel_round_trip(framework):
    data = frameworks.dump_xlsx(framework)
    sheet = load_workbook(io.BytesIO(data)).worksheets[1]
    assert [c.value for c in sheet[1]][:4] == ["Mã", "Tên", "Loại", "Điểm tối đa"]
    spec = frameworks.load_xlsx(io.BytesIO(data))
    spec["code"] = "TEST_XLSX"
    copy = frameworks.save(spec)
    assert node_table(copy) == node_table(framework)


def excel_with(framework, edit) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(frameworks.dump_xlsx(framework)))
    edit(wb.worksheets[1])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_excel_errors_name_the_row_and_the_column(framework):
    def break_it(ws):
        ws["F8"] = '{"kind": "steps", "max": 10, "steps": [[4, 12]]}'  # 1.2: 12 > max 10
        ws["E10"] = "NT, KHONG_CO"                                     # 3.1: unknown parent
    upload = excel_with(framework, break_it)
    upload.name = "bo-chi-so.xlsx"
    before = Framework.objects.count()
    with pytest.raises(frameworks.SpecError) as info:
        frameworks.import_file(upload, replace=True)
    messages = info.value.messages
    assert any(m.startswith("Dòng 8, cột “Cách tính điểm”") and "steps[0]" in m
               and "nằm ngoài 0..10" in m for m in messages), messages
    assert "Dòng 10, cột “Thuộc”: chỉ số cấp trên “KHONG_CO” không có trong bộ chỉ số." in messages
    assert Framework.objects.count() == before  # nothing half-written


def test_a_parent_whose_max_differs_from_its_children_is_refused(framework):
    spec = frameworks.to_spec(framework)
    spec["code"] = "BAD"
    next(n for n in spec["nodes"] if n["code"] == "NT")["max"] = 25
    with pytest.raises(frameworks.SpecError) as info:
        frameworks.save(spec)
    assert ("Chỉ số “NT”, cột “Điểm tối đa”: điểm tối đa 25 khác tổng điểm tối đa của các chỉ "
            "số con (20).") in info.value.messages


def test_a_rule_reading_an_undeclared_figure_is_refused(framework):
    spec = frameworks.to_spec(framework)
    spec["code"] = "BAD"
    node = next(n for n in spec["nodes"] if n["code"] == "1.1")
    node["declared"] = node["declared"][:1]
    with pytest.raises(frameworks.SpecError) as info:
        frameworks.save(spec)
    assert any("đọc “b” nhưng số liệu kê khai không có" in m for m in info.value.messages)


def test_a_cycle_is_refused_by_the_engine(framework):
    spec = frameworks.to_spec(framework)
    spec["code"] = "BAD"
    next(n for n in spec["nodes"] if n["code"] == "A")["parents"] = ["NT"]
    with pytest.raises(frameworks.SpecError) as info:
        frameworks.save(spec)
    assert any(m.startswith("Cấu trúc bộ chỉ số không hợp lệ: có vòng lặp") and "NT → A" in m
               for m in info.value.messages), info.value.messages


def test_yaml_that_does_not_parse_names_the_line():
    with pytest.raises(frameworks.SpecError) as info:
        frameworks.load_yaml(b"code: X\nnodes: [\n  {code: 1\n")
    assert "Tệp YAML không đọc được (dòng" in info.value.messages[0]


def test_clone_makes_next_years_draft_linked_to_its_source(framework):
    framework.state = Framework.State.IN_FORCE
    framework.save()
    new = frameworks.clone(framework, 2027)
    assert (new.year, new.state, new.cloned_from) == (2027, "draft", framework)
    assert node_table(new) == node_table(framework)


def test_the_tree_lists_the_shared_foundation_once_and_notes_the_other_parents(framework):
    rows = frameworks.tree_rows(framework)
    nt = [r for r in rows if r.node.code == "NT"]
    assert len(nt) == 1 and nt[0].depth == 1 and nt[0].also_under == ["A", "B"]
    assert [r.node.code for r in rows if r.depth == 2] == ["1.1", "1.2", "2.1", "3.1"]


def test_the_bundled_national_framework_loads_and_scores_through_the_engine(db):
    fw = frameworks.save(yaml.safe_load((DATA / "dti_tinh_2022.yaml").read_text()))
    st = scoring.structure(fw)
    assert [n.code for n in st.aggregates if n.kind == "pillar"] == ["CQS", "KTS", "XHS"]
    assert len(st.components) == 8


def test_the_bundled_local_framework_needs_its_metrics(db):
    spec = yaml.safe_load((DATA / "qn_cds_2025.yaml").read_text())
    with pytest.raises(frameworks.SpecError) as info:
        frameworks.save(spec)
    assert "Chỉ số “2.1”, cột “Mã chỉ tiêu”: chỉ tiêu “CQS_KE_HOACH_CDS” không tồn tại." \
        in info.value.messages
    for code in {n["metric"] for n in spec["nodes"] if n.get("metric")}:
        Metric.objects.create(code=code, name=code)
    fw = frameworks.save(spec)
    assert fw.nodes.filter(kind="component").count() == 23
    assert fw.nodes.get(code="6.1").metric.code == "CQS_TTHC_TRUC_TUYEN"
