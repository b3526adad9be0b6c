"""Validation names the field in Vietnamese and says what is wrong."""

from decimal import Decimal

import pytest

from chiso.metrics.validation import clean, validate


def messages(metric, data):
    return [i.message for i in validate(metric, data)]


def test_numerator_above_denominator_names_both(metrics):
    assert messages(metrics["rate"], {"numerator": 45, "denominator": 40}) == [
        "Tử số (45) lớn hơn mẫu số (40)."]


def test_denominator_must_be_positive_and_both_parts_are_required(metrics):
    assert "Mẫu số (0) phải lớn hơn 0." in messages(metrics["rate"], {"numerator": 0, "denominator": 0})
    assert messages(metrics["rate"], {"numerator": 3}) == ["Mẫu số: chưa nhập."]
    assert messages(metrics["rate"], {}) == ["Tử số: chưa nhập.", "Mẫu số: chưa nhập."]


def test_a_percentage_is_computed_from_its_parts(metrics):
    fields, issues = clean(metrics["rate"], {"numerator": "934", "denominator": "1.000"})
    assert issues == []
    assert fields["value"] == Decimal("93.4") and fields["denominator"] == Decimal(1000)


def test_a_rate_that_contradicts_its_parts_is_refused(metrics):
    assert messages(metrics["rate"], {"numerator": 1, "denominator": 2, "value": 60}) == [
        "Giá trị (60 %) không khớp với tử số / mẫu số (50 %)."]


def test_range_is_checked_in_vietnamese_notation(metrics):
    assert messages(metrics["number"], {"value": "1.500,5"}) == [
        "Giá trị (1.500,5) lớn hơn mức tối đa cho phép (1.000)."]
    assert messages(metrics["number"], {"value": -2}) == [
        "Giá trị (-2) nhỏ hơn mức tối thiểu cho phép (0)."]


def test_type_errors_name_the_field(metrics):
    assert messages(metrics["number"], {"value": "mười"}) == [
        "Giá trị: “mười” không phải là số hợp lệ."]
    assert messages(metrics["count"], {"value": "2,5"}) == [
        "Giá trị (2,5) phải là số nguyên không âm."]
    assert messages(metrics["number"], {}) == ["Giá trị: chưa nhập."]


@pytest.mark.parametrize("raw,stored", [("có", 1), ("Không", 0), (True, 1), (0, 0), ("1", 1)])
def test_yes_no_accepts_words_and_numbers(metrics, raw, stored):
    fields, issues = clean(metrics["yes_no"], {"value": raw})
    assert issues == [] and fields["value"] == stored


def test_yes_no_coherence(metrics):
    assert messages(metrics["yes_no"], {"value": "có lẽ"}) == [
        "Giá trị “có lẽ” không hợp lệ: chỉ nhận Có hoặc Không."]
    assert messages(metrics["yes_no"], {"value": 1, "numerator": 3}) == [
        "Tử số: chỉ tiêu “Có cổng thông tin điện tử” không dùng tử số, mẫu số."]
    assert messages(metrics["yes_no"], {"value": 2}) == [
        "Giá trị “2” không hợp lệ: chỉ nhận Có hoặc Không."]


def test_choice_must_be_in_the_list(metrics):
    assert messages(metrics["choice"], {"text": "D"}) == [
        "Mức lựa chọn “D” không có trong danh sách: A (Cao), B (Trung bình), C (Thấp)."]
    fields, issues = clean(metrics["choice"], {"text": "A"})
    assert issues == [] and fields["value"] == 3 and fields["text"] == "A"


def test_text_is_required(metrics):
    assert messages(metrics["text"], {"text": "  "}) == ["Nội dung: chưa nhập."]
