"""Library code added for chapters 6 (momentum) and 7 (Nesterov): run metrics."""

import numpy as np
import pytest

from optim_lib import SGD, Momentum, Nesterov
from optim_lib.landscapes import ill_conditioned_bowl, saddle
from optim_lib.train import Run, escape_step, overshoot, run_landscape, uphill_steps


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


def test_nesterov_library_form_equals_the_look_ahead_form():
    """The claim of chapter 7: w_t = x_t + rho·v_t at every step."""
    bowl = ill_conditioned_bowl()
    lr, rho = 0.05, 0.9
    x, v = np.array(bowl.start, dtype=float), np.zeros(2)
    looked = [x + rho * v]
    for _ in range(100):
        v = rho * v - lr * bowl.grad(x + rho * v)
        x = x + v
        looked.append(x + rho * v)
    run = run_landscape(Nesterov(lr, rho), bowl, 100)
    np.testing.assert_allclose(run.path, np.array(looked), rtol=0, atol=1e-12)


def test_crossings_counts_sign_changes():
    from optim_lib.train import crossings

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
