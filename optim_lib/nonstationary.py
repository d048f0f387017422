"""An objective that changes mid-run: the case a forever-shrinking learning rate cannot handle.

:func:`run_phases` runs one optimizer through several landscapes in turn **without resetting
it**, as when the data a model trains on changes while training goes on. AdaGrad's sum of
squared gradients then carries the first phase's gradients into the next one; RMSProp's and
Adam's moving averages forget them.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .optimizers import Optimizer
from .train import Run

__all__ = ["run_phases"]


def run_phases(opt: Optimizer, phases, start=None, blowup: float = 1e10,
               label: str | None = None) -> Run:
    """Run ``opt`` on each ``(landscape, steps)`` of ``phases`` in turn, from ``start``.

    The optimizer is reset once, before the first phase, and never again: its state
    (sums, averages, step count) carries over from one phase to the next. Each phase
    starts where the previous one ended. ``Run.losses[t]`` is the gap ``f − f*`` of the
    landscape in force at step ``t`` (step 0 and every point of phase ``k`` are measured on
    phase ``k``'s landscape; step 0 on the first one), so the gap jumps up when the
    objective changes. As in :func:`~optim_lib.train.run_landscape`, the run stops at the
    first point whose value is non-finite or above ``blowup`` (``Run.diverged_at``).
    """
    checks.optimizer(opt)
    phases = list(phases)
    if not phases:
        raise ValueError("phases must hold at least one (landscape, steps) pair, got none")
    for k, phase in enumerate(phases):
        if not (isinstance(phase, tuple) and len(phase) == 2):
            raise ValueError(f"phases[{k}] must be a (landscape, steps) pair, got {phase!r}")
        checks.count(f"phases[{k}] steps", phase[1], minimum=1)
    first = phases[0][0]
    p = np.array(first.start if start is None else start, dtype=float)
    if p.shape != (first.dim,):
        raise ValueError(f"start must have {first.dim} coordinates, got shape {p.shape}")
    opt.reset()
    path, gaps = [p.copy()], [first(p) - first.min_value]
    with np.errstate(over="ignore", invalid="ignore"):
        for land, steps in phases:
            f_star = land.min_value
            for _ in range(steps):
                opt.step(p, land.grad(p))
                value = land(p)
                if not (np.all(np.isfinite(p)) and np.isfinite(value) and abs(value) <= blowup):
                    return Run(label or repr(opt), np.array(path), np.array(gaps), len(path))
                path.append(p.copy())
                gaps.append(value - f_star)
    return Run(label or repr(opt), np.array(path), np.array(gaps), None)
