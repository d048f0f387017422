"""Seeds in pairs (optim_lib.stats): the interval, the verdict, and bad input named."""

import numpy as np
import pytest
from scipy import stats

from optim_lib.stats import paired_difference


def test_interval_matches_scipy_paired_t_test():
    rng = np.random.default_rng(0)
    b = rng.normal(size=12)
    a = b + 0.3 + 0.1 * rng.normal(size=12)
    d = paired_difference(a, b)
    res = stats.ttest_rel(a, b)
    ci = res.confidence_interval(0.95)
    assert d.low == pytest.approx(ci.low, rel=1e-12)
    assert d.high == pytest.approx(ci.high, rel=1e-12)
    assert d.mean == pytest.approx(np.mean(a - b))
    assert d.n == 12


def test_pairing_removes_the_seed_spread():
    # A large seed effect shared by both methods, a small constant method effect:
    # paired, the difference is certain; unpaired spreads would overlap.
    seed_effect = np.array([0.0, 5.0, -3.0, 8.0, 1.0])
    a, b = seed_effect + 0.01, seed_effect.copy()
    d = paired_difference(a, b)
    assert d.low > 0 and d.verdict(lower_is_better=True) == "worse"
    assert paired_difference(b, a).verdict(lower_is_better=True) == "better"
    assert paired_difference(a, b).verdict(lower_is_better=False) == "better"


def test_tie_only_when_the_interval_covers_zero():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([1.1, 1.9, 3.1, 3.9])
    d = paired_difference(a, b)
    assert d.covers_zero() and d.verdict() == "tie"
    assert "CI" in str(d) and "n = 4" in str(d)


@pytest.mark.parametrize("a, b, match", [
    (np.ones((2, 2)), np.ones((2, 2)), "a must be a 1-D"),
    (np.ones(3), np.ones(4), "b must pair with a"),
    (np.ones(1), np.ones(1), "at least 2"),
    (np.array([1.0, np.nan]), np.ones(2), "finite"),
])
def test_bad_input_is_named(a, b, match):
    with pytest.raises(ValueError, match=match):
        paired_difference(a, b)


def test_bad_confidence_is_named():
    with pytest.raises(ValueError, match="confidence must be in"):
        paired_difference(np.arange(3.0), np.zeros(3), confidence=1.5)


def test_verdict_table_pairs_every_method_with_the_reference():
    from optim_lib.stats import verdict_table

    rng = np.random.default_rng(1)
    base = rng.normal(size=10)
    values = {"ref": base, "faster": base - 1.0 + 0.01 * rng.normal(size=10),
              "same": base + 0.01 * rng.normal(size=10), "broken": np.r_[base[:9], np.nan]}
    rows = verdict_table(values, "ref", lower_is_better=True)
    by = {r["optimizer"]: r for r in rows}
    assert [r["optimizer"] for r in rows] == list(values)
    assert by["ref"]["verdict"] == "reference" and by["ref"]["diff"] is None
    assert by["faster"]["verdict"] == "better"
    assert by["faster"]["diff"] == paired_difference(values["faster"], base)
    assert by["same"]["verdict"] == "tie" and by["same"]["diff"].covers_zero()
    assert by["broken"]["verdict"] == "diverged on 1 seeds" and by["broken"]["diff"] is None
    # higher is better flips the verdict (the table does not hard-code a direction)
    assert verdict_table(values, "ref", lower_is_better=False)[1]["verdict"] == "worse"
    with pytest.raises(ValueError, match="reference must be one of"):
        verdict_table(values, "nobody")


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_the_interval_is_scipy_stats_t_interval_to_the_bit(confidence):
    """stats.py takes the t quantile from scipy.special (a quarter of the import time of
    scipy.stats): the interval equals scipy.stats.t's, bit for bit, at every n."""
    from scipy import stats

    rng = np.random.default_rng(3)
    for n in (2, 3, 5, 8, 16, 32, 100, 1000):
        a, b = rng.normal(size=n), rng.normal(size=n)
        d = paired_difference(a, b, confidence)
        se = float((a - b).std(ddof=1) / np.sqrt(n))
        half = float(stats.t.ppf(0.5 + confidence / 2, df=n - 1)) * se
        assert (d.low, d.high) == (d.mean - half, d.mean + half)


def test_the_bit_for_bit_check_sees_a_wrong_quantile(monkeypatch):
    """The comparison above fails for a quantile that is not Student's (the normal one)."""
    import optim_lib.stats as mod
    from scipy import stats

    monkeypatch.setattr(mod, "_t_quantile", lambda df, q: stats.norm.ppf(q))
    a, b = np.arange(8.0), np.arange(8.0)[::-1] ** 1.5
    d = mod.paired_difference(a, b)
    se = float((a - b).std(ddof=1) / np.sqrt(8))
    assert d.high != d.mean + float(stats.t.ppf(0.975, df=7)) * se


def test_importing_stats_does_not_import_scipy_stats():
    import subprocess
    import sys

    code = "import sys, optim_lib.stats; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
