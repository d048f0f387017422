"""optim_lib.stationary: the settled variance of noisy GD / momentum / Nesterov on a quadratic."""

import numpy as np
import pytest

from optim_lib import SGD, Momentum, Nesterov
from optim_lib.stationary import (expected_losses, matched_loss_ratio, noise_input,
                                  simulate_losses, stationary_covariance, stationary_loss)

LAMS, START = (1.0, 10.0), (-1.8, 0.6)


@pytest.mark.parametrize("lr, rho, lam", [(0.1, 0.0, 1.0), (0.15, 0.0, 10.0),
                                          (0.01, 0.9, 10.0), (0.002, 0.9, 1.0),
                                          (0.15, 0.5, 10.0)])
def test_the_closed_forms(lr, rho, lam):
    # GD: Var w = α²σ² / (1 − (1 − αλ)²) = ασ² / (λ(2 − αλ))
    assert np.isclose(stationary_covariance("GD", lr, 0.0, lam)[0, 0],
                      lr / (lam * (2 - lr * lam)), rtol=1e-10)
    # heavy ball: Var w = ασ²(1 + ρ) / (λ(1 − ρ)(2(1 + ρ) − αλ))
    assert np.isclose(stationary_covariance("Momentum", lr, rho, lam)[0, 0],
                      lr * (1 + rho) / (lam * (1 - rho) * (2 * (1 + rho) - lr * lam)),
                      rtol=1e-10)


def test_the_variance_scales_with_sigma_squared_and_solves_lyapunov():
    from optim_lib.quadratic import iteration_matrix
    for method in ("GD", "Momentum", "Nesterov"):
        P = stationary_covariance(method, 0.05, 0.8, 10.0, sigma=3.0)
        assert np.allclose(P, 9 * stationary_covariance(method, 0.05, 0.8, 10.0), rtol=1e-10)
        M, b = iteration_matrix(method, 0.05, 0.8, 10.0), noise_input(method, 0.05, 0.8, 3.0)
        assert np.allclose(M @ P @ M.T + np.outer(b, b), P, atol=1e-12)


@pytest.mark.parametrize("method, make", [("GD", lambda: SGD(0.1)),
                                          ("Momentum", lambda: Momentum(0.01, 0.9)),
                                          ("Nesterov", lambda: Nesterov(0.01, 0.9))])
def test_a_long_simulation_settles_at_the_stationary_loss(method, make):
    lr, rho = (0.1, 0.0) if method == "GD" else (0.01, 0.9)
    losses = simulate_losses(make(), LAMS, START, 3000, sigma=1.0, seed=0, runs=400)
    settled = losses[1000:].mean()
    # 400 runs × 2000 steps: the standard error is well under 1 %
    assert abs(settled / stationary_loss(method, lr, rho, LAMS) - 1) < 0.03
    # and the whole path follows the exact expectation (transient included): every step of
    # the first 10 and every block of 100 steps after, within 5 standard errors over the runs
    exact = expected_losses(method, lr, rho, LAMS, START, 3000)
    first, ex = losses[:11], exact[:11]
    se = first.std(axis=1, ddof=1) / np.sqrt(400) + 1e-12
    assert np.all(np.abs(first.mean(axis=1) - ex) < 5 * se)
    runs_blocks = losses[1:].reshape(30, 100, 400).mean(axis=1)        # (block, run)
    se = runs_blocks.std(axis=1, ddof=1) / np.sqrt(400)
    gap = np.abs(runs_blocks.mean(axis=1) - exact[1:].reshape(30, 100).mean(axis=1))
    assert np.all(gap < 5 * se)


def test_a_wrong_noise_input_would_be_caught():
    # The checker can fail: momentum's noise entering only through w (b = (−ασ, 0)) gives a
    # stationary loss far from the simulated one.
    from optim_lib.quadratic import iteration_matrix
    lr, rho = 0.01, 0.9
    wrong = 0.0
    for lam in LAMS:
        M, b = iteration_matrix("Momentum", lr, rho, lam), np.array([-lr, 0.0])
        P = np.linalg.solve(np.eye(4) - np.kron(M, M), np.outer(b, b).ravel()).reshape(2, 2)
        wrong += 0.5 * lam * P[0, 0]
    sim = simulate_losses(Momentum(lr, rho), LAMS, START, 2000, 1.0, 0, 200)[800:].mean()
    assert abs(wrong / sim - 1) > 0.5
    assert abs(stationary_loss("Momentum", lr, rho, LAMS) / sim - 1) < 0.05


def test_paired_seeds_and_reset():
    a = simulate_losses(SGD(0.05), LAMS, START, 50, 1.0, seed=3, runs=4)
    b = simulate_losses(SGD(0.05), LAMS, START, 50, 1.0, seed=3, runs=4)
    c = simulate_losses(SGD(0.05), LAMS, START, 50, 1.0, seed=4, runs=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    opt = Momentum(0.01, 0.9)
    first = simulate_losses(opt, LAMS, START, 50, 1.0, seed=3, runs=4)
    assert np.array_equal(first, simulate_losses(opt, LAMS, START, 50, 1.0, seed=3, runs=4))


def test_matched_ratio_tends_to_one_and_matches_the_closed_form():
    lr, rho = 0.1, 0.9
    closed = sum(lr / (2 - lr * l * (1 - rho) / (1 + rho)) for l in LAMS) / \
        sum(lr / (2 - lr * l) for l in LAMS)
    assert np.isclose(matched_loss_ratio(lr, rho, LAMS), closed, rtol=1e-10)
    ratios = [matched_loss_ratio(a, rho, LAMS) for a in (0.1, 0.01, 0.001)]
    assert ratios[0] < ratios[1] < ratios[2] < 1 and ratios[2] > 0.995
    assert matched_loss_ratio(0.1, 0.0, LAMS) == 1.0


@pytest.mark.parametrize("call, match", [
    (lambda: stationary_covariance("GD", 0.25, 0.0, 10.0), "lr"),
    (lambda: stationary_covariance("Adam", 0.1, 0.0, 1.0), "method"),
    (lambda: noise_input("GD", 0.1, 0.0, -1.0), "sigma"),
    (lambda: stationary_loss("GD", 0.1, 0.0, []), "curvatures"),
    (lambda: expected_losses("GD", 0.1, 0.0, LAMS, (1.0,), 10), "start"),
    (lambda: simulate_losses(SGD(0.1), LAMS, START, 10, 1.0, seed=-1, runs=2), "seed"),
    (lambda: simulate_losses(SGD(0.1), LAMS, START, 10, 1.0, seed=0, runs=0), "runs"),
    (lambda: matched_loss_ratio(0.1, 1.0, LAMS), "rho"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_non_optimizer_is_refused():
    with pytest.raises(TypeError, match="opt"):
        simulate_losses(SGD, LAMS, START, 10, 1.0, 0, 2)
