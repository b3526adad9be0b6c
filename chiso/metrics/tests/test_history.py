"""Every change is kept: who, when, old → new, why, source; nothing is silently overwritten."""

from unittest.mock import patch

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
    from chiso.metrics.bulk import BulkRejected, Entry, write_values
    from chiso.metrics.models import Period

    m, jan, feb = metrics["count"], Period.objects.for_code("2024-01"), Period.objects.for_code("2024-02")
    good = Entry(m, tree["C1"], jan, {"value": 3}, ref="Dòng 2")
    bad = Entry(m, tree["C2"], feb, {"value": -1}, ref="Dòng 3")
    with pytest.raises(BulkRejected) as err:
        write_values([good, bad], user=None, source=Source.CSV)
    assert {p.ref for p in err.value.problems} == {"Dòng 3"}
    assert "Giá trị (-1) phải là số nguyên không âm." in [p.message for p in err.value.problems]
    assert not DataValue.objects.exists()
    counts = write_values([good, Entry(m, tree["C2"], feb, {"value": 4})], user=None,
                          source=Source.CSV)
    assert (counts.created, counts.updated, counts.unchanged) == (2, 0, 0)
    assert DataValueChange.objects.count() == 2
    counts = write_values([Entry(m, tree["C1"], jan, {"value": 5}),
                           Entry(m, tree["C2"], feb, {"value": 4})], user=None, source=Source.CSV)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert DataValueChange.objects.count() == 3


def test_bulk_state_changes_are_versioned_and_announced_when_accepted(metrics, tree):
    from chiso.metrics.bulk import Entry, write_values
    from chiso.metrics.models import Period, State

    m, jan = metrics["count"], Period.objects.for_code("2024-01")
    write_values([Entry(m, tree["C1"], jan, {"value": 3})], user=None, source=Source.CSV)
    dv = DataValue.objects.get()
    assert (dv.state, dv.version) == (State.DRAFT, 1)
    with patch("chiso.lib.events.publish") as publish:
        counts = write_values([Entry(m, tree["C1"], jan, {"value": 3}, state=State.ACCEPTED)],
                              user=None, source=Source.CSV)
    assert counts.updated == 1
    dv.refresh_from_db()
    assert (dv.state, dv.version) == (State.ACCEPTED, 2)
    change = dv.changes.first()
    assert (change.old_state, change.new_state, change.new["state"]) == (
        State.DRAFT, State.ACCEPTED, State.ACCEPTED)
    publish.assert_called_once_with("value.accepted", {tree["C1"].path})
