"""A bulk write's first history entries are written by the database (INSERT … SELECT);
they must read exactly like `DataValue.snapshot()`, the format every later change uses."""

from chiso.metrics.bulk import Entry, write_values
from chiso.metrics.models import DataValue, DataValueChange, Period, Source, State


def test_first_history_entry_of_a_bulk_write_is_the_stored_snapshot(metrics, people, tree, q1):
    month = Period.objects.for_code("2024-01")
    year = Period.objects.for_code("2024")
    admin = people["admin"]
    # Numbers that print differently in naive formats: tiny, integral, repeating, big.
    entries = [
        Entry(metrics["rate"], tree["C1"], q1, {"numerator": 1, "denominator": 3}),
        Entry(metrics["rate"], tree["C2"], q1, {"numerator": "1", "denominator": "1000000"}),
        Entry(metrics["rate"], tree["A1"], q1, {"numerator": 50, "denominator": 50}),
        Entry(metrics["count"], tree["C1"], month, {"value": 1250}),
        Entry(metrics["count"], tree["C2"], month, {"value": 0}),
        Entry(metrics["number"], tree["C1"], year, {"value": "12,5"}),
        Entry(metrics["number"], tree["C2"], year, {"value": "0,000001"}),
        Entry(metrics["number"], tree["A1"], year, {"value": "999,999999",
                                                   "comment": 'Có "ngoặc kép" và \\ gạch'}),
        Entry(metrics["yes_no"], tree["C1"], year, {"value": "có"}),
        Entry(metrics["choice"], tree["C1"], year, {"text": "A"}),
        Entry(metrics["choice"], tree["C2"], year, {"text": "B"}),
        Entry(metrics["text"], tree["C1"], year, {"text": "Nền tảng “LGSP” — dòng 1\ndòng 2"},
              state=State.SUBMITTED),
    ]
    counts = write_values(entries, user=admin, source=Source.CSV, reason="Nhập tệp")
    assert counts.created == len(entries)
    values = list(DataValue.objects.all())
    assert len(values) == len(entries)
    for dv in values:
        first = DataValueChange.objects.get(data_value=dv)
        assert first.new == dv.snapshot(), dv
        assert (first.version, first.old, first.old_state, first.new_state) == (
            1, None, "", dv.state)
        assert (first.changed_by, first.source, first.reason) == (admin, "csv", "Nhập tệp")
        assert first.changed_at == dv.created_at
    assert {dv.snapshot()["value"] for dv in values} >= {
        "33.333333", "0.0001", "100", "1250", "0", "12.5", "0.000001", "999.999999", "1", "3"}


def test_values_written_earlier_get_no_second_first_entry(metrics, people, tree, q1):
    """Only the rows this write inserted get a version-1 entry: a value already stored in
    the same unit × metric × period box keeps its own history."""
    admin = people["admin"]
    write_values([Entry(metrics["rate"], tree["C1"], q1, {"numerator": 1, "denominator": 2})],
                 user=admin, source=Source.CSV)
    write_values([Entry(metrics["rate"], tree["C2"], q1, {"numerator": 1, "denominator": 4}),
                  Entry(metrics["rate"], tree["C1"], q1, {"numerator": 1, "denominator": 2})],
                 user=admin, source=Source.CSV)
    assert DataValueChange.objects.count() == 2
    assert DataValueChange.objects.filter(version=1).count() == 2


def test_demo_writes_without_a_user_get_history_too(metrics, tree, q1):
    write_values([Entry(metrics["count"], tree["C1"], q1, {"value": 7})], user=None,
                 source=Source.FORM, is_illustrative=True)
    first = DataValueChange.objects.get()
    assert first.changed_by is None and first.new["value"] == "7"


def test_an_export_meets_a_period_created_after_its_caches(metrics, people, tree, q1):
    """A value committed between the export's cache queries and its rows (a new month's
    first upload) is exported with its period, not cut short by a KeyError."""
    from chiso.metrics.export import _Cache

    cache = _Cache(Period, Period.objects.none())
    late = Period.objects.for_code("2031-05")
    assert cache[late.pk] == late and late.pk in cache
