"""One optimizer on a noisy landscape at several seeds, run side by side as one numpy computation.

The chapters measure noise floors, step lengths and flip rates over seeds: the same optimizer
on ``noisy(landscape, sigma, seed=s)`` for s in a few seeds. One :func:`run_landscape` per seed
pays Python's overhead once per step and seed; a landscape takes a whole stack of points at
once (the coordinates on the first axis), and an update rule works coordinate by coordinate,
so one optimizer can step all the seeds' points together, shape ``(d, S)``.

:func:`noisy_runs` returns the same :class:`~optim_lib.train.Run` per seed that
``run_landscape(opt, noisy(landscape, sigma, seed=s), steps)`` gives: seed s draws its noise
from ``np.random.default_rng(s)``, as :func:`~optim_lib.landscapes.noisy` does, and each run
stops at its own first non-finite point or value past ``blowup``.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .landscapes import Landscape
from .train import Run

__all__ = ["noisy_runs"]


def noisy_runs(opt, landscape: Landscape, sigma: float, seeds, steps: int = 100, start=None,
               blowup: float = 1e10) -> list:
    """``opt`` on ``noisy(landscape, sigma, seed=s)`` for every seed in ``seeds``, stacked.

    Args:
        opt: an optimizer whose update works coordinate by coordinate (SGD, Momentum, Nesterov,
            AdaGrad, RMSProp, Adam, or one of them scheduled); reset first.
        landscape: the exact landscape; the noise is added here (std ``sigma`` per coordinate).
        sigma: the noise's standard deviation (>= 0).
        seeds: seeds, one run each.
        steps: steps per run.
        start: the start point (default: the landscape's own), the same for every seed.
        blowup: a run stops at its first point whose value is non-finite or above this.

    Returns:
        a list of :class:`~optim_lib.train.Run`, one per seed, in the order of ``seeds``.
    """
    checks.optimizer(opt)
    if not isinstance(landscape, Landscape):
        raise TypeError(f"landscape must be a Landscape, got {type(landscape).__name__}")
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.integer, np.floating)) \
            or not sigma >= 0 or not np.isfinite(sigma):
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
    seeds = checks.seeds(seeds)
    steps = checks.count("steps", steps, minimum=0)
    d, S = landscape.dim, len(seeds)
    p0 = np.array(landscape.start if start is None else start, dtype=float)
    if p0.shape != (d,):
        raise ValueError(f"start must have {d} coordinates, got shape {p0.shape}")
    # seed s's noise, step by step, as noisy() draws it (one (d,) draw per gradient)
    noise = np.stack([np.random.default_rng(s).standard_normal((steps, d)) for s in seeds],
                     axis=-1)                                         # (steps, d, S)
    p = np.repeat(p0[:, None], S, axis=1)                             # (d, S)
    opt.reset()
    path = np.empty((steps + 1, d, S))
    losses = np.empty((steps + 1, S))
    path[0], losses[0] = p, landscape(p)
    stopped = np.full(S, steps + 1)                                   # first bad step, per seed
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            opt.step(p, landscape.grad(p) + sigma * noise[t - 1])
            path[t], losses[t] = p, landscape(p)
            bad = ~(np.all(np.isfinite(p), axis=0) & np.isfinite(losses[t])
                    & (np.abs(losses[t]) <= blowup))
            stopped = np.where(bad & (stopped > steps), t, stopped)
            if np.all(stopped <= steps):
                break
    label = repr(opt)
    return [Run(label, path[:stopped[k], :, k].copy(), losses[:stopped[k], k].copy(),
                None if stopped[k] > steps else int(stopped[k]))
            for k in range(S)]
