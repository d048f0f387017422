"""The race's problems (optim_lib.problems): stacked runs equal one run at a time."""

import numpy as np
import pytest

from optim_lib.data import load_digits_split
from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.linear_race import train_classifiers
from optim_lib.network_train import train_networks
from optim_lib.nn import MLP
from optim_lib.problems import Landscape2D, LinearDigits, MLPDigits, steps_to_target
from optim_lib.search_space import search_space
from optim_lib.train import run_landscape


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def _mixed(name, n, seed=2):
    t = search_space(name).sample(n, seed=seed)
    t.schedule[: n // 2] = "warmup_cosine"
    t.warmup[: n // 2] = np.linspace(0, 0.2, n // 2)
    t.schedule[n // 2:] = "constant"
    t.warmup[n // 2:] = 0.0
    return t


@pytest.mark.parametrize("degrees", [0, 45])
@pytest.mark.parametrize("name", ["Momentum", "Adam"])
def test_landscape_stacked_equals_run_landscape(name, degrees):
    prob = Landscape2D(ill_conditioned_bowl(10), degrees, steps=60)
    trials, seeds = _mixed(name, 4), (3, 4)
    out = prob.run(trials.optimizer(3, prob.total), len(trials), seeds)
    assert out.curve.shape == (61, 4, 2)
    starts = prob.starts(seeds)
    for i in range(len(trials)):
        for j in range(len(seeds)):
            run = run_landscape(trials.single(i, prob.total), prob.landscape, steps=60,
                                start=starts[j])
            ref = run.losses - prob.landscape.min_value
            got = out.curve[: len(ref), i, j]
            assert np.allclose(got, ref, rtol=1e-9, atol=1e-15), (i, j)
            if run.diverged:
                assert np.all(np.isnan(out.curve[len(ref) + 1:, i, j]))


def test_turned_starts_turn_with_the_landscape():
    bowl = ill_conditioned_bowl(10)
    a, b = Landscape2D(bowl), Landscape2D(bowl, 45)
    seeds = (0, 1, 2)
    assert np.allclose(np.hypot(*a.starts(seeds).T), np.hypot(*np.array(bowl.start)))
    # the same value at the start: the turned start is the aligned one, turned
    assert np.allclose(a.landscape(a.starts(seeds).T), b.landscape(b.starts(seeds).T))
    assert not np.allclose(a.starts(seeds), b.starts(seeds))
    # SGD (rotation-invariant) does the same on both
    t = search_space("SGD").sample(3, seed=0)
    ca = a.run(t.optimizer(3, a.total), 3, seeds).curve
    cb = b.run(t.optimizer(3, b.total), 3, seeds).curve
    assert np.allclose(ca, cb, rtol=1e-6, atol=1e-12, equal_nan=True)


def test_steps_to_target_is_the_first_arrival():
    steps = np.array([0, 10, 20, 30])
    curve = np.array([[5.0, 5.0], [0.5, 3.0], [2.0, np.nan], [0.1, np.nan]])
    assert list(steps_to_target(steps, curve, 1.0)) == [10, np.inf]
    assert list(steps_to_target(steps, curve, 1.0, censor=31)) == [10, 31]
    assert list(steps_to_target(steps, curve, 4.0, higher_is_better=True)) == [0, 0]
    assert list(steps_to_target(steps, -curve, -0.2, higher_is_better=False)) == [0, 0]
    with pytest.raises(ValueError, match="one row per entry of steps"):
        steps_to_target(steps, curve[:3], 1.0)


def test_linear_stacked_equals_one_optimizer_per_group(data):
    prob = LinearDigits(data, epochs=2, dtype=np.float64)
    trials, seeds = _mixed("Adam", 4), (0, 1)
    out = prob.run(trials.optimizer(3, prob.total), len(trials), seeds, test=True)
    ref = train_classifiers([trials.single(i, prob.total) for i in range(len(trials))], data,
                            seeds, epochs=2, reg=prob.reg, checkpoints=(1, 2))
    assert np.allclose(out.curve, ref.train_loss - prob.optimum.f_star, rtol=1e-9, atol=1e-12,
                       equal_nan=True)
    assert list(out.steps) == [prob.per_epoch, 2 * prob.per_epoch]
    acc = np.stack([ref.accuracy(data.X_test, data.y_test, 2, g) for g in range(4)])
    assert np.allclose(out.test, acc, equal_nan=True)
    assert prob.optimum.certificate <= 1e-4


def test_mlp_stacked_equals_one_optimizer_per_group(data):
    net = MLP((64, 8, 10))
    prob = MLPDigits(data, net=net, epochs=2)
    trials, seeds = _mixed("RMSProp", 4), (0, 1)
    out = prob.run(trials.optimizer(3, prob.total), len(trials), seeds, test=True)
    ref = train_networks(net, [trials.single(i, prob.total) for i in range(len(trials))], data,
                         seeds, epochs=2, checkpoints=(1, 2))
    assert np.allclose(out.curve, ref.val_acc, equal_nan=True)
    acc = np.stack([ref.test_accuracy(data, 2, g) for g in range(4)])
    assert np.allclose(out.test, acc, equal_nan=True)


@pytest.mark.parametrize("call, error, words", [
    (lambda d: Landscape2D("bowl"), TypeError, "2-D Landscape"),
    (lambda d: Landscape2D(ill_conditioned_bowl(), steps=0), ValueError, "steps"),
    (lambda d: LinearDigits("digits"), TypeError, "DigitsSplit"),
    (lambda d: MLPDigits(d, target=1.5), ValueError, "target"),
])
def test_bad_problems_are_named(data, call, error, words):
    with pytest.raises(error, match=words):
        call(data)
