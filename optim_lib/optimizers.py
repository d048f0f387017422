"""The six update rules of the course, one short class each.

Every optimizer follows one contract::

    opt = Adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    w = opt.step(w, dw)   # updates the float array w in place and returns it
    opt.reset()           # forgets all state (velocity, moments, step count)

State (velocity, accumulators, moments) is created lazily with ``w``'s shape
on the first ``step``. Hyperparameters are checked when the optimizer is built;
``w`` and ``dw`` are checked on every step. A non-finite gradient is *not* an
error here: divergence is something the course shows, and the runners in
:mod:`optim_lib.train` detect and report it.

The equations are those of CS231n's ``optim.py`` and of PyTorch's ``torch.optim``.

Speed without obscurity: a step is memory-bound (a few arithmetic operations per
number read), so each ``_update`` works in place (``*=``, ``+=``, ``out=``) with one
scratch buffer ``tmp`` instead of a temporary per operation, and the base class feeds
it the parameters in cache-sized chunks. The intermediate passes over ``tmp`` then stay
in the CPU cache, and main memory sees little more than the minimum: one read of each
of ``w``, ``dw`` and the state, one write of ``w`` and the state. Large parameter
arrays are split between two threads (numpy releases the GIL inside its loops), which
matters for the rules that take a square root per parameter.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from numbers import Real

import numpy as np

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]

CHUNK = 131_072   # parameters per chunk: 1 MB per float64 array, so the passes over tmp hit the cache
WORKERS = min(2, os.cpu_count() or 1)   # threads sharing the chunks of a large step
_pool: ThreadPoolExecutor | None = None


def _workers() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="optim_lib")
    return _pool


def _real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _positive(name: str, value) -> float:
    value = _real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def _rate(name: str, value) -> float:
    """A decay rate: a number in [0, 1)."""
    value = _real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def _nonnegative(name: str, value) -> float:
    value = _real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


class Optimizer:
    """Base class: argument checks, lazy state and ``reset``.

    Subclasses list their state arrays in ``_state_names`` and implement
    ``_update(w, dw, tmp, *state)``, which changes ``w`` and the state in place;
    ``tmp`` is scratch space of ``w``'s size, and the state arrays come in the order
    of ``_state_names``. ``step`` may call it on consecutive chunks of the parameters.
    """

    name = "optimizer"
    _state_names: tuple[str, ...] = ()
    chunk: int | None = CHUNK   # parameters per call of _update; None: whole arrays at once

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget all state: the next ``step`` starts from scratch."""
        self._shape = None
        self._scratch = None
        self.t = 0
        for state in self._state_names:
            setattr(self, state, None)

    @property
    def hyperparams(self) -> dict[str, float]:
        """The constructor arguments, as a dict (for labels and for cloning)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}"
                         for k, v in self.hyperparams.items())
        return f"{type(self).__name__}({args})"

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        """Update ``w`` in place from the gradient ``dw`` and return ``w``."""
        if not isinstance(w, np.ndarray):
            raise TypeError(f"w must be a numpy array of floats, got {type(w).__name__}")
        if not np.issubdtype(w.dtype, np.floating):
            raise TypeError(f"w must be a float array (it is updated in place), got dtype {w.dtype}")
        dw = np.asarray(dw)
        if dw.shape != w.shape:
            raise ValueError(f"dw must have w's shape {w.shape}, got shape {dw.shape}")
        if self._shape is None:
            self._shape = w.shape
            for state in self._state_names:
                setattr(self, state, np.zeros(w.shape, dtype=w.dtype))
        elif w.shape != self._shape:
            raise ValueError(
                f"w has shape {w.shape} but this optimizer's state has shape {self._shape}; "
                "call reset() before using it on other parameters")
        self.t += 1
        states = [getattr(self, name) for name in self._state_names]
        if not (w.flags.c_contiguous and dw.flags.c_contiguous and w.dtype == dw.dtype):
            self._update(w, dw, np.empty_like(w), *states)   # unusual layout: whole arrays
            return w
        size = max(1, min(self.chunk or w.size, w.size))
        starts = range(0, w.size, size)
        lanes = min(WORKERS, len(starts))                     # 1 unless w spans several chunks
        if self._scratch is None or self._scratch.shape[1] < size or len(self._scratch) < lanes:
            self._scratch = np.empty((lanes, size), dtype=w.dtype)
        flat = [a.reshape(-1) for a in (w, dw, *states)]

        def run(lane):   # every lanes-th chunk, with this lane's scratch buffer
            for start in starts[lane::lanes]:
                w_c, dw_c, *state_c = (a[start:start + size] for a in flat)
                self._update(w_c, dw_c, self._scratch[lane, :w_c.size], *state_c)

        if lanes == 1:
            run(0)
        else:
            list(_workers().map(run, range(lanes)))
        return w

    def _update(self, w, dw, tmp, *state) -> None:  # pragma: no cover
        raise NotImplementedError


class SGD(Optimizer):
    """Vanilla (stochastic) gradient descent.

        w ← w − lr · dw

    Args:
        lr: learning rate (step size), > 0.
    """

    name = "SGD"

    def __init__(self, lr: float = 1e-2):
        self.lr = _positive("lr", lr)
        super().__init__()

    @property
    def hyperparams(self):
        return {"lr": self.lr}

    def _update(self, w, dw, tmp):
        np.multiply(dw, self.lr, out=tmp)              # lr·dw
        w -= tmp                                       # w = w − lr·dw


class Momentum(Optimizer):
    """SGD with (heavy-ball) momentum, as in CS231n and PyTorch.

        v ← rho · v + dw
        w ← w − lr · v

    Args:
        lr: learning rate, > 0.
        rho: momentum (how much of the old velocity is kept), in [0, 1).
    """

    name = "Momentum"
    _state_names = ("v",)

    def __init__(self, lr: float = 1e-2, rho: float = 0.9):
        self.lr = _positive("lr", lr)
        self.rho = _rate("rho", rho)
        super().__init__()

    @property
    def hyperparams(self):
        return {"lr": self.lr, "rho": self.rho}

    def _update(self, w, dw, tmp, v):
        v *= self.rho
        v += dw                                        # v = rho·v + dw
        np.multiply(v, self.lr, out=tmp)
        w -= tmp                                       # w = w − lr·v


class Nesterov(Optimizer):
    """Nesterov momentum, in the change of variables used by PyTorch.

    The look-ahead form evaluates the gradient at x + rho·v. Writing the
    parameters as the look-ahead point itself, with ``dw`` the gradient there:

        v ← rho · v + dw
        w ← w − lr · (dw + rho · v)

    Args:
        lr: learning rate, > 0.
        rho: momentum, in [0, 1).
    """

    name = "Nesterov"
    _state_names = ("v",)

    def __init__(self, lr: float = 1e-2, rho: float = 0.9):
        self.lr = _positive("lr", lr)
        self.rho = _rate("rho", rho)
        super().__init__()

    @property
    def hyperparams(self):
        return {"lr": self.lr, "rho": self.rho}

    def _update(self, w, dw, tmp, v):
        v *= self.rho
        v += dw                                        # v = rho·v + dw
        np.multiply(v, self.rho, out=tmp)
        tmp += dw                                      # tmp = dw + rho·v
        tmp *= self.lr
        w -= tmp                                       # w = w − lr·(dw + rho·v)


class AdaGrad(Optimizer):
    """AdaGrad: a per-coordinate step size from the sum of squared gradients.

        G ← G + dw²                      (element-wise: the diagonal only)
        w ← w − lr · dw / (√G + eps)

    eps sits outside the square root, as in the seed's code and in PyTorch.

    Args:
        lr: learning rate, > 0.
        eps: small constant that keeps the division finite, >= 0.
    """

    name = "AdaGrad"
    _state_names = ("G",)

    def __init__(self, lr: float = 1e-2, eps: float = 1e-7):
        self.lr = _positive("lr", lr)
        self.eps = _nonnegative("eps", eps)
        super().__init__()

    @property
    def hyperparams(self):
        return {"lr": self.lr, "eps": self.eps}

    def _update(self, w, dw, tmp, G):
        np.multiply(dw, dw, out=tmp)
        G += tmp                                       # G = G + dw²
        np.sqrt(G, out=tmp)
        tmp += self.eps                                # tmp = √G + eps
        np.divide(dw, tmp, out=tmp)
        tmp *= self.lr
        w -= tmp                                       # w = w − lr·dw/(√G + eps)


class RMSProp(Optimizer):
    """RMSProp ("leaky AdaGrad"): a moving average of squared gradients.

        s ← decay · s + (1 − decay) · dw²
        w ← w − lr · dw / (√s + eps)

    ``decay`` is the decay rate of the moving average, not a momentum.

    Args:
        lr: learning rate, > 0.
        decay: decay rate of the average of squared gradients, in [0, 1).
        eps: small constant that keeps the division finite, >= 0.
    """

    name = "RMSProp"
    _state_names = ("s",)

    def __init__(self, lr: float = 1e-2, decay: float = 0.99, eps: float = 1e-8):
        self.lr = _positive("lr", lr)
        self.decay = _rate("decay", decay)
        self.eps = _nonnegative("eps", eps)
        super().__init__()

    @property
    def hyperparams(self):
        return {"lr": self.lr, "decay": self.decay, "eps": self.eps}

    def _update(self, w, dw, tmp, s):
        np.multiply(dw, dw, out=tmp)
        tmp *= 1 - self.decay
        s *= self.decay
        s += tmp                                       # s = decay·s + (1−decay)·dw²
        np.sqrt(s, out=tmp)
        tmp += self.eps
        np.divide(dw, tmp, out=tmp)
        tmp *= self.lr
        w -= tmp                                       # w = w − lr·dw/(√s + eps)


class Adam(Optimizer):
    """Adam: momentum on the gradient plus RMSProp's scaling, bias-corrected.

        m ← beta1 · m + (1 − beta1) · dw          (first moment)
        v ← beta2 · v + (1 − beta2) · dw²         (second moment)
        m̂ = m / (1 − beta1^t),  v̂ = v / (1 − beta2^t),   t = 1, 2, ...
        w ← w − lr · m̂ / (√v̂ + eps)

    Kingma & Ba (2014), Algorithm 1.

    Args:
        lr: learning rate, > 0.
        beta1: decay rate of the first moment, in [0, 1).
        beta2: decay rate of the second moment, in [0, 1).
        eps: small constant that keeps the division finite, >= 0.
        bias_correction: divide by (1 − beta^t); switch off only to see why it exists.
    """

    name = "Adam"
    _state_names = ("m", "v")

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, bias_correction: bool = True):
        self.lr = _positive("lr", lr)
        self.beta1 = _rate("beta1", beta1)
        self.beta2 = _rate("beta2", beta2)
        self.eps = _nonnegative("eps", eps)
        if not isinstance(bias_correction, bool):
            raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}")
        self.bias_correction = bias_correction
        super().__init__()

    @property
    def hyperparams(self):
        hp = {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}
        if not self.bias_correction:
            hp["bias_correction"] = False
        return hp

    def _update(self, w, dw, tmp, m, v):
        np.multiply(dw, 1 - self.beta1, out=tmp)
        m *= self.beta1
        m += tmp                                       # m = beta1·m + (1−beta1)·dw
        np.multiply(dw, dw, out=tmp)
        tmp *= 1 - self.beta2
        v *= self.beta2
        v += tmp                                       # v = beta2·v + (1−beta2)·dw²
        if self.bias_correction:
            c1 = 1 - self.beta1 ** self.t
            c2 = 1 - self.beta2 ** self.t
        else:
            c1 = c2 = 1.0
        # lr·m̂/(√v̂ + eps) with the scalar corrections folded in, so that m̂ and v̂
        # are never stored: √v̂ = √v/√c2, and m̂ = m/c1.
        np.sqrt(v, out=tmp)
        tmp *= 1 / math.sqrt(c2)
        tmp += self.eps                                # tmp = √v̂ + eps
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr / c1                            # tmp = lr·m̂/(√v̂ + eps)
        w -= tmp                                       # w = w − lr·m̂/(√v̂ + eps)
