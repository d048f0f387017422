"""What the chapters measure on a run (optim_lib.metrics): overshoot, uphill steps, escapes,
crossings, flips, turning angles, settling and the score of a landscape run."""

import math

import numpy as np
import pytest

from optim_lib import SGD, Momentum, Nesterov
from optim_lib.landscapes import ill_conditioned_bowl, noisy, saddle
from optim_lib.metrics import (crossings, escape_step, flip_rate, overshoot, settle_step,
                               steps_score, turning_angle, uphill_steps)
from optim_lib.train import Run, run_landscape


def make_run(path, losses=None):
    path = np.array(path, dtype=float)
    losses = np.zeros(len(path)) if losses is None else np.array(losses, dtype=float)
    return Run("test", path, losses)


def test_overshoot_measures_the_far_side_only():
    # From x = -2 towards 0: the largest x beyond 0 is 0.5.
    run = make_run([[-2, 0], [-1, 0], [0.5, 1], [0.2, 0], [-0.1, 0]])
    assert overshoot(run, (0, 0)) == 0.5
    # Travelling in the other direction, from x = +2: the farthest point below 0 is -0.3.
    run = make_run([[2, 0], [-0.3, 0], [0.1, 0]])
    assert overshoot(run, (0, 0)) == pytest.approx(0.3)
    # Along y, from y = 1 towards 0: the path reaches y = -0.25.
    assert overshoot(make_run([[0, 1], [0, -0.25], [0, 0]]), (0, 0), axis=1) == 0.25


def test_overshoot_is_zero_without_crossing():
    assert overshoot(make_run([[-2, 0], [-1, 0], [-0.1, 0]]), (0, 0)) == 0.0


def test_overshoot_of_momentum_on_the_bowl():
    bowl = ill_conditioned_bowl()
    assert overshoot(run_landscape(SGD(0.01), bowl, 200), (0, 0)) == 0.0
    # Heavy momentum carries the run past the minimum along the valley.
    assert overshoot(run_landscape(Momentum(0.01, 0.99), bowl, 400), (0, 0)) > 1.0


def test_uphill_steps_counts_increases():
    run = make_run([[0, 0]] * 5, losses=[3, 2, 2.5, 1, 1.5])
    assert uphill_steps(run) == 2
    assert uphill_steps(make_run([[0, 0]] * 3, losses=[3, 2, 1])) == 0


def test_escape_step():
    run = make_run([[0, 0.0], [0, 0.2], [0, -0.6], [0, 0.9]])
    assert escape_step(run, 0.5) == 2
    assert escape_step(run, 0.95) is None
    assert escape_step(run, 0.1, axis=0) is None
    # Momentum leaves the saddle sooner than plain gradient descent.
    s = saddle()
    sgd = escape_step(run_landscape(SGD(0.1), s, 200), 0.5)
    mom = escape_step(run_landscape(Momentum(0.1, 0.9), s, 200), 0.5)
    assert mom < sgd


@pytest.mark.parametrize("call, match", [
    (lambda r: overshoot("path", (0, 0)), "run must be a Run"),
    (lambda r: overshoot(r, (0, 0), axis=2), "axis must be"),
    (lambda r: overshoot(r, (0, 0), axis=True), "axis must be"),
    (lambda r: overshoot(r, (0, 0, 0)), "minimum must have 2"),
    (lambda r: overshoot(r, (-2, 5)), "starts at the minimum"),
    (lambda r: uphill_steps([1, 2]), "run must be a Run"),
    (lambda r: escape_step(r, -1.0), "threshold must be"),
    (lambda r: escape_step(r, float("nan")), "threshold must be"),
    (lambda r: escape_step(r, 0.5, axis=-1), "axis must be"),
])
def test_bad_arguments_are_named(call, match):
    run = make_run([[-2, 0], [0.5, 0]])
    with pytest.raises((TypeError, ValueError), match=match):
        call(run)


def test_crossings_counts_sign_changes():
    run = make_run([[0, 1], [0, -1], [0, 0], [0, -0.5], [0, 2], [0, 3]])
    assert crossings(run, (0, 0)) == 2          # + to -, (0 skipped), - to +
    assert crossings(run, (0, 1.5)) == 1
    assert crossings(run, (0, 0), axis=0) == 0
    with pytest.raises(ValueError, match="axis must be"):
        crossings(run, (0, 0), axis=3)
    with pytest.raises(ValueError, match="minimum must have 2"):
        crossings(run, (0,))
    with pytest.raises(TypeError, match="run must be a Run"):
        crossings(None, (0, 0))
    # Momentum zig-zags across the valley; Nesterov's look-ahead damps it.
    bowl = ill_conditioned_bowl()
    mom = crossings(run_landscape(Momentum(0.1, 0.9), bowl, 150), (0, 0))
    nag = crossings(run_landscape(Nesterov(0.1, 0.9), bowl, 150), (0, 0))
    assert nag < mom / 5


