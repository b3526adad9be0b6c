"""`chiso values import FILE [--dry-run] --user USERNAME [--unit CODE]` and
`chiso values export [--format csv|xlsx|dhis2-json|dhis2-csv] [--unit CODE [--subtree]]
[--period CODE] [--metric CODE] [--user USERNAME] [-o FILE]`.

Import reads what the upload page reads (CSV, XLSX, DHIS2 JSON or CSV), all-or-nothing,
with the user's permissions and in the user's name in the history. On any error the same
row/column report as on the page goes to stderr, nothing is written and the exit status
is 1. Export writes to stdout unless `-o` is given (XLSX needs `-o`); without `--user` it
exports every unit (the command line is the server's operator), with `--user` only what
that user may see.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chiso.metrics import export, intake
from chiso.metrics import periods as P
from chiso.metrics.models import Metric, Period
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

FORMATS = ("csv", "xlsx", "dhis2-json", "dhis2-csv")


class Command(BaseCommand):
    help = "Nhập hoặc xuất số liệu (CSV, XLSX, DHIS2 JSON/CSV)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="nhập một tệp số liệu")
        imp.add_argument("file", help="tệp CSV, XLSX hoặc DHIS2 JSON/CSV")
        imp.add_argument("--user", required=True, help="người nhập (quyền và lịch sử theo người này)")
        imp.add_argument("--unit", help="chỉ nhận các dòng của đơn vị này và cấp dưới")
        imp.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi gì")
        exp = sub.add_parser("export", help="xuất số liệu")
        exp.add_argument("--format", choices=FORMATS, default="csv")
        exp.add_argument("--unit", help="mã đơn vị (mặc định: mọi đơn vị)")
        exp.add_argument("--subtree", action="store_true", help="cả các đơn vị cấp dưới")
        exp.add_argument("--period", help="kỳ, ví dụ 2024, 2024Q3, 2024-07")
        exp.add_argument("--metric", help="mã chỉ tiêu")
        exp.add_argument("--user", help="chỉ xuất những gì người này được xem")
        exp.add_argument("-o", "--output", help="tệp ghi ra (mặc định: màn hình)")

    def handle(self, *args, action: str, **options) -> None:
        if action == "import":
            self.do_import(options)
        else:
            self.do_export(options)

    # --- import ----------------------------------------------------------------------
    def do_import(self, options: dict) -> None:
        user = _user(options["user"])
        within = _unit(options["unit"]) if options.get("unit") else None
        try:
            handle = open(options["file"], "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(f"Không mở được tệp “{options['file']}”: {exc.strerror}.") from None
        with handle:
            result = intake.import_file(handle, options["file"], user=user, within=within,
                                       dry_run=options["dry_run"])
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Không số liệu nào được ghi: {len(result.errors)} lỗi.")
        prefix = "Thử (không ghi gì): " if result.dry_run else ""
        self.stdout.write(f"{prefix}{result.rows} dòng: {result.created} mới, "
                          f"{result.updated} cập nhật, {result.unchanged} không đổi.")

    # --- export ----------------------------------------------------------------------
    def do_export(self, options: dict) -> None:
        user = _user(options["user"]) if options.get("user") else None
        units = permissions.units_for(user, "view") if user else OrgUnit.objects.all()
        if options.get("unit"):
            root = _unit(options["unit"])
            if user is not None and not permissions.can(user, "view", root):
                raise CommandError(f"Người dùng “{user.username}” không được xem đơn vị "
                                   f"“{root.code}”.")
            units = (units.filter(path__startswith=root.path) if options["subtree"]
                     else units.filter(pk=root.pk))
        period = None
        if options.get("period"):
            try:
                period = Period.objects.for_code(options["period"])
            except P.PeriodError as exc:
                raise CommandError(str(exc)) from None
        metric = None
        if options.get("metric"):
            metric = Metric.objects.filter(code=options["metric"]).first()
            if metric is None:
                raise CommandError(f"Không có chỉ tiêu mã “{options['metric']}”.")
        values = export.values_for(units, period=period, metric=metric)
        fmt, output = options["format"], options.get("output")
        if fmt == "xlsx":
            if not output:
                raise CommandError("Định dạng xlsx cần --output TỆP (không in ra màn hình).")
            with open(output, "wb") as handle:
                handle.write(export.xlsx_bytes(values))
            return
        lines = {"csv": export.csv_lines, "dhis2-json": export.dhis2_json_chunks,
                 "dhis2-csv": export.dhis2_csv_lines}[fmt](values)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(lines)
        else:
            for piece in lines:
                self.stdout.write(piece, ending="")
            self.stdout.flush()


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"Không có người dùng “{username}” (hoặc tài khoản đã bị khóa).")
    return user


def _unit(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã “{code}”.")
    return unit
