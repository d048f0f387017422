"""The fast twins of the update rules: the same equations, in place, in chunks, on two threads.

PyTorch keeps a readable ``_single_tensor_adam`` beside ``_fused_adam`` and tests them
equal; so does this library. :mod:`optim_lib.optimizers` is the reference, one
whole-array expression per line. Each class here (``fused.Adam``, ...) *is* that rule
(a subclass: same hyperparameters, state, ``reset`` and ``effective_lr``) with a faster
``update``::

    from optim_lib import fused
    opt = fused.Adam(lr=1e-3)           # or fused.twin(Adam(lr=1e-3))

Why it is faster. A step is memory-bound: a few arithmetic operations per number read.
The reference form allocates a temporary array for every operation and walks all of
memory once per operation. Here each ``_kernel`` works in place (``*=``, ``+=``,
``out=``) with one scratch buffer ``tmp``, and :meth:`Fused.update` feeds it the
parameters in chunks of :data:`CHUNK` numbers (1 MB per float64 array), so the passes over
``tmp`` stay in the CPU cache and main memory sees little more than the minimum: one read
of ``w``, ``dw`` and each state array, one write of ``w`` and each state array
(:mod:`optim_lib.cost` measures it). Parameters that span several chunks are shared
between :data:`WORKERS` threads (numpy releases the GIL inside its loops), which matters
for the rules that take a square root per parameter.

``tests/test_fused.py`` checks every twin against its reference over hundreds of steps,
across chunk boundaries and odd sizes.
"""

from __future__ import annotations

import inspect
import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import optimizers as reference

__all__ = ["CHUNK", "WORKERS", "Fused", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp",
           "Adam", "AdamW", "twin", "workers"]

CHUNK = 131_072   # parameters per chunk: 1 MB per float64 array, so the passes over tmp hit the cache
WORKERS = min(2, os.cpu_count() or 1)   # threads sharing the chunks of a large step
_pool: ThreadPoolExecutor | None = None


