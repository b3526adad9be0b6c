"""Shapes of the API's requests and responses (they make the OpenAPI document)."""


from decimal import Decimal

from ninja import Field, Schema


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    level: int
    parent: str | None = Field(None, description="Mã đơn vị cấp trên")
    valid_from: str | None = None
    valid_to: str | None = None


class MetricOut(Schema):
    code: str
    name: str
    name_en: str
    value_type: str
    unit_of_measure: str
    direction: int
    rollup: str
    time_rollup: str
    frequency: str
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: list[dict]
    reporting_kinds: list[str]
    active: bool


class ValueOut(Schema):
    unit: str
    metric: str
    period: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str = ""
    comment: str = ""
    state: str
    source: str
    version: int
    updated_at: str
    updated_by: str | None = None


class ValueIn(Schema):
    unit: str = Field(..., description="Mã đơn vị", examples=["C1"])
    metric: str = Field(..., description="Mã chỉ tiêu", examples=["TTHC_TT"])
    period: str = Field(..., description="Kỳ: 2024, 2024S1, 2024Q3 hoặc 2024-07",
                        examples=["2024Q1"])
    value: Decimal | str | bool | None = Field(
        None, description="Giá trị (số; Có/Không; mã lựa chọn; văn bản)")
    numerator: Decimal | None = Field(None, description="Tử số (chỉ tiêu tỷ lệ)")
    denominator: Decimal | None = Field(None, description="Mẫu số (chỉ tiêu tỷ lệ)")
    comment: str | None = Field(None, description="Ghi chú, giải trình")
    expected_version: int | None = Field(
        None, description="Phiên bản bạn đã đọc (0: chưa có số liệu); khác phiên bản hiện "
                          "tại thì trả về 409 và không ghi gì")


class BulkIn(Schema):
    values: list[ValueIn]
    dry_run: bool = Field(False, description="Chỉ kiểm tra, không ghi")


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    dry_run: bool


class ErrorItem(Schema):
    index: int | None = Field(None, description="Vị trí trong danh sách `values` (từ 0)")
    field: str | None = None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []


class RollupOut(Schema):
    unit: str
    metric: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    units_with_data: int
    units_expected: int
    units_partial: int
    complete: bool
    periods: list[str]
