"""Noisy gradients on a quadratic: the stationary variance of the iteration (chapter 6).

Along a direction of curvature ``λ`` of ``f(w) = ½ Σ λᵢ wᵢ²``, a gradient with noise,
``g = λw + σξ`` (``ξ`` standard normal, fresh at every step), makes the update rules of
:mod:`optim_lib.quadratic` a noisy linear iteration of the state ``s = (w, u)``:

    sₜ₊₁ = M sₜ + b ξₜ,

with ``M`` the :func:`~optim_lib.quadratic.iteration_matrix` and ``b`` the way the noise
enters (:func:`noise_input`). When every ``|z| < 1`` the covariance of ``s`` settles at the
``P`` that solves the discrete Lyapunov equation ``P = M P Mᵀ + b bᵀ``
(:func:`stationary_covariance`), and the mean loss at ``Σ λᵢ Pᵢ[0, 0] / 2``
(:func:`stationary_loss`). From a start ``w₀`` the exact mean loss at every step follows
from the mean ``M^t s₀`` and the covariance recursion (:func:`expected_losses`).
:func:`simulate_losses` runs the library's own optimizers on many noise seeds at once,
the measurement these formulas predict.

In closed form (gradient descent at rate ``a``; momentum at rate ``a(1 − ρ)``, the same
speed on a steady slope), the mean loss per direction is

    GD:        a σ² / (2 (2 − aλ))
    Momentum:  a σ² / (2 (2 − aλ (1 − ρ)/(1 + ρ)))

equal to first order in ``a`` (Yuan, Ying & Sayed 2016): averaging over ``1/(1 − ρ)``
steps buys nothing at matched speed; the difference is the distance to each method's
stability edge, which matters only where ``aλ`` is not small.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .quadratic import METHODS, iteration_matrix

__all__ = ["noise_input", "stationary_covariance", "stationary_loss", "expected_losses",
           "simulate_losses", "matched_loss_ratio"]


def _curvatures(curvatures) -> np.ndarray:
    lam = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if lam.ndim != 1 or lam.size == 0 or not np.all((lam > 0) & np.isfinite(lam)):
        raise ValueError(f"curvatures must be a 1-D array of finite numbers > 0, "
                         f"got {curvatures!r}")
    return lam


def noise_input(method: str, lr: float, rho: float, sigma: float = 1.0) -> np.ndarray:
    """The vector ``b`` with ``sₜ₊₁ = M sₜ + b ξₜ`` when the gradient carries noise ``σξ``.

    * ``"GD"``:       ``w ← w − α(λw + σξ)``: ``b = (−ασ, 0)``;
    * ``"Momentum"``: ``u ← ρu + λw + σξ``, ``w ← w − αu``: ``b = (−ασ, σ)``;
    * ``"Nesterov"``: ``w ← w − α(g + ρu)`` after ``u ← ρu + g``: ``b = (−α(1 + ρ)σ, σ)``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    lr, rho = checks.positive("lr", lr), checks.rate("rho", rho)
    sigma = checks.nonnegative("sigma", sigma)
    if method == "GD":
        return np.array([-lr * sigma, 0.0])
    if method == "Momentum":
        return np.array([-lr * sigma, sigma])
    return np.array([-lr * (1 + rho) * sigma, sigma])


def stationary_covariance(method: str, lr: float, rho: float, curvature: float,
                          sigma: float = 1.0) -> np.ndarray:
    """The 2 × 2 covariance ``P`` of ``(w, u)`` once the noisy iteration has settled.

    The solution of ``P = M P Mᵀ + b bᵀ`` (written as ``(I − M ⊗ M) vec P = vec(b bᵀ)``).
    Raises ``ValueError`` naming ``lr`` if the iteration is not stable (some ``|z| >= 1``):
    then the variance grows without bound.
    """
    M = iteration_matrix(method, lr, rho, curvature)
    if np.abs(np.linalg.eigvals(M)).max() >= 1:
        raise ValueError(f"lr={lr!r} is not stable for {method} at rho={rho!r} and "
                         f"curvature={curvature!r}: the variance has no stationary value")
    b = noise_input(method, lr, rho, sigma)
    P = np.linalg.solve(np.eye(4) - np.kron(M, M), np.outer(b, b).ravel()).reshape(2, 2)
    return 0.5 * (P + P.T)


