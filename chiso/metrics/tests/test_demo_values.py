"""The demo catalogue and values: idempotent, illustrative, consistent with the seeds."""

import pytest
from django.core.management import call_command

from chiso.lib.formatting import format_percent
from chiso.metrics.demo import SPECS
from chiso.metrics.models import DataValue, DataValueChange, Metric
from chiso.metrics.rollup import rollup
from chiso.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def _state():
    return (Metric.objects.count(), DataValueChange.objects.count(),
            sorted(DataValue.objects.values_list("metric_id", "unit_id", "period_id", "value",
                                                 "version")))


def test_demo_values_are_idempotent_and_illustrative():
    call_command("demo", stdout=open("/dev/null", "w"))
    first = _state()
    # Other apps' demos (plans) add metrics of their own and some published figures.
    catalogue = [s.code for s in SPECS]
    assert 20 <= Metric.objects.filter(code__in=catalogue).count() <= 30 and len(first[2]) > 5000
    call_command("demo", stdout=open("/dev/null", "w"))
    assert _state() == first
    assert not DataValue.objects.filter(is_illustrative=False, metric__code__in=catalogue).exists()
    # The metrics demo loads accepted history; the rounds demo adds a round in progress.
    loaded = DataValueChange.objects.filter(reason="Nạp dữ liệu demo")
    assert loaded.exists() and not loaded.exclude(new_state="accepted").exists()


def test_the_province_roll_up_matches_the_seed_figures():
    call_command("demo", stdout=open("/dev/null", "w"))
    qn = OrgUnit.objects.get(code="T22")
    for code, expected in (("CQS_TTHC_TRUC_TUYEN", "93,4\u00a0%"), ("XHS_CAP_QUANG", "89,13\u00a0%"),
                           ("KTS_THUE_DIEN_TU_DN", "99,2\u00a0%")):
        result = rollup(Metric.objects.get(code=code), qn, "2023S1")
        decimals = 2 if code == "XHS_CAP_QUANG" else 1
        assert format_percent(result.value, decimals, lang="vi") == expected, code
    # Communes report only since the reorganisation of 01/07/2025; the districts before.
    fibre = Metric.objects.get(code="XHS_CAP_QUANG")
    assert rollup(fibre, qn, "2024Q4").units_with_data == 13
    assert rollup(fibre, qn, "2025Q4").units_with_data == 54
