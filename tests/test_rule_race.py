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


def test_choose_takes_the_best_finite_score_of_a_block():
    from optim_lib.rule_race import choose
    score = np.array([0.5, 0.7, np.nan, 0.9, 0.6, 0.95])
    assert choose(score, 1, 2) == 1 and choose(score, 1, 4) == 3 and choose(score, 4, 5) == 5
    assert choose(np.array([0.1, np.nan, 0.2]), 1, 1) == 1       # a block of one is its trial
    for first, last in ((3, 2), (1, 6), (-1, 2)):
        with pytest.raises(ValueError):
            choose(score, first, last)


def test_fresh_runs_repeat_the_final_runs_of_both_races():
    from optim_lib.problems import MLPDigits
    from optim_lib.protocol import run_race
    from optim_lib.rule_race import fresh_runs
    data, net = load_digits_split(seed=0), MLP((64, 8, 10))
    budgets, seeds = {"defaults": 0, "small": 2}, (100, 101)
    r = race_rules(data, names=("Muon",), budgets=budgets, seeds=seeds, net=net, epochs=2)
    got = fresh_runs(data, "Muon", [r.config("small", "Muon")], seeds, net=net, epochs=2)
    np.testing.assert_array_equal(got[0], r.value["small"]["Muon"])
    a = run_race(MLPDigits(data, net=net, epochs=2), names=("Adam",), budgets=budgets, seeds=seeds,
                 lr_trials=0)
    configs = [a.config(b, "Adam") for b in budgets]
    got = fresh_runs(data, "Adam", configs, seeds, net=net, epochs=2)
    for i, b in enumerate(budgets):
        np.testing.assert_array_equal(got[i], a.value[b]["Adam"])
    with pytest.raises(ValueError, match="name must be one of"):
        fresh_runs(data, "Adamax", configs, seeds, net=net, epochs=2)


def test_kept_x_is_the_eval_point_of_a_run_stopped_there():
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((2, 3, 4))
    grads = [rng.standard_normal(w0.shape) for _ in range(6)]
    lr = np.array([0.01, 0.2]).reshape(2, 1, 1)
    long, short = ScheduleFreeStack(lr=lr, keep_x_at=(3, 6)), ScheduleFreeStack(lr=lr)
    w, v = w0.copy(), w0.copy()
    for t, dw in enumerate(grads):
        long.step(w, dw)
        if t < 3:
            short.step(v, dw)
    np.testing.assert_array_equal(long.kept[3], short.eval_point(v))
    np.testing.assert_array_equal(long.kept[6], long.eval_point(w))
    with pytest.raises(ValueError, match="keep_x_at"):
        ScheduleFreeStack(keep_x_at=(0,))


@pytest.mark.parametrize("name", list(SPACES))
def test_a_trials_score_does_not_depend_on_how_many_trials_run_beside_it(name):
    """Budgets nest only if trial i scores the same whether 5 or 9 trials are stacked."""
    from optim_lib.network_train import train_networks
    from optim_lib.rule_race import _accuracies, stacked

    data, net = load_digits_split(), MLP((64, 8, 10))
    total = 2 * -(-len(data.y_train) // 64)
    t = [dict(DEFAULTS[name])] + sample(name, 8, seed=3)
    scores = []
    for k in (5, 9):
        opt = stacked(name, t[:k], net, total)
        runs = train_networks(net, opt, data, (0,), 2, 64, groups=k)
        scores.append(_accuracies(net, data, opt, runs, test=False)[:5])
    assert np.array_equal(scores[0], scores[1], equal_nan=True)
