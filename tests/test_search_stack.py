"""Stacked random local searches equal the one-at-a-time reference, draw for draw."""

import numpy as np
import pytest

from optim_lib.losses import svm_loss_of
from optim_lib.search import random_local_search
from optim_lib.search_stack import local_searches, slope_and_bend, svm_losses


def problem(seed=0, N=40, C=4, D=6):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, C, size=N), C, D


def test_svm_losses_match_the_loss_of_each_matrix():
    X, y, C, D = problem()
    Ws = 0.3 * np.random.default_rng(1).standard_normal((5, C, D))
    loss_of = svm_loss_of(X, y, 0.1)
    np.testing.assert_allclose(svm_losses(Ws, X, y, 0.1), [loss_of(W) for W in Ws],
                               rtol=1e-12, atol=1e-12)


def test_local_searches_equal_the_reference_search_per_seed_and_step():
    X, y, C, D = problem()
    steps, seeds = [0.05, 0.05, 0.3], [0, 4, 4]
    best = local_searches(X, y, 1e-2, np.zeros((C, D)), 60, steps, seeds)
    loss_of = svm_loss_of(X, y, 1e-2)
    for k, (s, seed) in enumerate(zip(steps, seeds)):
        ref = random_local_search(loss_of, np.zeros((C, D)), tries=60, step_size=s, seed=seed)
        np.testing.assert_allclose(best[k], ref.best_so_far, rtol=1e-12, atol=1e-12)
    # and it can fail: another seed is another search
    other = random_local_search(loss_of, np.zeros((C, D)), tries=60, step_size=0.05, seed=1)
    assert not np.allclose(best[0], other.best_so_far)


def test_slope_and_bend_split_the_change_exactly():
    X, y, C, D = problem()
    W = 0.2 * np.random.default_rng(2).standard_normal((C, D))
    Z = np.random.default_rng(3).standard_normal((7, C, D))
    slope, bend = slope_and_bend(X, y, 0.1, W, Z, 0.05)
    loss_of = svm_loss_of(X, y, 0.1)
    plus = np.array([loss_of(W + 0.05 * z) for z in Z])
    np.testing.assert_allclose(slope + bend, plus - loss_of(W), atol=1e-12)
    assert np.all(bend >= -1e-12)                      # convex loss: the even part is >= 0


def test_bad_inputs_are_named():
    X, y, C, D = problem()
    with pytest.raises(ValueError, match="Ws must be a float array"):
        svm_losses(np.zeros((C, D)), X, y)
    with pytest.raises(ValueError, match="X must have shape"):
        svm_losses(np.zeros((1, C, D + 1)), X, y)
    with pytest.raises(ValueError, match="step_sizes and seeds"):
        local_searches(X, y, 0.0, np.zeros((C, D)), 5, [0.1, 0.2], [0])
    with pytest.raises(ValueError, match="step_sizes must be finite"):
        local_searches(X, y, 0.0, np.zeros((C, D)), 5, [0.0], [0])
    with pytest.raises(ValueError, match="tries"):
        local_searches(X, y, 0.0, np.zeros((C, D)), 0, [0.1], [0])
    with pytest.raises(ValueError, match="directions must have shape"):
        slope_and_bend(X, y, 0.0, np.zeros((C, D)), np.zeros((2, C, D + 1)), 0.1)
    with pytest.raises(ValueError, match="step_size"):
        slope_and_bend(X, y, 0.0, np.zeros((C, D)), np.zeros((2, C, D)), -1.0)


def test_random_searches_equal_the_reference_search_per_seed():
    from optim_lib.search import random_search
    from optim_lib.search_stack import random_searches
    X, y, C, D = problem()
    best = random_searches(X, y, 1e-2, (C, D), 70, 0.5, [0, 3], chunk=16)
    loss_of = svm_loss_of(X, y, 1e-2)
    for k, seed in enumerate([0, 3]):
        ref = random_search(loss_of, (C, D), tries=70, scale=0.5, seed=seed)
        np.testing.assert_allclose(best[k], ref.best_so_far, rtol=1e-12, atol=1e-12)
    # and it can fail: another seed, or another scale, is another search
    other = random_search(loss_of, (C, D), tries=70, scale=0.5, seed=1)
    assert not np.allclose(best[0], other.best_so_far)
    wider = random_search(loss_of, (C, D), tries=70, scale=0.6, seed=0)
    assert not np.allclose(best[0], wider.best_so_far)
    with pytest.raises(ValueError, match="shape"):
        random_searches(X, y, 0.0, (C, D, 1), 5, 0.1, [0])
    with pytest.raises(ValueError, match="scale"):
        random_searches(X, y, 0.0, (C, D), 5, 0.0, [0])
