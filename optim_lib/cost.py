"""What one optimizer step costs in memory traffic, measured on this machine.

An update rule does a handful of arithmetic operations per parameter, so its speed is set
by how many bytes it moves, not by how much it computes. At the least, a rule reads ``w``,
``dw`` and each of its state arrays once and writes ``w`` and each state array once:

    SGD 3 arrays · Momentum, Nesterov, AdaGrad, RMSProp 5 · Adam 7

:func:`measure_steps` times one ``step`` of each rule next to ``np.copyto`` on arrays of
the same size (read one, write one: the machine's copy bandwidth) in the same run, and
reports each rule's effective bandwidth as a fraction of it. ``bench/step.py`` prints it;
the appendix of the book glues it into the text.

Memory: :func:`state_bytes_per_parameter` measures a rule's state on a matrix, and
:func:`factored_second_moment` / :func:`factored_numbers` compute Adafactor's factored second
moment (Shazeer & Stern 2018; the row and column statistics of ``torch.optim.Adafactor``):
``m + n`` numbers for an ``m × n`` matrix instead of Adam's ``m · n``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import checks
from .optimizers import Optimizer

__all__ = ["min_traffic", "StepCost", "measure_steps", "best_time", "cpu_time",
           "state_bytes_per_parameter", "factored_second_moment", "factored_estimate",
           "factored_numbers"]


def _shape_for(cls, shape):
    """``shape`` checked, or the smallest one ``cls`` steps: a 1 × 1 matrix for the rules
    that take matrices only (Muon), one number for the others."""
    if shape is None:
        from .optimizers.after_adamw import Muon
        return (1, 1) if issubclass(cls, Muon) else (1,)
    shape = tuple(shape) if hasattr(shape, "__len__") else (shape,)
    if not shape:
        raise ValueError(f"shape must have at least one dimension, got {shape!r}")
    return tuple(checks.count("shape", s) for s in shape)


def min_traffic(cls: type[Optimizer], shape=None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The arrays a rule must at least read and write per step: ``(reads, writes)``.

    Its state arrays are those a default-built instance holds after one step on a ``shape``
    array (default: one number, or a 1 × 1 matrix for a rule that steps matrices only).
    """
    if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
        raise TypeError(f"cls must be an optimizer class, got {cls!r}")
    shape = _shape_for(cls, shape)
    opt = cls()
    opt.step(np.zeros(shape), np.zeros(shape))
    state = tuple(opt.state)
    return ("w", "dw") + state, state + ("w",)


def state_bytes_per_parameter(cls: type[Optimizer], shape=(100, 100)) -> float:
    """Bytes of optimizer state per parameter, measured: the ``nbytes`` of the state arrays
    a default-built ``cls`` holds after one step on a float64 ``shape`` array, divided by
    the number of parameters."""
    if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
        raise TypeError(f"cls must be an optimizer class, got {cls!r}")
    shape = _shape_for(cls, shape)
    opt = cls()
    opt.step(np.zeros(shape), np.zeros(shape))
    return sum(a.nbytes for a in opt.state.values()) / int(np.prod(shape))


def factored_second_moment(grad_sq) -> tuple[np.ndarray, np.ndarray]:
    """Adafactor's factored statistics of a matrix of squared gradients (Shazeer & Stern
    2018), as ``torch.optim.Adafactor`` keeps them: the row means (shape ``m × 1``) and the
    column means (``1 × n``) over the last two axes. ``m + n`` numbers instead of ``m · n``;
    :func:`factored_estimate` rebuilds the full matrix from them."""
    grad_sq = np.asarray(grad_sq, dtype=float)
    if grad_sq.ndim < 2:
        raise ValueError(f"grad_sq must be a matrix (2-D or more), got shape {grad_sq.shape}")
    if np.any(grad_sq < 0) or not np.all(np.isfinite(grad_sq)):
        raise ValueError("grad_sq must hold squares: finite and >= 0")
    return grad_sq.mean(axis=-1, keepdims=True), grad_sq.mean(axis=-2, keepdims=True)


def factored_estimate(row: np.ndarray, col: np.ndarray, eps: float = 1e-30) -> np.ndarray:
    """The second moment rebuilt from row and column means: ``row · col / mean(row)``
    (torch's ``row_var @ col_var / row_var.mean(dim=-2)``). Exact when the matrix of squared
    gradients has rank one."""
    row, col = np.asarray(row, dtype=float), np.asarray(col, dtype=float)
    if row.shape[-1] != 1 or col.shape[-2] != 1:
        raise ValueError(f"row must be m × 1 and col 1 × n, got {row.shape} and {col.shape}")
    return row @ col / np.maximum(row.mean(axis=-2, keepdims=True), eps)


def factored_numbers(shape) -> int:
    """How many numbers Adafactor's second moment keeps for a parameter of ``shape``: a row
    and a column (``m + n``) for a matrix (times the leading dimensions of a stack of
    matrices), the full ``n`` for a vector."""
    shape = tuple(shape) if hasattr(shape, "__len__") else (shape,)
    if not shape:
        raise ValueError(f"shape must have at least one dimension, got {shape!r}")
    shape = tuple(checks.count("shape", s) for s in shape)
    if len(shape) == 1:
        return shape[0]
    lead = int(np.prod(shape[:-2]))
    return lead * (shape[-2] + shape[-1])


@dataclass(frozen=True)
class StepCost:
    """One rule's measured step. Bandwidths in bytes per second."""

    name: str
    seconds: float
    reads: tuple
    writes: tuple
    nbytes: int            # bytes of one array
    copy_bandwidth: float  # np.copyto on the same arrays, same run

    @property
    def arrays(self) -> int:
        return len(self.reads) + len(self.writes)

    @property
    def min_bytes(self) -> int:
        return self.arrays * self.nbytes

    @property
    def bandwidth(self) -> float:
        return self.min_bytes / self.seconds

    @property
    def fraction_of_copy(self) -> float:
        return self.bandwidth / self.copy_bandwidth


def best_time(fn, repeats: int = 3, clock=time.perf_counter) -> float:
    """The shortest of ``repeats`` timings of ``fn()``, in seconds: the run least disturbed
    by whatever else the machine is doing. ``clock=time.process_time`` measures CPU time of
    this process instead of wall time (steadier on a shared machine, but it adds up the time
    of all threads)."""
    checks.count("repeats", repeats)
    best = np.inf
    for _ in range(repeats):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def cpu_time(fn, repeats: int = 3) -> float:
    """The shortest CPU time of ``repeats`` calls of ``fn()``, in seconds: :func:`best_time`
    with ``time.process_time``. For single-threaded work on a shared machine (the chapters
    time loss and gradient evaluations with it, under one BLAS thread)."""
    return best_time(fn, repeats, clock=time.process_time)


def measure_steps(optimizers, n: int = 4_000_000, repeats: int = 7, seed: int = 0) -> list[StepCost]:
    """Time one ``step`` of each optimizer (instances, default-built from classes) on ``n`` float64s.

    The reference rules (:mod:`optim_lib.optimizers`) and their fast twins
    (:mod:`optim_lib.fused`) are timed alike: pass ``fused.Adam`` for the fast step.

    The copy bandwidth is measured between the rules (interleaved, best time kept), so a
    burst of load from elsewhere on the machine hits both sides of the ratio.
    """
    checks.count("n", n)
    checks.count("repeats", repeats)
    rng = np.random.default_rng(seed)
    w0, dw = rng.standard_normal(n), 1e-3 * rng.standard_normal(n)
    src, dst = rng.standard_normal(n), np.empty(n)
    copy_time = best_time(lambda: np.copyto(dst, src), repeats)
    timed = []
    for opt in optimizers:
        opt = opt() if isinstance(opt, type) else opt
        if not isinstance(opt, Optimizer):
            raise TypeError(f"optimizers must hold optim_lib optimizers, got {opt!r}")
        opt.reset()
        w = w0.copy()
        opt.step(w, dw)                                  # creates the state, not timed
        timed.append((opt, best_time(lambda: opt.step(w, dw), repeats)))
        copy_time = min(copy_time, best_time(lambda: np.copyto(dst, src), repeats))
    copy_bw = 2 * w0.nbytes / copy_time
    return [StepCost(type(opt).__name__, t, *min_traffic(type(opt)), w0.nbytes, copy_bw)
            for opt, t in timed]
