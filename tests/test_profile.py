"""Performance profiles (optim_lib.profile), Dolan & Moré 2002."""

import numpy as np
import pytest

from optim_lib.profile import performance_profile


def test_profile_by_hand():
    costs = {"p1": {"a": 10, "b": 20, "c": np.inf},
             "p2": {"a": 30, "b": 15, "c": 15},
             "p3": {"a": 5, "b": np.nan, "c": 50}}
    pp = performance_profile(costs)
    assert np.allclose(pp.ratios, [[1, 2, np.inf], [2, 1, 1], [1, np.inf, 10]])
    assert pp.at(1.0) == {"a": 2 / 3, "b": 1 / 3, "c": 1 / 3}
    assert pp.at(2.0) == {"a": 1.0, "b": 2 / 3, "c": 1 / 3}
    assert pp.at(10.0)["c"] == 2 / 3
    assert list(pp.taus[:3]) == [1.0, 2.0, 10.0]
    assert np.all(np.diff(pp.share, axis=1) >= 0)            # a profile never falls
    # the share at tau equals the hand count (a profile that swapped solvers would not)
    i = list(pp.taus).index(2.0)
    assert list(pp.share[:, i]) == [1.0, 2 / 3, 1 / 3]


def test_a_problem_nobody_solves_counts_for_no_one():
    pp = performance_profile({"p": {"a": np.inf, "b": np.inf}, "q": {"a": 1, "b": 2}})
    assert pp.at(100) == {"a": 0.5, "b": 0.5}


@pytest.mark.parametrize("costs, words", [
    ({}, "non-empty"),
    ({"p": {"a": 1}, "q": {"b": 1}}, "must list the solvers"),
    ({"p": {"a": 0.0}}, "must be > 0"),
])
def test_bad_costs_are_named(costs, words):
    with pytest.raises(ValueError, match=words):
        performance_profile(costs)


def test_bad_taus_are_named():
    with pytest.raises(ValueError, match="taus"):
        performance_profile({"p": {"a": 1}}, taus=[0.5, 1])
