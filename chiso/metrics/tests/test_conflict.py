"""Two people editing the same value: the second gets a clear conflict, not a lost update."""

import threading

import pytest
from django.db import connection

from chiso.metrics import services
from chiso.metrics.models import DataValue


def test_a_stale_version_is_refused_and_names_who_changed_it(metrics, people, tree, q1):
    admin = people["admin"]
    admin.last_name = "Trần Thị Thường"
    admin.save()
    dv = services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 10, "denominator": 20},
                             user=people["reporter"])
    seen_by_both = dv.version
    services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 11, "denominator": 20},
                        user=admin, expected_version=seen_by_both)
    with pytest.raises(services.ConflictError) as err:
        services.save_value(metrics["rate"], tree["C1"], q1, {"numerator": 12, "denominator": 20},
                            user=people["reporter"], expected_version=seen_by_both)
    message = str(err.value)
    assert "Trần Thị Thường (admin_p1)" in message and "phiên bản 2" in message
    assert "chưa được lưu" in message
    dv.refresh_from_db()
    assert dv.numerator == 11 and dv.version == 2


def test_two_first_entries_conflict_too(metrics, people, tree, q1):
    services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 1},
                        user=people["reporter"], expected_version=0)
    with pytest.raises(services.ConflictError):
        services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 2},
                            user=people["admin"], expected_version=0)
    assert DataValue.objects.get().value == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_with_the_same_version_let_exactly_one_win(metrics, people, tree, q1):
    # SQLite's in-memory test database shares one cache between threads and answers
    # "table is locked" instead of waiting; the real file database queues writers
    # (IMMEDIATE transactions). The row lock is what this test proves, on PostgreSQL.
    if connection.vendor == "sqlite":
        pytest.skip("row locks are exercised on PostgreSQL")
    dv = services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": 1}, user=None)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(value: int) -> None:
        try:
            barrier.wait()
            services.save_value(metrics["count"], tree["C1"], "2024-01", {"value": value},
                                user=None, expected_version=dv.version)
            outcomes.append("saved")
        except services.ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(v,)) for v in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    dv.refresh_from_db()
    assert dv.version == 2 and dv.changes.count() == 2
