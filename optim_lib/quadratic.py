"""Momentum on a quadratic, one eigendirection at a time (chapters 6 and 7).

On ``f(x) = ½ Σ λᵢ xᵢ²`` (any quadratic, in the coordinates of its Hessian's
eigenvectors) gradient descent, momentum and Nesterov move every eigendirection
on its own: along a direction of curvature ``λ`` the pair (coordinate, velocity)
is multiplied at each step by a fixed 2 × 2 matrix (:func:`iteration_matrix`).
Its eigenvalues ``z`` (:func:`roots`) decide everything: the distance to the
minimum shrinks like ``max |z|ᵗ`` (:func:`rate`), complex ``z`` mean the
coordinate oscillates (underdamped), and ``|z| < 1`` is stability
(:func:`stable_lr`). :func:`optimal_momentum` is the classic tuning that makes
the worst direction of a bowl with curvatures in ``[λmin, λmax]`` as fast as
possible (Polyak 1964; Goh, "Why Momentum Really Works", Distill 2017).

The matrices follow the library's update rules exactly (velocity ``u`` as in
:class:`~optim_lib.optimizers.Momentum`, state ``(w, u)``):

* ``"GD"``:       ``w ← (1 − αλ) w`` (the velocity is unused);
* ``"Momentum"``: ``u ← ρu + λw``, ``w ← w − αu``;
* ``"Nesterov"``: ``u ← ρu + λw``, ``w ← w − α(λw + ρu)``.
"""

from __future__ import annotations

import numpy as np

from . import checks

__all__ = ["METHODS", "iteration_matrix", "roots", "rate", "stable_lr", "optimal_momentum",
           "optimal_gd_lr"]

METHODS = ("GD", "Momentum", "Nesterov")


def _method(method):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def _positive(name, value):
    value = checks.optional_number(name, value)
    if value is None or not 0 < value < np.inf:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _rho(rho):
    rho = checks.optional_number("rho", rho)
    if rho is None or not 0 <= rho < 1:
        raise ValueError(f"rho must be in [0, 1), got {rho!r}")
    return float(rho)


def iteration_matrix(method: str, lr: float, rho: float, curvature: float) -> np.ndarray:
    """The 2 × 2 matrix ``M`` with ``(w, u)ₜ₊₁ = M (w, u)ₜ`` along a direction of curvature λ.

    Args:
        method: ``"GD"``, ``"Momentum"`` or ``"Nesterov"``.
        lr: the learning rate α (> 0).
        rho: the momentum ρ in [0, 1) (ignored by ``"GD"``).
        curvature: the eigenvalue λ of the Hessian along this direction (> 0).
    """
    method, lr, rho, lam = _method(method), _positive("lr", lr), _rho(rho), \
        _positive("curvature", curvature)
    if method == "GD":
        return np.array([[1 - lr * lam, 0.0], [0.0, 0.0]])
    if method == "Momentum":
        # u' = ρu + λw;  w' = w − α(ρu + λw)
        return np.array([[1 - lr * lam, -lr * rho], [lam, rho]])
    # Nesterov: u' = ρu + λw;  w' = w − α(λw + ρu') = (1 − αλ(1+ρ))w − αρ²u
    return np.array([[1 - lr * lam * (1 + rho), -lr * rho ** 2], [lam, rho]])


def roots(method: str, lr: float, rho: float, curvature: float) -> np.ndarray:
    """The eigenvalues ``z`` of :func:`iteration_matrix` (complex: the direction oscillates).

    Momentum's are the roots of ``z² − (1 + ρ − αλ) z + ρ``; Nesterov's of
    ``z² − (1 + ρ)(1 − αλ) z + ρ(1 − αλ)``; gradient descent has the one factor
    ``1 − αλ`` (returned twice, with 0, as the matrix's eigenvalues).
    """
    return np.linalg.eigvals(iteration_matrix(method, lr, rho, curvature)).astype(complex)


def rate(method: str, lr: float, rho: float, curvatures) -> float:
    """The convergence factor: the largest ``|z|`` over the given curvatures.

    After ``t`` steps the distance to the minimum has shrunk roughly like
    ``rate**t``; above 1 the run diverges.
    """
    lams = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if lams.size == 0:
        raise ValueError(f"curvatures must hold at least one value, got {curvatures!r}")
    return float(max(np.abs(roots(method, lr, rho, lam)).max() for lam in lams))


def stable_lr(method: str, rho: float, curvature: float) -> float:
    """The largest stable learning rate along a direction of curvature λ (exact).

    Stable means every ``|z| < 1`` for ``lr`` below this value:

    * GD: ``α < 2/λ``;
    * Momentum: ``αλ < 2(1 + ρ)``;
    * Nesterov: ``αλ < 2(1 + ρ)/(1 + 2ρ)`` (from ``1 − αλ = −1/(1 + 2ρ)``, where a root
      reaches −1).
    """
    method, rho, lam = _method(method), _rho(rho), _positive("curvature", curvature)
    if method == "GD":
        return 2.0 / lam
    if method == "Momentum":
        return 2.0 * (1 + rho) / lam
    return 2.0 * (1 + rho) / ((1 + 2 * rho) * lam)


def optimal_momentum(lam_min: float, lam_max: float) -> tuple[float, float]:
    """``(α*, ρ*)`` that minimize momentum's :func:`rate` over curvatures in [λmin, λmax].

    ``ρ* = ((√κ − 1)/(√κ + 1))²`` and ``α* = (2/(√λmax + √λmin))²`` with
    ``κ = λmax/λmin``; every direction then has ``|z| = √ρ* = (√κ − 1)/(√κ + 1)``
    (gradient descent's best is ``(κ − 1)/(κ + 1)``).
    """
    lo, hi = _positive("lam_min", lam_min), _positive("lam_max", lam_max)
    if hi < lo:
        raise ValueError(f"lam_max must be >= lam_min, got lam_min={lam_min!r}, "
                         f"lam_max={lam_max!r}")
    s = np.sqrt(hi / lo)
    return float((2 / (np.sqrt(hi) + np.sqrt(lo))) ** 2), float(((s - 1) / (s + 1)) ** 2)


def optimal_gd_lr(lam_min: float, lam_max: float) -> float:
    """Gradient descent's best learning rate ``2/(λmin + λmax)`` (rate ``(κ − 1)/(κ + 1)``)."""
    lo, hi = _positive("lam_min", lam_min), _positive("lam_max", lam_max)
    if hi < lo:
        raise ValueError(f"lam_max must be >= lam_min, got lam_min={lam_min!r}, "
                         f"lam_max={lam_max!r}")
    return 2.0 / (lo + hi)