def stationary_loss(method: str, lr: float, rho: float, curvatures,
                    sigma: float = 1.0) -> float:
    """The settled mean loss ``Σ λᵢ Var(wᵢ)/2`` over the given curvatures."""
    lam = _curvatures(curvatures)
    return float(sum(0.5 * l * stationary_covariance(method, lr, rho, l, sigma)[0, 0]
                     for l in lam))


def expected_losses(method: str, lr: float, rho: float, curvatures, start, steps: int,
                    sigma: float = 1.0) -> np.ndarray:
    """The exact mean loss ``E f(wₜ)`` for ``t = 0 … steps``, from ``start`` and ``u₀ = 0``.

    ``E f = Σ λᵢ (mᵢ² + Pᵢ)/2`` with the mean ``m ← M m`` and the covariance
    ``P ← M P Mᵀ + b bᵀ`` of each direction (no assumption of a settled state).
    """
    lam = _curvatures(curvatures)
    w0 = np.asarray(start, dtype=float).ravel()
    if w0.shape != lam.shape or not np.all(np.isfinite(w0)):
        raise ValueError(f"start must have {lam.size} finite coordinates, got {start!r}")
    steps = checks.count("steps", steps)
    out = np.zeros(steps + 1)
    for l, x in zip(lam, w0):
        M = iteration_matrix(method, lr, rho, l)
        bb = np.outer(*(2 * [noise_input(method, lr, rho, sigma)]))
        m, P = np.array([x, 0.0]), np.zeros((2, 2))
        out[0] += 0.5 * l * x ** 2
        for t in range(1, steps + 1):
            m = M @ m
            P = M @ P @ M.T + bb
            out[t] += 0.5 * l * (m[0] ** 2 + P[0, 0])
    return out


def simulate_losses(opt, curvatures, start, steps: int, sigma: float, seed: int,
                    runs: int) -> np.ndarray:
    """The loss of ``runs`` noisy runs of the optimizer ``opt``, stacked: shape ``(steps + 1, runs)``.

    All runs move together as the columns of one array ``w`` of shape ``(dims, runs)``,
    updated in place by ``opt.step(w, λw + σξ)`` (the library's rule, element-wise), so a
    thousand seeds cost about one run. The noise ``ξ`` comes from
    ``numpy.random.default_rng(seed)``, drawn in the same order for every optimizer: two
    optimizers given the same ``seed`` see the same noise, run by run (paired seeds).
    ``opt`` is reset first. A diverged run carries ``inf``/``nan``.
    """
    checks.optimizer(opt)
    lam = _curvatures(curvatures)
    w0 = np.asarray(start, dtype=float).ravel()
    if w0.shape != lam.shape or not np.all(np.isfinite(w0)):
        raise ValueError(f"start must have {lam.size} finite coordinates, got {start!r}")
    steps, runs = checks.count("steps", steps), checks.count("runs", runs)
    sigma = checks.nonnegative("sigma", sigma)
    seed = checks.count("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    L = lam[:, None]
    w = np.repeat(w0[:, None], runs, axis=1)
    losses = np.empty((steps + 1, runs))
    losses[0] = 0.5 * np.sum(L * w ** 2, axis=0)
    opt.reset()
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            opt.step(w, L * w + sigma * rng.standard_normal(w.shape))
            losses[t] = 0.5 * np.sum(L * w ** 2, axis=0)
    return losses


def matched_loss_ratio(lr: float, rho: float, curvatures) -> float:
    """Momentum at ``lr·(1 − ρ)`` over gradient descent at ``lr``: the ratio of settled losses.

    Both move at the same speed on a steady slope (terminal step ``lr·|g|``); the ratio
    does not depend on ``σ``. It tends to 1 as ``lr → 0``.
    """
    lr, rho = checks.positive("lr", lr), checks.rate("rho", rho)
    if rho == 0:
        return 1.0
    return (stationary_loss("Momentum", lr * (1 - rho), rho, curvatures)
            / stationary_loss("GD", lr, 0.0, curvatures))
