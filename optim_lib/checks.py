"""Argument checks, written once: every error names the argument and the value it got.

Plain functions check one value and return it converted (``positive("lr", 0.1) -> 0.1``).
The hyperparameter fields (:class:`Positive`, :class:`Rate`, :class:`NonNegative`,
:class:`Flag`) run the same checks whenever an optimizer's hyperparameter is set, so an
update rule's class lists its hyperparameters with their ranges and never spells a check.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np

__all__ = ["real", "positive", "rate", "nonnegative", "flag", "count", "optional_number",
           "optimizer", "step_arrays", "Hyperparameter", "Positive", "Rate", "NonNegative", "Flag"]


def real(name: str, value) -> float:
    """A finite real number (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def positive(name: str, value) -> float:
    """A finite number > 0 (a learning rate)."""
    value = real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def rate(name: str, value) -> float:
    """A decay rate: a number in [0, 1)."""
    value = real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def nonnegative(name: str, value) -> float:
    """A finite number >= 0 (eps, weight decay)."""
    value = real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def flag(name: str, value) -> bool:
    """True or False, nothing else (1 and "yes" are refused)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def count(name: str, value, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (bools refused): steps, epochs, repeats, batch sizes."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def optional_number(name: str, value) -> float | None:
    """None, or a number that is not nan (infinities allowed)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or np.isnan(value):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    return float(value)


def optimizer(opt, name: str = "opt"):
    """Anything that keeps the optimizer contract: ``step(w, dw)`` and ``reset()``.

    The update rules of :mod:`optim_lib.optimizers` and :mod:`optim_lib.fused` do, and so
    does a wrapper around one (:class:`optim_lib.recorder.StateRecorder`).
    """
    if isinstance(opt, type) or not (callable(getattr(opt, "step", None))
                                     and callable(getattr(opt, "reset", None))):
        raise TypeError(f"{name} must be an optim_lib optimizer (SGD, Momentum, ...), got {opt!r}")
    return opt


def step_arrays(w, dw, shape) -> np.ndarray:
    """The checks of ``step(w, dw)``: ``w`` a float array (it is updated in place), ``dw``
    of ``w``'s shape, and ``w`` of the ``shape`` of the optimizer's state (None: no state
    yet). Returns ``dw`` as an array."""
    if not isinstance(w, np.ndarray):
        raise TypeError(f"w must be a numpy array of floats, got {type(w).__name__}")
    if not np.issubdtype(w.dtype, np.floating):
        raise TypeError(f"w must be a float array (it is updated in place), got dtype {w.dtype}")
    dw = np.asarray(dw)
    if dw.shape != w.shape:
        raise ValueError(f"dw must have w's shape {w.shape}, got shape {dw.shape}")
    if shape is not None and w.shape != shape:
        raise ValueError(
            f"w has shape {w.shape} but this optimizer's state has shape {shape}; "
            "call reset() before using it on other parameters")
    return dw


class Hyperparameter:
    """A checked hyperparameter of an update rule, declared in the class body::

        class Momentum(Optimizer):
            lr = Positive(1e-2)     # learning rate, > 0
            rho = Rate(0.9)         # momentum, in [0, 1)

    The declaration gives the constructor its argument (in declaration order) and its
    default; every assignment ``opt.lr = value`` is checked and converted.
    """

    check = staticmethod(real)

    def __init__(self, default):
        self.default = default

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj.__dict__[self.name]

    def __set__(self, obj, value):
        obj.__dict__[self.name] = self.check(self.name, value)


class Positive(Hyperparameter):
    """A finite number > 0 (a learning rate)."""
    check = staticmethod(positive)


class Rate(Hyperparameter):
    """A decay rate in [0, 1) (momentum, RMSProp's decay, Adam's betas)."""
    check = staticmethod(rate)


class NonNegative(Hyperparameter):
    """A finite number >= 0 (eps, weight decay)."""
    check = staticmethod(nonnegative)


class Flag(Hyperparameter):
    """True or False; shown in the optimizer's repr only when it is not the default."""
    check = staticmethod(flag)
