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
