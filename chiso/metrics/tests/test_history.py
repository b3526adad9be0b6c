"""Every change is kept: who, when, old → new, why, source; nothing is silently overwritten."""

import pytest
from django.core.exceptions import PermissionDenied

from chiso.metrics import services
from chiso.metrics.models import DataValue, DataValueChange, Source, State


def test_first_save_and_each_change_leave_a_history_entry(metrics, people, tree, q1):
    reporter = people["reporter"]
    dv = services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 45, "denominator": 50},
                             user=reporter, source=Source.FORM)
    assert (dv.version, dv.state, float(dv.value)) == (1, State.DRAFT, 90.0)
    dv = services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 47, "denominator": 50},
                             user=people["admin"], source=Source.EXCEL, expected_version=1,
                             reason="Cập nhật theo báo cáo quý")
    assert dv.version == 2 and dv.updated_by == people["admin"]
    changes = list(DataValueChange.objects.filter(data_value=dv).order_by("version"))
    assert [c.version for c in changes] == [1, 2]
    first, second = changes
    assert first.old is None and first.changed_by == reporter and first.source == "form"
    assert second.old["numerator"] == "45" and second.new["numerator"] == "47"
    assert second.reason == "Cập nhật theo báo cáo quý" and second.source == "excel"
    assert set(second.changed_fields) == {"value", "numerator"}


def test_saving_the_same_data_adds_no_version(metrics, people, tree, q1):
    data = {"numerator": 45, "denominator": 50}
    services.save_value(metrics["rate"], tree["C1"], q1, data, user=people["reporter"])
    dv = services.save_value(metrics["rate"], tree["C1"], q1, data, user=people["reporter"])
    assert dv.version == 1 and DataValueChange.objects.count() == 1


def test_state_changes_are_history_too(metrics, people, tree, q1):
    dv = services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 12},
                             user=people["reporter"])
    dv = services.set_state(dv, State.SUBMITTED, user=people["reporter"])
    with pytest.raises(services.ValidationFailed, match="Lý do trả lại"):
        services.set_state(dv, State.RETURNED, user=people["reviewer"])
    dv = services.set_state(dv, State.RETURNED, user=people["reviewer"], reason="Thiếu minh chứng")
    last = dv.changes.order_by("-version").first()
    assert (last.old_state, last.new_state, last.reason) == ("submitted", "returned",
                                                              "Thiếu minh chứng")
    assert dv.version == 3


def test_invalid_data_writes_nothing(metrics, people, tree, q1):
    with pytest.raises(services.ValidationFailed) as err:
        services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 45, "denominator": 40},
                            user=people["reporter"])
    assert err.value.issues[0].message == "Tử số (45) lớn hơn mẫu số (40)."
    assert not DataValue.objects.exists() and not DataValueChange.objects.exists()


def test_only_people_who_may_edit_the_unit_can_save(metrics, people, tree, q1):
    for role in ("head", "leader", "reviewer"):
        with pytest.raises(PermissionDenied):
            services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 1},
                                user=people[role])
    with pytest.raises(PermissionDenied):
        services.save_value(metrics["count"], tree["C2"], "2024-01", {"value": 1},
                            user=people["reporter"])
    with pytest.raises(PermissionDenied):
        services.set_state(services.save_value(metrics["count"], tree["C1"], "2024-01",
                                               {"value": 1}, user=None),
                           State.ACCEPTED, user=people["reporter"])
    assert DataValue.objects.count() == 1


def test_a_reviewer_corrects_a_submitted_value_only_with_a_reason(metrics, people, tree):
    dv = services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 10},
                             user=people["reporter"], state=State.SUBMITTED)
    with pytest.raises(services.ValidationFailed, match="nêu lý do"):
        services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 11},
                            user=people["reviewer"], expected_version=dv.version)
    dv = services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 11},
                             user=people["reviewer"], expected_version=dv.version,
                             reason="Đối chiếu sổ theo dõi")
    assert dv.value == 11 and dv.changes.first().reason == "Đối chiếu sổ theo dõi"


def test_bulk_save_is_all_or_nothing(metrics, tree):
    from chiso.metrics.models import Period

    m, jan, feb = metrics["count"], Period.objects.for_code("2024-01"), Period.objects.for_code("2024-02")
    good = services.ValueEntry(m, tree["C1"], jan, {"value": 3}, label="Dòng 2")
    bad = services.ValueEntry(m, tree["C2"], feb, {"value": -1}, label="Dòng 3")
    with pytest.raises(services.BulkValidationFailed) as err:
        services.save_values([good, bad], user=None, source=Source.CSV)
    assert str(err.value.issues[0]) == "Dòng 3: Giá trị (-1) phải là số nguyên không âm."
    assert not DataValue.objects.exists()
    counts = services.save_values(
        [good, services.ValueEntry(m, tree["C2"], feb, {"value": 4})], user=None, source=Source.CSV)
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert DataValueChange.objects.count() == 2
    counts = services.save_values(
        [services.ValueEntry(m, tree["C1"], jan, {"value": 5}),
         services.ValueEntry(m, tree["C2"], feb, {"value": 4})], user=None, source=Source.CSV)
    assert counts == {"created": 0, "updated": 1, "unchanged": 1}
    assert DataValueChange.objects.count() == 3
