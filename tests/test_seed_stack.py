"""noisy_runs: one stacked computation, the same runs as run_landscape seed by seed."""

import numpy as np
import pytest

from optim_lib import SGD, Momentum, AdaGrad, RMSProp, Adam
from optim_lib.landscapes import ill_conditioned_bowl, local_minimum, noisy, rotated
from optim_lib.schedules import Scheduled, CosineDecay
from optim_lib.seed_stack import noisy_runs
from optim_lib.train import run_landscape

SEEDS = (0, 3, 7)


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.05), lambda: Momentum(0.02, 0.9),
                                  lambda: AdaGrad(lr=0.3), lambda: RMSProp(lr=0.03, decay=0.99),
                                  lambda: Adam(lr=0.03, beta1=0.5, beta2=0.99),
                                  lambda: Scheduled(RMSProp(lr=0.03), CosineDecay(300))])
@pytest.mark.parametrize("land", [ill_conditioned_bowl(10), local_minimum()])
def test_equals_run_landscape_seed_by_seed(make, land):
    runs = noisy_runs(make(), land, 1.0, SEEDS, steps=300)
    for s, run in zip(SEEDS, runs):
        one = run_landscape(make(), noisy(land, 1.0, seed=s), steps=300)
        # the same floating-point operations, up to the last bit of a vectorized loop
        np.testing.assert_allclose(run.path, one.path, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(run.losses, one.losses, rtol=1e-12, atol=1e-15)
        assert run.diverged_at is None and one.diverged_at is None


def test_rotated_and_start():
    land = rotated(ill_conditioned_bowl(10), 45)
    runs = noisy_runs(Adam(lr=0.03), land, 0.5, SEEDS, steps=100, start=(1.0, 1.0))
    for s, run in zip(SEEDS, runs):
        one = run_landscape(Adam(lr=0.03), noisy(land, 0.5, seed=s), steps=100, start=(1.0, 1.0))
        np.testing.assert_allclose(run.path, one.path, rtol=0, atol=1e-12)


def test_each_run_stops_where_run_landscape_does():
    land = ill_conditioned_bowl(10)
    runs = noisy_runs(SGD(lr=0.25), land, 1.0, SEEDS, steps=200)   # past 2/kappa
    for s, run in zip(SEEDS, runs):
        one = run_landscape(SGD(lr=0.25), noisy(land, 1.0, seed=s), steps=200)
        assert one.diverged and run.diverged_at == one.diverged_at
        np.testing.assert_allclose(run.path, one.path, rtol=1e-12)


def test_a_wrong_seed_or_noise_is_told_apart():
    land = ill_conditioned_bowl(10)
    run = noisy_runs(SGD(lr=0.05), land, 1.0, (1,), steps=50)[0]
    assert not np.array_equal(run.path, run_landscape(SGD(lr=0.05), noisy(land, 1.0, seed=2),
                                                      steps=50).path)
    assert not np.array_equal(run.path, run_landscape(SGD(lr=0.05), noisy(land, 0.9, seed=1),
                                                      steps=50).path)


@pytest.mark.parametrize("kwargs, error", [
    (dict(opt=SGD), TypeError), (dict(landscape="bowl"), TypeError),
    (dict(sigma=-1.0), ValueError), (dict(sigma=np.inf), ValueError),
    (dict(seeds=()), ValueError), (dict(steps=-1), ValueError),
    (dict(start=(0.0,)), ValueError)])
def test_bad_input(kwargs, error):
    args = dict(opt=SGD(lr=0.1), landscape=ill_conditioned_bowl(10), sigma=1.0, seeds=(0, 1),
                steps=10)
    args.update(kwargs)
    with pytest.raises(error):
        noisy_runs(**args)
