"""Random search and random local search (optim_lib.search)."""

import numpy as np
import pytest

from optim_lib.search import random_local_search, random_search

TARGET = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])


def quadratic(W):
    return float(np.sum((W - TARGET) ** 2))


def test_random_search_is_deterministic_given_seed():
    a = random_search(quadratic, (2, 3), tries=40, scale=1.0, seed=1)
    b = random_search(quadratic, (2, 3), tries=40, scale=1.0, seed=1)
    c = random_search(quadratic, (2, 3), tries=40, scale=1.0, seed=2)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.W, b.W)
    assert not np.array_equal(a.losses, c.losses)


def test_random_search_keeps_the_best_of_its_draws():
    res = random_search(quadratic, (2, 3), tries=40, scale=1.0, seed=1)
    # the guesses are scale * N(0, 1) from default_rng(seed), one per try, in order
    rng = np.random.default_rng(1)
    draws = [1.0 * rng.standard_normal((2, 3)) for _ in range(40)]
    np.testing.assert_array_equal(res.losses, [quadratic(W) for W in draws])
    assert res.best_loss == res.losses.min()
    np.testing.assert_array_equal(res.W, draws[int(np.argmin(res.losses))])
    assert quadratic(res.W) == res.best_loss
    assert len(np.unique(res.losses)) == 40          # really different guesses


def test_best_so_far_is_the_running_minimum():
    res = random_search(quadratic, (2, 3), tries=60, scale=2.0, seed=0)
    bsf = res.best_so_far
    assert bsf.shape == (60,)
    assert np.all(np.diff(bsf) <= 0)
    assert bsf[0] == res.losses[0] and bsf[-1] == res.best_loss
    for n in (0, 7, 30, 59):
        assert bsf[n] == res.losses[: n + 1].min()
    assert np.any(np.diff(bsf) < 0)                  # it did improve along the way


def test_scale_sets_the_size_of_the_guesses():
    small = random_search(lambda W: float(np.abs(W).max()), (10, 65), tries=5, scale=1e-3)
    assert 1e-3 < small.best_loss < 1e-2             # max of 650 |N(0, 1e-3**2)| ~ 3e-3


def test_random_local_search_never_keeps_a_worse_try():
    # Starting at the minimum, every try is worse: nothing may be kept.
    res = random_local_search(quadratic, TARGET.copy(), tries=30, step_size=0.1, seed=0)
    assert res.best_loss == 0.0
    np.testing.assert_array_equal(res.W, TARGET)
    assert np.all(res.losses > 0)


def test_random_local_search_beats_its_start_on_a_quadratic():
    W0 = np.zeros((2, 3))
    start = quadratic(W0)                            # 1 + 4 + 0.25 + 0 + 9 + 1 = 15.25
    assert start == 15.25
    res = random_local_search(quadratic, W0, tries=400, step_size=0.2, seed=0)
    assert res.best_loss < 0.05 * start
    assert quadratic(res.W) == res.best_loss
    # the best loss is the best of the start and of all tries (the search never goes up)
    assert res.best_loss == min(start, res.losses.min())
    np.testing.assert_array_equal(W0, 0.0)           # the start is not modified


def test_random_local_search_steps_from_the_best_point():
    # Replay: each try is best + step_size * N(0, 1), kept only if it lowers the loss.
    W0 = np.zeros((2, 3))
    res = random_local_search(quadratic, W0, tries=25, step_size=0.5, seed=4)
    rng = np.random.default_rng(4)
    best, best_loss = W0, quadratic(W0)
    for n in range(25):
        W = best + 0.5 * rng.standard_normal((2, 3))
        assert res.losses[n] == quadratic(W)
        if quadratic(W) < best_loss:
            best, best_loss = W, quadratic(W)
    np.testing.assert_array_equal(res.W, best)
    assert res.best_loss == best_loss


@pytest.mark.parametrize("tries", [0, -3, 2.5, True, "10"])
def test_bad_tries_raise_naming_it(tries):
    with pytest.raises(ValueError, match=r"^tries must"):
        random_search(quadratic, (2, 3), tries=tries)
    with pytest.raises(ValueError, match=r"^tries must"):
        random_local_search(quadratic, np.zeros((2, 3)), tries=tries)


@pytest.mark.parametrize("value", [0, -1.0, float("inf"), float("nan"), True, "0.1"])
def test_bad_scale_and_step_size_raise_naming_them(value):
    with pytest.raises(ValueError, match=r"^scale must"):
        random_search(quadratic, (2, 3), scale=value)
    with pytest.raises(ValueError, match=r"^step_size must"):
        random_local_search(quadratic, np.zeros((2, 3)), step_size=value)
