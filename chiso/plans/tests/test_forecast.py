"""Theil–Sen projections on constructed series."""

import datetime as dt

import pytest

from chiso.plans.forecast import decimal_year, project, theil_sen


def test_a_straight_line_is_recovered_exactly():
    xs = [2021, 2022, 2023, 2024]
    ys = [50, 55, 60, 65]
    assert theil_sen(xs, ys) == pytest.approx((5.0, 50 - 5 * 2021))
    fc = project(xs, ys, 2025.0)
    assert fc.value == pytest.approx(70.0)
    assert fc.low == pytest.approx(70.0) and fc.high == pytest.approx(70.0)


def test_one_outlier_barely_moves_the_trend():
    xs = [2020, 2021, 2022, 2023, 2024, 2025]
    ys = [40, 45, 50, 5, 60, 65]  # 2023 entered as a count of 5 instead of 55 %
    fc = project(xs, ys, 2026.0)
    assert fc.slope == pytest.approx(5.0)
    assert fc.value == pytest.approx(70.0)


def test_noise_widens_the_interval_around_the_projection():
    xs = [2020 + i / 2 for i in range(8)]
    calm = [50 + 2 * i for i in range(8)]
    noisy = [v + (6 if i % 2 else -6) * (1 + i % 3) for i, v in enumerate(calm)]
    a = project(xs, calm, 2026.0)
    b = project(xs, noisy, 2026.0)
    assert b.low < b.value < b.high
    assert (b.high - b.low) > (a.high - a.low)


def test_too_few_points_or_one_date_give_no_forecast():
    assert project([2022, 2023], [1, 2], 2025.0) is None
    assert project([2023, 2023, 2023], [1, 2, 3], 2025.0) is None


def test_bounds_keep_a_rate_within_0_and_100():
    fc = project([2021, 2022, 2023], [80, 90, 100], 2025.0, bounds=(0, 100))
    assert fc.value == 100.0 and fc.high <= 100.0


def test_decimal_year_places_dates_on_one_axis():
    assert decimal_year(dt.date(2024, 1, 1)) == 2024.0
    assert decimal_year(dt.date(2023, 7, 2)) == pytest.approx(2023.5, abs=0.01)
