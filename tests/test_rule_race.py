"""optim_lib.rule_race: the spaces, the stacked Schedule-Free twin, and the race's bookkeeping."""

import numpy as np
import pytest

from optim_lib import AdamWScheduleFree
from optim_lib.data import load_digits_split
from optim_lib.nn import MLP
from optim_lib.rule_race import DEFAULTS, SPACES, ScheduleFreeStack, race_rules, sample


def test_samples_are_reproducible_nested_and_inside_the_stated_space():
    for name in SPACES:
        a, b = sample(name, 8, seed=3), sample(name, 3, seed=3)
        assert a[:3] == b and a == sample(name, 8, seed=3)
        for t in a:
            assert 1e-4 <= t["lr"] <= 10 and 0 <= t["warmup"] <= 0.2
            assert set(t) | {"schedule"} >= set(DEFAULTS[name]) - {"schedule"}
    with pytest.raises(ValueError, match="name must be one of"):
        sample("Adam", 2)


def test_stacked_schedule_free_equals_the_library_rule_per_run():
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((3, 2, 5))
    grads = [rng.standard_normal(w0.shape) for _ in range(6)]
    lr, beta1 = np.array([0.01, 0.1, 0.3]), np.array([0.5, 0.9, 0.95])
    warm = np.array([0, 3, 10])
    stack = ScheduleFreeStack(lr=lr.reshape(3, 1, 1), beta1=beta1.reshape(3, 1, 1),
                              warmup_steps=warm.reshape(3, 1, 1))
    w = w0.copy()
    for dw in grads:
        stack.step(w, dw)
    x = stack.eval_point(w)
    for g in range(3):
        one = AdamWScheduleFree(lr=lr[g], beta1=beta1[g], warmup_steps=int(warm[g]))
        v = w0[g].copy()
        for dw in grads:
            one.step(v, dw[g])
        np.testing.assert_allclose(w[g], v, atol=1e-13)
        np.testing.assert_allclose(x[g], one.eval_point(v), atol=1e-13)
    with pytest.raises(ValueError, match="beta1"):
        ScheduleFreeStack(beta1=1.0)


def test_a_tiny_race_chooses_nested_and_pairs_the_fresh_seeds():
    data = load_digits_split(seed=0)
    r = race_rules(data, names=("Lion",), budgets={"defaults": 0, "small": 2, "large": 4},
                   seeds=(100, 101), net=MLP((64, 8, 10)), epochs=2)
    assert r.chosen["defaults"]["Lion"] == 0
    s = r.tune_score["Lion"]
    assert s[r.chosen["small"]["Lion"]] == np.nanmax(s[1:3])
    assert s[r.chosen["large"]["Lion"]] >= s[r.chosen["small"]["Lion"]]
    assert r.value["large"]["Lion"].shape == (2,)
    assert r.config("defaults", "Lion")["lr"] == 1e-4
    with pytest.raises(ValueError, match="fresh"):
        race_rules(data, names=("Lion",), seeds=(0, 1), tune_seeds=(0,))
