"""Performance profiles (Dolan & Moré 2002): which optimizer is near the best on most problems.

For problems ``p`` and optimizers ``s`` with costs ``t[p, s]`` (lower is better, e.g. the
steps to reach a target; inf or nan = never), the ratio ``r[p, s] = t[p, s] / min_s t[p, s]``
says how far ``s`` is from the best on ``p``, and the profile

    ρ_s(τ) = (number of problems with r[p, s] ≤ τ) / (number of problems)

is the share of problems that ``s`` solves within a factor ``τ`` of the best: ``ρ_s(1)`` is
how often it wins, ``ρ_s(τ → ∞)`` how often it solves the problem at all. The data for a
figure (step lines of ρ against τ on a log axis); drawing it is presentation's job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PerformanceProfile", "performance_profile"]


@dataclass
class PerformanceProfile:
    """Attributes:
        problems, solvers: the names, in order.
        ratios: ``(len(problems), len(solvers))``, inf where a solver failed a problem.
        taus: the factors the profile is evaluated at (increasing, from 1).
        share: ``(len(solvers), len(taus))``, ρ_s(τ).
    """

    problems: list
    solvers: list
    ratios: np.ndarray
    taus: np.ndarray
    share: np.ndarray

    def at(self, tau: float) -> dict:
        """solver -> ρ_s(tau), the share of problems within a factor ``tau`` of the best."""
        return {s: float(np.mean(self.ratios[:, i] <= tau)) for i, s in enumerate(self.solvers)}


def performance_profile(costs: dict, taus=None) -> PerformanceProfile:
    """The Dolan–Moré profile of ``costs``: problem -> {solver -> cost > 0 (inf/nan: failed)}.

    Every problem must list the same solvers. ``taus`` defaults to 1 and every distinct
    finite ratio (where the profile steps), up to the largest one times 1.1.
    """
    if not isinstance(costs, dict) or not costs:
        raise ValueError(f"costs must be a non-empty dict problem -> {{solver: cost}}, got {costs!r}")
    problems = list(costs)
    solvers = list(costs[problems[0]])
    for p in problems:
        if not isinstance(costs[p], dict) or list(costs[p]) != solvers:
            raise ValueError(f"costs[{p!r}] must list the solvers {solvers}, got "
                             f"{list(costs[p]) if isinstance(costs[p], dict) else costs[p]!r}")
    t = np.array([[float(costs[p][s]) for s in solvers] for p in problems])
    t = np.where(np.isnan(t), np.inf, t)
    if np.any(t <= 0):
        raise ValueError(f"costs must be > 0 (steps, time, error), got {t[t <= 0]}")
    best = t.min(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        ratios = np.where(np.isfinite(best), t / best, np.inf)
    if taus is None:
        finite = np.unique(ratios[np.isfinite(ratios)])
        taus = np.unique(np.concatenate([[1.0], finite, [finite.max() * 1.1 if finite.size else 2.0]]))
    taus = np.asarray(taus, dtype=float)
    if taus.ndim != 1 or taus.size == 0 or np.any(taus < 1) or np.any(np.diff(taus) <= 0):
        raise ValueError(f"taus must be increasing factors >= 1, got {taus!r}")
    share = np.mean(ratios[:, :, None] <= taus[None, None, :], axis=0)
    return PerformanceProfile(problems, solvers, ratios, taus, share)