def test_flip_rate_counts_reversals_per_coordinate():
    path = np.array([[0, 0], [1, 1], [2, 0], [3, 1], [4, 0.0]])   # x steady, y zig-zags
    run = Run("t", path, np.zeros(len(path)))
    np.testing.assert_array_equal(flip_rate(run), [0.0, 1.0])
    with pytest.raises(ValueError, match="run"):
        flip_rate(Run("short", path[:2], np.zeros(2)))


def test_turning_angle_straight_zigzag_and_right_angles():
    straight = make_run([[0, 0], [1, 1], [2, 2], [4, 4]])
    assert turning_angle(straight) == pytest.approx(0.0, abs=1e-4)
    zigzag = make_run([[0, 0], [1, 0], [0, 0], [1, 0]])
    assert turning_angle(zigzag) == pytest.approx(180.0)
    square = make_run([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])
    assert turning_angle(square) == pytest.approx(90.0)
    # a step of length 0 has no direction: it is left out, not counted as a turn
    assert turning_angle(make_run([[0, 0], [1, 0], [1, 0], [2, 0], [3, 0]])) == pytest.approx(0.0, abs=1e-4)
    with pytest.raises(ValueError, match="run must have at least 2"):
        turning_angle(make_run([[0, 0], [1, 0]]))
    with pytest.raises(TypeError, match="run must be a Run"):
        turning_angle(None)


def test_turning_angle_separates_noisy_sgd_from_momentum():
    """Chapter 6: noise turns SGD's path by large angles; momentum averages it out."""
    bowl = ill_conditioned_bowl(10)
    for seed in range(5):
        sgd = run_landscape(SGD(0.05), noisy(bowl, 1.0, seed=seed), 200)
        mom = run_landscape(Momentum(0.005, 0.9), noisy(bowl, 1.0, seed=seed), 200)
        assert turning_angle(mom) < turning_angle(sgd) - 20


def test_steps_score():
    L = ill_conditioned_bowl(10.0)
    reached = run_landscape(SGD(0.1), L, steps=200)
    assert steps_score(reached, 1e-3) == settle_step(reached, 1e-3) == reached.steps_to(1e-3)
    short = run_landscape(SGD(0.1), L, steps=5)
    s = steps_score(short, 1e-3)
    assert 5 < s < 5 + math.log10(1 + short.final_loss / 1e-3) + 1e-12
    closer = run_landscape(SGD(0.15), L, steps=5)
    assert (steps_score(closer, 1e-3) < s) == (closer.final_loss < short.final_loss)
    assert np.isnan(steps_score(run_landscape(SGD(1.0), L, steps=50), 1e-3))
    with pytest.raises(TypeError, match="run"):
        steps_score([1, 2], 1e-3)
    with pytest.raises(ValueError, match="target"):
        steps_score(reached, float("inf"))


def test_settle_step_ignores_passing_through():
    losses = np.array([5.0, 0.5, 2.0, 0.4, 0.3, 0.2])
    run = Run("x", np.zeros((6, 2)), losses)
    assert run.steps_to(1.0) == 1           # first touch
    assert settle_step(run, 1.0) == 3       # stays below from step 3 on
    assert settle_step(run, 0.1) is None    # never ends below
    assert settle_step(run, 10.0) == 0
    assert steps_score(run, 1.0) == 3.0
    assert steps_score(run, 0.1) > 5
    assert settle_step(Run("d", np.zeros((2, 2)), np.array([1.0, 0.0]), diverged_at=2), 1.0) is None
    with pytest.raises(TypeError, match="run"):
        settle_step(None, 1.0)


def test_amplitude_is_the_largest_distance_in_the_window():
    from optim_lib.metrics import amplitude
    from optim_lib.train import Run
    path = np.array([[0.0, 1.0], [0.0, -0.5], [0.0, 0.25], [0.0, -1e-9], [0.0, 1e-9]])
    run = Run("r", path, np.zeros(len(path)))
    assert amplitude(run, (0, 0)) == 1.0
    assert amplitude(run, (0, 0), start=1, stop=3) == 0.5
    assert amplitude(run, (0, 0), start=3) == 1e-9          # many sign flips, tiny amplitude
    assert amplitude(run, (0, 0.25), start=2, stop=3) == 0.0
    for kw, match in [(dict(start=3, stop=3), "start"), (dict(stop=9), "stop"),
                      (dict(start=1.5), "start"), (dict(axis=2), "axis")]:
        with pytest.raises(ValueError, match=match):
            amplitude(run, (0, 0), **kw)
    with pytest.raises(ValueError, match="minimum"):
        amplitude(run, (0, 0, 0))