def workers() -> ThreadPoolExecutor:
    """The thread pool shared by every fast step (created on first use)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="optim_lib")
    return _pool


class Fused:
    """Runs a rule's ``_kernel(w, dw, tmp, *state)`` over chunks of the parameters.

    A twin writes ``_kernel``, which changes ``w`` and the state chunks in place; ``tmp``
    is scratch space of the chunk's size. The kernel's arguments after ``tmp`` name the
    state arrays (``v``; ``m, v``): they are created as zeros of ``w``'s shape and dtype
    on the first step.
    """

    _state: tuple[str, ...] = ()
    chunk: int | None = CHUNK   # parameters per call of _kernel; None: whole arrays at once

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._state = tuple(inspect.signature(cls._kernel).parameters)[4:]   # after self, w, dw, tmp
        rule = cls.__mro__[cls.__mro__.index(Fused) + 1]
        cls.__doc__ = f"The fast twin of :class:`optim_lib.optimizers.{rule.__name__}`.\n\n{rule.__doc__}"

    def __setattr__(self, name, value):
        if isinstance(value, np.ndarray) and value.ndim > 0 \
                and any(h.name == name for h in self._hyperparameters):
            raise TypeError(f"{name}: a fast twin takes one number per hyperparameter, got an "
                            f"array of shape {value.shape}; run stacked runs (one value per "
                            f"run) with the reference rule optim_lib.{type(self).__name__}")
        super().__setattr__(name, value)

    def update(self, w, dw):
        for name in self._state:
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(w.shape, dtype=w.dtype))
        self.t += 1
        states = [getattr(self, name) for name in self._state]
        if not (w.flags.c_contiguous and dw.flags.c_contiguous and w.dtype == dw.dtype
                and all(s.flags.c_contiguous and s.dtype == w.dtype for s in states)):
            self._kernel(w, dw, np.empty_like(w), *states)   # unusual layout: whole arrays
            return
        size = max(1, min(self.chunk or w.size, w.size))
        starts = range(0, w.size, size)
        lanes = min(WORKERS, len(starts))                     # 1 unless w spans several chunks
        scratch = getattr(self, "_scratch", None)
        if scratch is None or scratch.shape[1] < size or len(scratch) < lanes \
                or scratch.dtype != w.dtype:
            scratch = self._scratch = np.empty((lanes, size), dtype=w.dtype)
        flat = [a.reshape(-1) for a in (w, dw, *states)]

        def run(lane):   # every lanes-th chunk, with this lane's scratch buffer
            for start in starts[lane::lanes]:
                w_c, dw_c, *state_c = (a[start:start + size] for a in flat)
                self._kernel(w_c, dw_c, scratch[lane, :w_c.size], *state_c)

        if lanes == 1:
            run(0)
        else:
            list(workers().map(run, range(lanes)))

    def __repr__(self) -> str:
        return "fused." + super().__repr__()


class SGD(Fused, reference.SGD):
    def _kernel(self, w, dw, tmp):
        np.multiply(dw, self.lr, out=tmp)              # lr·dw
        w -= tmp                                       # w = w − lr·dw


def _velocity(v, dw, rho):
    """v = rho·v + dw, in place (Momentum and Nesterov)."""
    v *= rho
    v += dw


class Momentum(Fused, reference.Momentum):
    def _kernel(self, w, dw, tmp, v):
        _velocity(v, dw, self.rho)                     # v = rho·v + dw
        np.multiply(v, self.lr, out=tmp)
        w -= tmp                                       # w = w − lr·v


class Nesterov(Fused, reference.Nesterov):
    def _kernel(self, w, dw, tmp, v):
        _velocity(v, dw, self.rho)                     # v = rho·v + dw
        np.multiply(v, self.rho, out=tmp)
        tmp += dw                                      # tmp = dw + rho·v
        tmp *= self.lr
        w -= tmp                                       # w = w − lr·(dw + rho·v)


class AdaGrad(Fused, reference.AdaGrad):
    def _kernel(self, w, dw, tmp, G):
        np.multiply(dw, dw, out=tmp)
        G += tmp                                       # G = G + dw²
        np.sqrt(G, out=tmp)
        tmp += self.eps                                # tmp = √G + eps
        np.divide(dw, tmp, out=tmp)
        tmp *= self.lr
        w -= tmp                                       # w = w − lr·dw/(√G + eps)


class RMSProp(Fused, reference.RMSProp):
    def _kernel(self, w, dw, tmp, s):
        np.multiply(dw, dw, out=tmp)
        tmp *= 1 - self.decay
        s *= self.decay
        s += tmp                                       # s = decay·s + (1−decay)·dw²
        np.sqrt(s, out=tmp)
        tmp += self.eps
        np.divide(dw, tmp, out=tmp)
        tmp *= self.lr
        w -= tmp                                       # w = w − lr·dw/(√s + eps)


class Adam(Fused, reference.Adam):
    def _kernel(self, w, dw, tmp, m, v):
        np.multiply(dw, 1 - self.beta1, out=tmp)
        m *= self.beta1
        m += tmp                                       # m = beta1·m + (1−beta1)·dw
        np.multiply(dw, dw, out=tmp)
        tmp *= 1 - self.beta2
        v *= self.beta2
        v += tmp                                       # v = beta2·v + (1−beta2)·dw²
        c1 = 1 - self.beta1**self.t if self.bias_correction else 1.0
        c2 = 1 - self.beta2**self.t if self.bias_correction else 1.0
        # m̂ and v̂ are never stored: with m̂ = m/c1 and √v̂ = √v/√c2,
        # lr·m̂/(√v̂ + eps) = (lr·√c2/c1) · m/(√v + eps·√c2)
        np.sqrt(v, out=tmp)
        tmp += self.eps * math.sqrt(c2)                # tmp = √v + eps·√c2
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr * math.sqrt(c2) / c1            # tmp = lr·m̂/(√v̂ + eps)
        w -= tmp                                       # w = w − lr·m̂/(√v̂ + eps)


class AdamW(Adam, reference.AdamW):
    def _kernel(self, w, dw, tmp, m, v):
        w *= 1 - self.lr * self.weight_decay           # w = w·(1 − lr·weight_decay)
        super()._kernel(w, dw, tmp, m, v)              # then Adam's kernel: the Adam step


FAST = {reference.SGD: SGD, reference.Momentum: Momentum, reference.Nesterov: Nesterov,
        reference.AdaGrad: AdaGrad, reference.RMSProp: RMSProp, reference.Adam: Adam,
        reference.AdamW: AdamW}


def twin(opt):
    """The fast twin of a reference optimizer, with the same hyperparameters (fresh state).

    Accepts an instance (``twin(Adam(lr=0.01))``) or a class (``twin(Adam)``: the class).
    """
    if isinstance(opt, type):
        if opt in FAST:
            return FAST[opt]
        if issubclass(opt, Fused):
            return opt
    elif type(opt) in FAST:
        return FAST[type(opt)](**opt.hyperparams)
    elif isinstance(opt, Fused):
        return type(opt)(**opt.hyperparams)
    raise TypeError(f"opt must be one of the optimizers {[c.__name__ for c in FAST]} "
                    f"(an instance or the class), got {opt!r}")
