"""Confidence intervals and tests, with the math module only.

scipy is a test dependency, not a runtime one: garages install ``csi`` on
office PCs and CI runners, so the few distributions we need are written here
(Student's t through the regularised incomplete beta function, the normal
through ``math.erfc``) and checked against scipy in the tests.

Every function returns ``None`` where the statistic is undefined (no data, a
zero variance), never NaN, so the JSON report needs no cleaning.
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95
Z95 = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)  # 1.959963984540054


@dataclass(frozen=True)
class Summary:
    """n, mean and sample variance (ddof=1) of a list of numbers."""
    n: int
    mean: float | None
    variance: float | None  # None when n < 2


@dataclass(frozen=True)
class MeanCI:
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None

    def to_json(self) -> dict:
        return {"value": self.value, "n": self.n, "ci_low": self.ci_low, "ci_high": self.ci_high}

    def within(self, low: float, high: float) -> MeanCI:
        """The interval cut to the range the values can take: a t-interval on a few spread-out
        values runs past it (scores 0, 50 and 100 give -74 to 174), and no mean can lie there."""
        return MeanCI(self.value, self.n,
                      None if self.ci_low is None else min(high, max(low, self.ci_low)),
                      None if self.ci_high is None else min(high, max(low, self.ci_high)))


def summarize(values: list[float]) -> Summary:
    n = len(values)
    if n == 0:
        return Summary(0, None, None)
    mean = math.fsum(values) / n
    if n < 2:
        return Summary(n, mean, None)
    variance = math.fsum((x - mean) ** 2 for x in values) / (n - 1)
    return Summary(n, mean, variance)


def summary_from_sums(n: int, total: float, squares: float) -> Summary:
    """``summarize`` from a count, a sum and a sum of squares: a group's figure without its list
    (everyone else is the garage minus the caller; a window is a slice of one item's answers)."""
    if n == 0:
        return Summary(0, None, None)
    mean = total / n
    return Summary(n, mean, max(0.0, (squares - n * mean * mean) / (n - 1)) if n > 1 else None)


# --- distributions ----------------------------------------------------------------

def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Lentz's method, as in Numerical Recipes' betacf.
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1000):
        m2 = 2 * m
        for numerator in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                          -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1.0 - tail


def t_pdf(t: float, df: float) -> float:
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))


@functools.lru_cache(maxsize=4096)
def t_ppf(q: float, df: float) -> float:
    """Quantile of Student's t (0 < q < 1): Newton's method inside a bisection bracket.

    Kept per (q, df): a build's thirteen reports ask for it ~450 times, for ~250 sample
    sizes, at ~0.15 ms each."""
    if not 0.0 < q < 1.0:
        raise ValueError("q must lie strictly between 0 and 1")
    if q < 0.5:
        return -t_ppf(1.0 - q, df)
    if q == 0.5:
        return 0.0
    target = 1.0 - q
    low, high = 0.0, 1.0
    while t_sf(high, df) > target:
        low, high = high, high * 2.0
    t = min(max(NormalDist().inv_cdf(q), low), high)
    for _ in range(100):
        error = t_sf(t, df) - target  # decreasing in t
        if error == 0.0:
            return t
        if error > 0:
            low = t
        else:
            high = t
        step = error / t_pdf(t, df)
        candidate = t + step
        # the tail's own rounding (about 1e-16 absolute) limits accuracy to ~1e-12 relative
        if abs(step) <= 1e-12 * t:
            return candidate if low <= candidate <= high else t
        t = candidate if low < candidate < high else (low + high) / 2.0
        if high - low <= 1e-12 * t:
            return t
    return t


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


# --- intervals --------------------------------------------------------------------

def wilson(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion (no continuity correction)."""
    if n <= 0:
        return None, None
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(values: list[float]) -> MeanCI:
    """Mean with a 95% t-interval; one value has a mean but no interval."""
    return t_interval_from(summarize(values))


def t_interval_from(summary: Summary) -> MeanCI:
    if summary.n == 0:
        return MeanCI(None, 0, None, None)
    if summary.variance is None:
        return MeanCI(summary.mean, summary.n, None, None)
    half = t_ppf(0.5 + CONFIDENCE / 2, summary.n - 1) * math.sqrt(summary.variance / summary.n)
    return MeanCI(summary.mean, summary.n, summary.mean - half, summary.mean + half)


# --- tests ------------------------------------------------------------------------

def two_proportion_p(successes_a: int, n_a: int, successes_b: int, n_b: int) -> float | None:
    """Two-sided p of the pooled two-proportion z-test; None when undefined."""
    if n_a <= 0 or n_b <= 0:
        return None
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        # both samples all-success or all-failure: no evidence of a difference
        return 1.0
    z = (successes_a / n_a - successes_b / n_b) / math.sqrt(variance)
    return normal_two_sided_p(z)


def welch_p(a: Summary, b: Summary) -> float | None:
    """Two-sided p of Welch's unequal-variance t-test; None when undefined."""
    if a.variance is None or b.variance is None:
        return None
    va, vb = a.variance / a.n, b.variance / b.n
    if va + vb <= 0:
        return None if a.mean != b.mean else 1.0
    t = (a.mean - b.mean) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va * va / (a.n - 1) + vb * vb / (b.n - 1))
    return min(1.0, 2.0 * t_sf(abs(t), df))


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None for fewer than two pairs or a constant variable."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    # Raw sums run at C speed over a dealer's 100,000 pairs; on integer scores they are exact.
    sx, sy = math.fsum(xs), math.fsum(ys)
    sxx = n * math.fsum(map(operator.mul, xs, xs)) - sx * sx
    syy = n * math.fsum(map(operator.mul, ys, ys)) - sy * sy
    sxy = n * math.fsum(map(operator.mul, xs, ys)) - sx * sy
    if sxx <= 1e-12 * max(1.0, sx * sx) or syy <= 1e-12 * max(1.0, sy * sy):
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
