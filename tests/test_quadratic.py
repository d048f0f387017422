"""optim_lib.quadratic: the 2 × 2 matrices are the library's update rules, and the
stability limits and the optimal tuning are exact."""

import numpy as np
import pytest

from optim_lib import SGD, Momentum, Nesterov
from optim_lib import quadratic as Q
from optim_lib.landscapes import ill_conditioned_bowl, parabola, rotated
from optim_lib.train import run_landscape

MAKE = {"GD": lambda lr, rho: SGD(lr), "Momentum": Momentum, "Nesterov": Nesterov}


@pytest.mark.parametrize("method", Q.METHODS)
@pytest.mark.parametrize("lr, rho, lam", [(0.1, 0.9, 3.0), (0.05, 0.5, 10.0), (0.3, 0.0, 1.0)])
def test_iteration_matrix_is_the_library_step(method, lr, rho, lam):
    run = run_landscape(MAKE[method](lr, rho), parabola(lam), 30)
    M = Q.iteration_matrix(method, lr, rho, lam)
    state = np.array([parabola(lam).start[0], 0.0])
    for t in range(1, 31):
        state = M @ state
        assert np.isclose(state[0], run.path[t, 0], rtol=1e-10, atol=1e-14)


def test_roots_of_momentum_have_modulus_sqrt_rho_when_complex():
    z = Q.roots("Momentum", 0.15, 0.5, 10.0)      # αλ = 1.5: underdamped
    assert np.all(np.abs(z.imag) > 0) and np.allclose(np.abs(z), np.sqrt(0.5))
    assert np.isclose(Q.rate("GD", 0.15, 0.0, [10.0]), 0.5)
    assert np.isclose(Q.rate("GD", 0.15, 0.0, [1.0, 10.0]), 0.85)


@pytest.mark.parametrize("method", Q.METHODS)
@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_stable_lr_is_the_edge_of_stability(method, rho):
    lam = 10.0
    edge = Q.stable_lr(method, rho, lam)
    assert Q.rate(method, 0.99 * edge, rho, lam) < 1 < Q.rate(method, 1.01 * edge, rho, lam)
    # and the library's runs agree: below converges, above diverges
    make = MAKE[method]
    assert not run_landscape(make(0.97 * edge, rho), ill_conditioned_bowl(lam), 3000).diverged
    assert run_landscape(make(1.03 * edge, rho), ill_conditioned_bowl(lam), 3000).diverged


def test_nesterov_limit_at_rho_09():
    assert np.isclose(Q.stable_lr("Nesterov", 0.9, 10.0), 0.38 / 2.8)
    assert np.isclose(Q.stable_lr("Momentum", 0.9, 10.0), 0.38)


@pytest.mark.parametrize("kappa", [4.0, 10.0, 100.0, 1000.0])
def test_optimal_momentum_is_optimal(kappa):
    lr, rho = Q.optimal_momentum(1.0, kappa)
    lams = np.geomspace(1.0, kappa, 25)
    best = Q.rate("Momentum", lr, rho, lams)
    assert np.isclose(best, np.sqrt(rho), rtol=1e-6)
    assert np.isclose(best, (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1), rtol=1e-6)
    for dl in (0.9, 1.1):                 # any nudge of either is worse
        assert Q.rate("Momentum", lr * dl, rho, lams) > best
        assert Q.rate("Momentum", lr, rho * dl, lams) > best
    gd = Q.rate("GD", Q.optimal_gd_lr(1.0, kappa), 0.0, lams)
    assert np.isclose(gd, (kappa - 1) / (kappa + 1)) and gd > best


def test_momentum_and_nesterov_are_rotation_invariant():
    bowl = ill_conditioned_bowl(10)
    turned = rotated(bowl, 45)
    t = np.deg2rad(45)
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    for opt in (Momentum(0.05, 0.9), Nesterov(0.05, 0.9)):
        a, b = run_landscape(opt, bowl, 200), run_landscape(opt, turned, 200)
        assert np.allclose(a.path @ R.T, b.path, atol=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: Q.iteration_matrix("Adam", 0.1, 0.9, 1.0), "method"),
    (lambda: Q.iteration_matrix("GD", 0.0, 0.9, 1.0), "lr"),
    (lambda: Q.iteration_matrix("GD", 0.1, 1.0, 1.0), "rho"),
    (lambda: Q.iteration_matrix("GD", 0.1, 0.5, -1.0), "curvature"),
    (lambda: Q.rate("GD", 0.1, 0.5, []), "curvatures"),
    (lambda: Q.stable_lr("Nesterov", float("nan"), 1.0), "rho"),
    (lambda: Q.optimal_momentum(10.0, 1.0), "lam_max"),
    (lambda: Q.optimal_gd_lr(0.0, 1.0), "lam_min"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("kappa", [4.0, 100.0])
def test_optimal_nesterov_is_optimal(kappa):
    lr, rho = Q.optimal_nesterov(1.0, kappa)
    lams = np.geomspace(1.0, kappa, 200)
    best = Q.rate("Nesterov", lr, rho, lams)
    assert np.isclose(best, 1 - 2 / np.sqrt(3 * kappa + 1), rtol=1e-6)
    for d in (0.95, 1.05):
        assert Q.rate("Nesterov", lr * d, rho, lams) > best
        assert Q.rate("Nesterov", lr, rho * d, lams) > best
    assert best > Q.rate("Momentum", *Q.optimal_momentum(1.0, kappa), lams)


@pytest.mark.parametrize("method", Q.METHODS)
def test_steps_to_counts_like_run_landscape(method):
    bowl = ill_conditioned_bowl(30)
    lrs = np.array([0.01, 0.03, 0.05, 0.2])
    rho = 0.0 if method == "GD" else 0.8
    got = Q.steps_to(method, lrs, rho, (1.0, 30.0), bowl.start, tol=1e-6, max_steps=400)
    for lr, n in zip(lrs, got):
        run = run_landscape(MAKE[method](float(lr), rho), bowl, 400)
        want = run.steps_to(1e-6)
        assert n == (-1 if want is None or run.diverged else want), (lr, n, want)


def test_best_steps_finds_the_fastest_setting_of_the_grid():
    lam, start = (1.0, 10.0), (-1.8, 0.6)
    lrs, rhos = [0.05, 0.1, 0.2], [0.0, 0.5, 0.9]
    steps, lr, rho = Q.best_steps("Momentum", lrs, rhos, lam, start, max_steps=2000)
    every = [Q.steps_to("Momentum", a, r, lam, start, max_steps=2000) for a in lrs for r in rhos]
    assert steps == min(int(s) for s in every if s >= 0)
    assert Q.steps_to("Momentum", lr, rho, lam, start, max_steps=2000) == steps
    assert Q.best_steps("GD", [1e-4], [0.0], lam, start, max_steps=5) is None


@pytest.mark.parametrize("kw, match", [
    (dict(lr=0.0), "lr"), (dict(rho=1.0), "rho"), (dict(curvatures=(1.0, -1.0)), "curvatures"),
    (dict(start=(1.0,)), "start"), (dict(tol=0.0), "tol"), (dict(max_steps=0), "max_steps"),
    (dict(method="SGD"), "method")])
def test_steps_to_names_bad_input(kw, match):
    args = dict(method="GD", lr=0.1, rho=0.0, curvatures=(1.0, 10.0), start=(1.0, 1.0))
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        Q.steps_to(**args)
