"""An import tells how far it is, from outside its write transaction, and a failed or
dry-run import leaves no period behind."""

import gc

import pytest
from django.db import connection

from chiso.lib import gcpause
from chiso.metrics.intake import import_file
from chiso.metrics.models import DataValue, Period

from .intake_helpers import csv_file


@pytest.mark.django_db(transaction=True)
def test_progress_goes_read_check_write_done_outside_any_transaction(metrics, people, tree):
    seen = []

    def progress(phase, done, total):
        seen.append((phase, done, total, connection.in_atomic_block))

    data = [["C1", "HS_TT", f"2025-{m:02d}", str(m), "", "", ""] for m in range(1, 13)]
    result = import_file(csv_file(data), "t.csv", user=people["admin"], progress=progress)
    assert result.ok and result.created == 12
    assert [s[0] for s in seen] == ["read", "check", "check", "write", "done"]
    assert seen[0][1:3] == (12, 12) and seen[-1][1:3] == (12, 12)
    assert seen[3][1:3] == (0, 12)
    assert not any(s[3] for s in seen)


def test_failed_import_leaves_no_new_period(metrics, people, tree):
    before = set(Period.objects.values_list("code", flat=True))
    data = [["C1", "HS_TT", "2031-05", "4", "", "", ""],
            ["C1", "HS_TT", "2031-06", "-1", "", "", ""]]  # below the minimum: rejected
    result = import_file(csv_file(data), "t.csv", user=people["admin"])
    assert not result.ok and result.errors[0].row == 3
    assert set(Period.objects.values_list("code", flat=True)) == before
    assert not DataValue.objects.exists()


def test_dry_run_leaves_no_new_period(metrics, people, tree):
    data = [["C1", "HS_TT", "2031-05", "4", "", "", ""]]
    result = import_file(csv_file(data), "t.csv", user=people["admin"], dry_run=True)
    assert result.ok and result.created == 1
    assert not Period.objects.filter(code="2031-05").exists()
    assert not DataValue.objects.exists()


def test_a_period_already_in_use_is_kept_after_a_failed_import(metrics, people, tree):
    Period.objects.for_code("2031-05")
    data = [["C1", "HS_TT", "2031-05", "-4", "", "", ""]]
    assert not import_file(csv_file(data), "t.csv", user=people["admin"]).ok
    assert Period.objects.filter(code="2031-05").exists()


def test_collector_runs_rarely_inside_and_as_before_after_nested_uses():
    before = gc.get_threshold()
    with gcpause.relaxed():
        assert gc.get_threshold() == gcpause.RELAXED and gc.isenabled()
        with gcpause.relaxed():
            assert gc.get_threshold() == gcpause.RELAXED
        assert gc.get_threshold() == gcpause.RELAXED
    assert gc.get_threshold() == before


def test_thresholds_come_back_after_an_error():
    before = gc.get_threshold()
    try:
        with gcpause.relaxed():
            raise ValueError
    except ValueError:
        pass
    assert gc.get_threshold() == before


def test_a_period_another_request_creates_meanwhile_is_used_and_never_removed(
        metrics, people, tree):
    """The file's new period is stored only in the write transaction: one that another
    request stored during the check is used as is, and a failed import leaves it alone."""
    def someone_else_creates_it(phase, done, total):
        if phase == "check" and done == 0:
            Period.objects.for_code("2031-05")

    good = [["C1", "HS_TT", "2031-05", "4", "", "", ""]]
    result = import_file(csv_file(good), "t.csv", user=people["admin"],
                         progress=someone_else_creates_it)
    assert result.ok and result.created == 1
    assert Period.objects.filter(code="2031-05").count() == 1
    assert DataValue.objects.get().period.code == "2031-05"

    bad = [["C1", "HS_TT", "2031-07", "-4", "", "", ""]]

    def creates_july(phase, done, total):
        if phase == "check" and done == 0:
            Period.objects.for_code("2031-07")

    assert not import_file(csv_file(bad), "t.csv", user=people["admin"],
                           progress=creates_july).ok
    assert Period.objects.filter(code="2031-07").exists()
