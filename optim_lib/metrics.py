"""What the chapters measure on a run: steps to a target, overshoot, crossings, turns.

Every function takes a :class:`~optim_lib.train.Run` (from
:func:`~optim_lib.train.run_landscape`) and returns a number, so a chapter's claim
("momentum overshoots", "SGD zig-zags") is a measured value over a family of runs.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .train import Run

__all__ = ["steps_score", "settle_step", "overshoot", "uphill_steps", "escape_step",
           "crossings", "amplitude", "flip_rate", "turning_angle"]


def _check_run(run):
    if not isinstance(run, Run):
        raise TypeError(f"run must be a Run (from run_landscape), got {type(run).__name__}")


def steps_score(run: Run, target: float) -> float:
    """Score of a landscape run for :func:`tune_lr`: lower is better.

    The number of steps after which the loss is at or below ``target`` and stays
    there until the end of the run (passing through the target and leaving again
    does not count). A run that does not end there scores its budget plus ``log10(1 + (final loss - target) / |target|)``
    (worse than any run that got there, and better the closer it ended); a diverged
    run scores nan.
    """
    _check_run(run)
    target = checks.optional_number("target", target)
    if target is None or not np.isfinite(target):
        raise ValueError(f"target must be a finite number, got {target!r}")
    if run.diverged:
        return float("nan")
    hit = settle_step(run, target)
    if hit is not None:
        return float(hit)
    gap = max(run.final_loss - target, 0.0)
    return float(len(run.path) - 1 + np.log10(1.0 + gap / max(abs(target), 1e-300)))




def _check_axis(run, axis):
    dim = run.path.shape[1]
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not 0 <= axis < dim:
        raise ValueError(f"axis must be an integer in [0, {dim}), got {axis!r}")
    return int(axis)


def overshoot(run: Run, minimum, axis: int = 0) -> float:
    """How far ``run`` went past ``minimum`` along one coordinate axis (0 if never).

    The run travels from its start towards the minimum; the overshoot is the
    largest distance, along ``axis``, by which a point of the path lies beyond
    the minimum on the far side:
    ``max(0, max_t s·(path[t, axis] − minimum[axis]))`` with
    ``s = sign(minimum[axis] − path[0, axis])``.

    Args:
        run: a :class:`Run`.
        minimum: the point the run should settle at (its coordinates).
        axis: the coordinate measured (0 for x, 1 for y).
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    m = np.asarray(minimum, dtype=float)
    if m.shape != (run.path.shape[1],):
        raise ValueError(f"minimum must have {run.path.shape[1]} coordinates, got {minimum!r}")
    s = np.sign(m[axis] - run.path[0, axis])
    if s == 0:
        raise ValueError(f"the run starts at the minimum along axis {axis}: "
                         f"start {run.path[0]!r}, minimum {minimum!r}")
    return float(max(0.0, np.max(s * (run.path[:, axis] - m[axis]))))


def uphill_steps(run: Run) -> int:
    """How many steps of ``run`` increased the loss (a sign of overshooting)."""
    _check_run(run)
    return int(np.count_nonzero(np.diff(run.losses) > 0))


def escape_step(run: Run, threshold: float, axis: int = 1) -> int | None:
    """First step whose coordinate ``axis`` is farther than ``threshold`` from 0, or None.

    On :func:`~optim_lib.landscapes.saddle` (saddle point at the origin, minima at
    y = ±1) ``escape_step(run, 0.5)`` is the step at which the run left the saddle.
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    threshold = checks.optional_number("threshold", threshold)
    if threshold is None or not 0 <= threshold < np.inf:
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}")
    hit = np.flatnonzero(np.abs(run.path[:, axis]) > threshold)
    return int(hit[0]) if hit.size else None


def settle_step(run: Run, target: float) -> int | None:
    """First step from which the loss of ``run`` stays at or below ``target`` to the end.

    None if the run does not end at or below ``target`` (or diverged).
    """
    _check_run(run)
    if run.diverged:
        return None
    above = np.flatnonzero(~(np.asarray(run.losses) <= target))
    if above.size == 0:
        return 0
    return None if above[-1] == len(run.losses) - 1 else int(above[-1] + 1)


def crossings(run: Run, minimum, axis: int = 1) -> int:
    """How many times ``run`` crossed ``minimum``'s coordinate ``axis`` (sign changes).

    On :func:`~optim_lib.landscapes.ill_conditioned_bowl`, ``crossings(run, (0, 0))``
    counts the bounces from wall to wall across the valley (the zig-zag).
    Points exactly on the line do not count as a side.
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    m = np.asarray(minimum, dtype=float)
    if m.shape != (run.path.shape[1],):
        raise ValueError(f"minimum must have {run.path.shape[1]} coordinates, got {minimum!r}")
    side = np.sign(run.path[:, axis] - m[axis])
    side = side[side != 0]
    return int(np.count_nonzero(side[1:] != side[:-1]))


def amplitude(run: Run, minimum, axis: int = 1, start: int = 0, stop: int | None = None) -> float:
    """Largest distance from ``minimum`` along ``axis`` over the steps ``start`` to ``stop``.

    ``max |path[t, axis] − minimum[axis]|`` for ``start <= t < stop`` (``stop`` None: to the
    end). On :func:`~optim_lib.landscapes.ill_conditioned_bowl`,
    ``amplitude(run, (0, 0), 1, 30, 60)`` is how far the bounces across the valley still
    reach in that window. Unlike :func:`crossings` it is not fooled by a path that flips
    sign at every step with a rounding-sized amplitude.
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    m = np.asarray(minimum, dtype=float)
    if m.shape != (run.path.shape[1],):
        raise ValueError(f"minimum must have {run.path.shape[1]} coordinates, got {minimum!r}")
    n = len(run.path)
    stop = n if stop is None else stop
    for name, value in (("start", start), ("stop", stop)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    if not 0 <= start < stop <= n:
        raise ValueError(f"need 0 <= start < stop <= {n} (the run's points), "
                         f"got start={start!r}, stop={stop!r}")
    return float(np.abs(run.path[start:stop, axis] - m[axis]).max())


def flip_rate(run: Run) -> np.ndarray:
    """Per coordinate: the share of steps whose direction (sign) differs from the step before.

    About 0 for a run that moves steadily, about 0.5 for steps that are as good as random
    (noisy gradients), about 1 for a zig-zag that reverses every step.
    """
    _check_run(run)
    if len(run.path) < 3:
        raise ValueError(f"run must have at least 2 steps to compare, got {len(run.path) - 1}")
    steps = np.diff(run.path, axis=0)
    return np.mean(np.sign(steps[1:]) != np.sign(steps[:-1]), axis=0)


def turning_angle(run: Run) -> float:
    """Mean angle, in degrees, between consecutive steps of ``run``'s path.

    0 for a straight path, 90 for steps as good as random in 2-D (noisy gradients),
    180 for a zig-zag that reverses every step. Steps of length 0 are left out.
    """
    _check_run(run)
    steps = np.diff(run.path, axis=0)
    norms = np.linalg.norm(steps, axis=1)
    both = (norms[1:] > 0) & (norms[:-1] > 0)
    if not both.any():
        raise ValueError(f"run must have at least 2 consecutive non-zero steps, got {run!r}")
    cos = np.sum(steps[1:] * steps[:-1], axis=1)[both] / (norms[1:] * norms[:-1])[both]
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))).mean())
