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
           "optimal_nesterov", "optimal_gd_lr", "steps_to", "best_steps"]

METHODS = ("GD", "Momentum", "Nesterov")


def _method(method):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def iteration_matrix(method: str, lr: float, rho: float, curvature: float) -> np.ndarray:
    """The 2 × 2 matrix ``M`` with ``(w, u)ₜ₊₁ = M (w, u)ₜ`` along a direction of curvature λ.

    Args:
        method: ``"GD"``, ``"Momentum"`` or ``"Nesterov"``.
        lr: the learning rate α (> 0).
        rho: the momentum ρ in [0, 1) (ignored by ``"GD"``).
        curvature: the eigenvalue λ of the Hessian along this direction (> 0).
    """
    method, lr, rho, lam = _method(method), checks.positive("lr", lr), checks.rate("rho", rho), \
        checks.positive("curvature", curvature)
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
    method, rho, lam = _method(method), checks.rate("rho", rho), checks.positive("curvature", curvature)
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
    lo, hi = checks.positive("lam_min", lam_min), checks.positive("lam_max", lam_max)
    if hi < lo:
        raise ValueError(f"lam_max must be >= lam_min, got lam_min={lam_min!r}, "
                         f"lam_max={lam_max!r}")
    s = np.sqrt(hi / lo)
    return float((2 / (np.sqrt(hi) + np.sqrt(lo))) ** 2), float(((s - 1) / (s + 1)) ** 2)


def optimal_nesterov(lam_min: float, lam_max: float) -> tuple[float, float]:
    """``(α, ρ)`` that minimize Nesterov's :func:`rate` over curvatures in [λmin, λmax].

    ``α = 4/(3λmax + λmin)`` and ``ρ = (√(3κ + 1) − 2)/(√(3κ + 1) + 2)``, with rate
    ``1 − 2/√(3κ + 1)`` (Lessard, Recht & Packard 2016): slower than tuned momentum's
    ``(√κ − 1)/(√κ + 1)`` on a quadratic, but it also scales like ``1 − c/√κ``.
    """
    lo, hi = checks.positive("lam_min", lam_min), checks.positive("lam_max", lam_max)
    if hi < lo:
        raise ValueError(f"lam_max must be >= lam_min, got lam_min={lam_min!r}, "
                         f"lam_max={lam_max!r}")
    q = np.sqrt(3 * hi / lo + 1)
    return float(4 / (3 * hi + lo)), float((q - 2) / (q + 2))


def optimal_gd_lr(lam_min: float, lam_max: float) -> float:
    """Gradient descent's best learning rate ``2/(λmin + λmax)`` (rate ``(κ − 1)/(κ + 1)``)."""
    lo, hi = checks.positive("lam_min", lam_min), checks.positive("lam_max", lam_max)
    if hi < lo:
        raise ValueError(f"lam_max must be >= lam_min, got lam_min={lam_min!r}, "
                         f"lam_max={lam_max!r}")
    return 2.0 / (lo + hi)


def steps_to(method: str, lr, rho, curvatures, start, tol: float = 1e-6,
             max_steps: int = 10_000) -> np.ndarray:
    """Steps until ``½ Σ λᵢ wᵢ² <= tol`` on the diagonal quadratic, for many settings at once.

    The library's update rules (the same arithmetic as :class:`~optim_lib.optimizers.SGD`,
    :class:`~optim_lib.optimizers.Momentum`, :class:`~optim_lib.optimizers.Nesterov` run by
    :func:`~optim_lib.train.run_landscape`), vectorized over the broadcast shape of ``lr``
    and ``rho``: on :func:`~optim_lib.landscapes.ill_conditioned_bowl` (curvatures ``(1, κ)``)
    a whole grid of settings costs about as much as one run.

    Args:
        method: ``"GD"``, ``"Momentum"`` or ``"Nesterov"``.
        lr, rho: arrays (or numbers) of learning rates (> 0) and momenta in [0, 1).
        curvatures: the Hessian's eigenvalues λᵢ (> 0), one per coordinate.
        start: the start point, one coordinate per curvature.
        tol: the loss that counts as arrived (> 0).
        max_steps: the budget.

    Returns:
        an int array of the broadcast shape: the first step at or below ``tol``, or -1 if the
        run did not get there within ``max_steps`` (or diverged).
    """
    _method(method)
    lam = np.asarray(curvatures, dtype=float)
    if lam.ndim != 1 or lam.size == 0 or not np.all((lam > 0) & np.isfinite(lam)):
        raise ValueError(f"curvatures must be a 1-D array of finite numbers > 0, got {curvatures!r}")
    w0 = np.asarray(start, dtype=float)
    if w0.shape != lam.shape or not np.all(np.isfinite(w0)):
        raise ValueError(f"start must have {lam.size} finite coordinates, got {start!r}")
    lr, rho = np.broadcast_arrays(np.asarray(lr, dtype=float), np.asarray(rho, dtype=float))
    if not np.all((lr > 0) & np.isfinite(lr)):
        raise ValueError(f"lr must be finite numbers > 0, got {lr!r}")
    if not np.all((rho >= 0) & (rho < 1)):
        raise ValueError(f"rho must be in [0, 1), got {rho!r}")
    tol = checks.positive("tol", tol)
    max_steps = checks.count("max_steps", max_steps)
    shape = lr.shape
    L = lam.reshape((-1,) + (1,) * len(shape))
    w = np.broadcast_to(w0.reshape(L.shape), (lam.size,) + shape).copy()
    u = np.zeros_like(w)
    hit = np.full(shape, -1)
    if 0.5 * np.sum(lam * w0 ** 2) <= tol:
        return np.zeros(shape, dtype=int)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, max_steps + 1):
            g = L * w
            if method == "GD":
                w = w - lr * g
            elif method == "Momentum":
                u = rho * u + g
                w = w - lr * u
            else:
                u = rho * u + g
                w = w - lr * (g + rho * u)
            f = 0.5 * np.sum(L * w ** 2, axis=0)
            arrived = (hit < 0) & (f <= tol)
            hit[arrived] = t
            if np.all((hit >= 0) | ~np.isfinite(f)):
                break
    return hit


def best_steps(method: str, lrs, rhos, curvatures, start, tol: float = 1e-6,
               max_steps: int = 10_000) -> tuple[int, float, float] | None:
    """The fewest :func:`steps_to` over the grid ``lrs × rhos``: ``(steps, lr, rho)``.

    None if no setting of the grid arrives within ``max_steps``. For ``"GD"`` pass
    ``rhos=[0.0]``. (Where several settings tie, the first in the grid is returned; the
    number of steps is the result, not which setting won.)
    """
    lrs = np.atleast_1d(np.asarray(lrs, dtype=float))
    rhos = np.atleast_1d(np.asarray(rhos, dtype=float))
    if lrs.ndim != 1 or rhos.ndim != 1 or not lrs.size or not rhos.size:
        raise ValueError(f"lrs and rhos must be 1-D and not empty, got {lrs!r}, {rhos!r}")
    A, R = np.meshgrid(lrs, rhos, indexing="ij")
    hit = steps_to(method, A, R, curvatures, start, tol, max_steps)
    if not np.any(hit >= 0):
        return None
    score = np.where(hit >= 0, hit, np.iinfo(int).max)
    i = np.unravel_index(np.argmin(score), score.shape)
    return int(hit[i]), float(A[i]), float(R[i])
