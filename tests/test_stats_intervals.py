"""Intervals and tests, against scipy (an independent implementation)."""

import math

import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from generator.stats.intervals import (median, pearson, summarize, t_interval, t_ppf, t_sf,
                                       two_proportion_p, welch_p, wilson)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 19, 29, 120, 2.5, 5000])
@pytest.mark.parametrize("q", [0.6, 0.9, 0.975, 0.995, 0.025])
def test_t_quantile_matches_scipy(df, q):
    assert t_ppf(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-9)


@pytest.mark.parametrize("t,df", [(0.0, 3), (1.3, 1), (-2.2, 8), (4.0, 30), (0.5, 1e5)])
def test_t_tail_matches_scipy(t, df):
    assert t_sf(t, df) == pytest.approx(stats.t.sf(t, df), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (57, 230), (1, 100000)])
def test_wilson_matches_scipy(k, n):
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(k, n)
    assert low == pytest.approx(expected.low, abs=1e-12)
    assert high == pytest.approx(expected.high, abs=1e-12)


def test_wilson_without_answers_is_undefined():
    assert wilson(0, 0) == (None, None)


@pytest.mark.parametrize("values", [[1.0, 2.0], [70.0, 80.0, 90.0, 100.0], [55.5, 61.2, 99.0, 12.0, 40.0, 77.7]])
def test_t_interval_matches_scipy(values):
    mean = sum(values) / len(values)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=mean, scale=stats.sem(values))
    found = t_interval(values)
    assert (found.value, found.n) == (pytest.approx(mean), len(values))
    assert found.ci_low == pytest.approx(low, rel=1e-10)
    assert found.ci_high == pytest.approx(high, rel=1e-10)


def test_an_interval_within_a_range_is_cut_at_its_ends_only():
    # 0, 50, 100: mean 50, half-width 4.303 * 28.87 = 124.2
    wide = t_interval([0.0, 50.0, 100.0])
    assert (round(wide.ci_low, 1), round(wide.ci_high, 1)) == (-74.2, 174.2)
    assert wide.within(0.0, 100.0).to_json() == {"value": 50.0, "n": 3, "ci_low": 0.0, "ci_high": 100.0}
    inside = t_interval([40.0, 50.0, 60.0])  # 50 -+ 24.8: untouched
    assert inside.within(0.0, 100.0) == inside
    assert t_interval([80.0]).within(0.0, 100.0).to_json() == {"value": 80.0, "n": 1, "ci_low": None, "ci_high": None}


def test_t_interval_on_tiny_and_flat_samples():
    assert t_interval([]).to_json() == {"value": None, "n": 0, "ci_low": None, "ci_high": None}
    assert t_interval([80.0]).to_json() == {"value": 80.0, "n": 1, "ci_low": None, "ci_high": None}
    # all the same: no spread, the interval collapses onto the mean
    assert t_interval([90.0, 90.0, 90.0]).to_json() == {"value": 90.0, "n": 3, "ci_low": 90.0, "ci_high": 90.0}


@pytest.mark.parametrize("k1,n1,k2,n2", [(30, 50, 20, 50), (5, 10, 9, 12), (80, 100, 60, 100), (1, 40, 0, 35)])
def test_two_proportion_test_matches_a_z_test_from_scipy_norm(k1, n1, k2, n2):
    pooled = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert two_proportion_p(k1, n1, k2, n2) == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-10)


def test_two_proportion_test_edge_cases():
    assert two_proportion_p(0, 0, 3, 10) is None
    assert two_proportion_p(10, 10, 20, 20) == 1.0  # both all-success: no difference to test


@pytest.mark.parametrize("a,b", [([1, 2, 3, 4], [2, 3, 4, 5, 9]), ([70, 75, 80, 90, 95, 60], [88, 92, 94, 99])])
def test_welch_matches_scipy(a, b):
    expected = stats.ttest_ind(a, b, equal_var=False).pvalue
    assert welch_p(summarize(a), summarize(b)) == pytest.approx(expected, rel=1e-9)


def test_welch_is_undefined_on_single_values():
    assert welch_p(summarize([1.0]), summarize([2.0, 3.0])) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10)), min_size=3, max_size=60))
def test_pearson_matches_scipy(pairs):
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    found = pearson(xs, ys)
    if len(set(xs)) == 1 or len(set(ys)) == 1:
        assert found is None
    else:
        assert found == pytest.approx(stats.pearsonr(xs, ys)[0], abs=1e-10)


def test_pearson_on_tiny_samples():
    assert pearson([], []) is None
    assert pearson([3], [4]) is None
    assert pearson([1, 2], [5, 9]) == pytest.approx(1.0)


def test_median():
    assert median([]) is None
    assert median([3]) == 3.0
    assert median([4, 1, 3, 2]) == 2.5
