"""Building CSV and XLSX files in memory for the intake tests."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["Mã đơn vị", "Mã chỉ tiêu", "Kỳ", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"]


def csv_file(rows, header=HEADER, sep=",") -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=sep)
    writer.writerow(header)
    writer.writerows([["" if c is None else c for c in r] for r in rows])
    return io.BytesIO(("\ufeff" + text.getvalue()).encode("utf-8"))


def xlsx_file(rows, header=HEADER, title="Số liệu") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer
