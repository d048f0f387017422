"""How many passes over memory an update rule makes, and kernels that change one cause at a time.

Every element-wise numpy operation (``np.multiply``, ``+=``, ``np.sqrt``, ...) is one *pass*:
one loop over arrays of the parameters' size. :func:`count_passes` counts them by running one
``update`` of an optimizer on arrays that record each ufunc call::

    count_passes(fused.Momentum())      # 4: v *= rho, v += dw, tmp = lr*v, w -= tmp
    count_passes(fused.AdaGrad())       # 7: one of them a square root, one a division

Two rules can move the same arrays (the bytes of :func:`optim_lib.cost.min_traffic`) and still
differ in passes and in what each pass computes. To tell the causes apart, the appendix times
two *interventions* beside the real rules:

- :class:`PaddedMomentum` is Momentum with AdaGrad's number of passes: three extra passes that
  multiply the scratch buffer by 1 (the same numbers, bit for bit);
- :class:`AdaGradNoRoot` is AdaGrad's seven passes with the square root and the division
  replaced by multiplications (the same memory traffic and passes, cheap arithmetic; not a
  usable rule).

:func:`interleaved_times` times optimizers in turn, round after round, and keeps each one's
best round, so that a burst of load from elsewhere on the machine hits all of them alike.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import checks, fused
from .optimizers import Optimizer

__all__ = ["PassCount", "count_passes", "PaddedMomentum", "AdaGradNoRoot", "interleaved_times"]


class _Counted(np.ndarray):
    """An array that appends the name of every ufunc applied to it to ``_Counted.log``."""

    log: list | None = None

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if _Counted.log is not None:
            _Counted.log.append(ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}")
        plain = [x.view(np.ndarray) if isinstance(x, _Counted) else x for x in inputs]
        outs = kwargs.get("out")
        if outs is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counted) else o for o in outs)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if outs is not None:                          # in place: hand back the caller's array
            return outs[0] if len(outs) == 1 else outs
        return result.view(_Counted) if isinstance(result, np.ndarray) else result


class _RecordingNumpy:
    """numpy, as :mod:`optim_lib.optimizers.after_adamw` sees it while passes are counted:
    ``asarray`` keeps a recording array recording (``asanyarray``), and ``linalg.norm`` is
    logged as one pass (``"norm"``: it reads the matrix once). Everything else is numpy."""

    asarray = staticmethod(np.asanyarray)

    class linalg:
        @staticmethod
        def norm(x, *args, **kwargs):
            if _Counted.log is not None:
                _Counted.log.append("norm")
            return np.linalg.norm(np.asarray(x), *args, **kwargs)

    def __getattr__(self, name):
        return getattr(np, name)


@dataclass(frozen=True)
class PassCount:
    """The element-wise operations of one update, in order (``ops``), and how many (``passes``)."""

    name: str
    ops: tuple

    @property
    def passes(self) -> int:
        """Element-wise passes: every logged operation but the matrix products."""
        return sum(1 for o in self.ops if o != "matmul")

    @property
    def matmuls(self) -> int:
        """Matrix products (``@``)."""
        return self.count("matmul")

    def count(self, op: str) -> int:
        """How many passes are the ufunc ``op`` (e.g. ``"sqrt"``, ``"divide"``)."""
        return sum(1 for o in self.ops if o == op)


def _params(n, shape, seed):
    """``w`` and ``dw``: ``n`` float64s, or a ``shape`` array when given (a matrix for Muon)."""
    if shape is None:
        shape = (checks.count("n", n),)
    else:
        shape = tuple(shape) if hasattr(shape, "__len__") else (shape,)
        if not shape:
            raise ValueError(f"shape must have at least one dimension, got {shape!r}")
        shape = tuple(checks.count("shape", s) for s in shape)
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), 1e-3 * rng.standard_normal(shape)


def count_passes(opt, n: int = 64, seed: int = 0, shape=None) -> PassCount:
    """Count the element-wise passes of one ``update`` of ``opt`` on ``n`` parameters
    (or on a ``shape`` array: ``shape=(8, 8)`` for a rule that steps matrices, Muon).
    A matrix product (``@``) is logged as ``"matmul"``: count those apart, their cost is
    arithmetic (``2·m·n·k`` flops), not a pass over memory.

    The optimizer first takes one ordinary step (its state is created then, not counted);
    the second update runs on recording arrays, with every state and scratch array swapped
    for a recording view of itself. ``opt`` is an optim_lib optimizer instance (a reference
    rule or a fast twin); its state is reset first and afterwards.
    """
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an optim_lib optimizer instance, got {opt!r}")
    w, dw = _params(n, shape, seed)
    opt.reset()
    opt.update(w, dw)                                   # creates the state
    for key, value in list(vars(opt).items()):          # state and scratch arrays record too
        if isinstance(value, np.ndarray):
            setattr(opt, key, value.view(_Counted))
    from .optimizers import after_adamw                # Newton–Schulz (Muon) records too
    log: list = []
    _Counted.log = log
    after_adamw.np = _RecordingNumpy()
    try:
        opt.update(w.view(_Counted), dw.view(_Counted))
    finally:
        after_adamw.np = np
        _Counted.log = None
        for key, value in list(vars(opt).items()):
            if isinstance(value, _Counted):
                setattr(opt, key, value.view(np.ndarray))
        opt.reset()
    return PassCount(type(opt).__name__, tuple(log))


class PaddedMomentum(fused.Momentum):
    """Momentum's kernel plus three passes that multiply the scratch buffer by 1.

    The same numbers as :class:`optim_lib.fused.Momentum` bit for bit, with AdaGrad's number
    of passes (seven): an intervention on the number of passes alone.
    """

    def _kernel(self, w, dw, tmp, v):
        fused._velocity(v, dw, self.rho)               # v = rho·v + dw
        np.multiply(v, self.lr, out=tmp)
        tmp *= 1.0                                     # three passes that change nothing
        tmp *= 1.0
        tmp *= 1.0
        w -= tmp                                       # w = w − lr·v


class AdaGradNoRoot(fused.AdaGrad):
    """AdaGrad's seven passes, with ``sqrt`` and ``/`` replaced by multiplications.

    It reads and writes the same arrays as :class:`optim_lib.fused.AdaGrad`, pass for pass,
    but every pass is a cheap operation: an intervention on the square root and the division
    alone. It is not AdaGrad (its step is ``lr·dw·(G·1 + eps)``): time it, do not train with it.
    """

    def _kernel(self, w, dw, tmp, G):
        np.multiply(dw, dw, out=tmp)
        G += tmp                                       # G = G + dw²
        np.multiply(G, 1.0, out=tmp)                   # instead of np.sqrt(G, out=tmp)
        tmp += self.eps
        np.multiply(dw, tmp, out=tmp)                  # instead of np.divide(dw, tmp, out=tmp)
        tmp *= self.lr
        w -= tmp


def interleaved_times(optimizers, n: int = 4_000_000, rounds: int = 5, seed: int = 0,
                      clock=time.process_time, shape=None) -> list[float]:
    """The best time of one ``step`` of each optimizer, in seconds, timed in turn.

    Each round times one step of every optimizer, one after the other, on its own copy of
    the same ``n`` float64 parameters; each optimizer keeps its best round. ``clock`` is
    ``time.process_time`` by default (CPU time: a process that waits for a core is not
    charged for the wait; pass ``time.perf_counter`` for wall time). Run single-threaded
    work with it (``fused.WORKERS = 1``): CPU time adds up every thread's time.
    ``shape`` (instead of ``n``) steps a ``shape`` array: a matrix for Muon.
    """
    opts = list(optimizers)
    for opt in opts:
        if not isinstance(opt, Optimizer):
            raise TypeError(f"optimizers must hold optim_lib optimizer instances, got {opt!r}")
    if not opts:
        raise ValueError("optimizers must hold at least one optimizer, got none")
    rounds = checks.count("rounds", rounds)
    w0, dw = _params(n, shape, seed)
    ws = []
    for opt in opts:
        opt.reset()
        ws.append(w0.copy())
        opt.step(ws[-1], dw)                           # creates the state, not timed
    best = [np.inf] * len(opts)
    for _ in range(rounds):
        for i, (opt, w) in enumerate(zip(opts, ws)):
            start = clock()
            opt.step(w, dw)
            best[i] = min(best[i], clock() - start)
    return best
