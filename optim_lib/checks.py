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

__all__ = ["real", "positive", "rate", "nonnegative", "in_range", "flag", "count",
           "optional_number", "increasing", "seeds", "checkpoints", "float_dtype",
           "optimizer", "optimizers", "step_arrays", "each", "Hyperparameter", "Positive", "Rate",
           "NonNegative", "Flag"]


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


def in_range(name: str, value, lo: float, hi: float, lo_open: bool = False,
             hi_open: bool = False) -> float:
    """A finite number in the interval from ``lo`` to ``hi`` (each end closed unless told)."""
    value = real(name, value)
    if not ((lo < value if lo_open else lo <= value) and (value < hi if hi_open else value <= hi)):
        raise ValueError(f"{name} must be in {'(' if lo_open else '['}{lo:g}, {hi:g}"
                         f"{')' if hi_open else ']'}, got {value!r}")
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


def increasing(name: str, values, min_len: int = 1) -> np.ndarray:
    """At least ``min_len`` finite positive numbers in increasing order (a grid of learning
    rates or strengths), as a float array."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if arr.ndim != 1 or arr.size < min_len or not np.all(np.isfinite(arr)) \
            or not np.all(arr > 0) or np.any(np.diff(arr) <= 0):
        what = "a non-empty" if min_len == 1 else f"at least {min_len} numbers in an"
        raise ValueError(f"{name} must be {what} increasing sequence of positive numbers, "
                         f"got {values!r}")
    return arr


def seeds(values, name: str = "seeds") -> tuple[int, ...]:
    """A non-empty sequence of integer seeds >= 0, as a tuple."""
    try:
        values = tuple(values)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integer seeds, got {values!r}") from None
    if not values:
        raise ValueError(f"{name} must hold at least one seed, got none")
    return tuple(count(f"each seed of {name}", s, minimum=0) for s in values)


def checkpoints(values, epochs: int, name: str = "checkpoints") -> tuple[int, ...]:
    """The epochs after which a training evaluates, sorted and without repeats, each an
    integer in ``[1, epochs]``; None means the last epoch only."""
    if values is None:
        return (epochs,)
    try:
        values = tuple(sorted(set(values)))
    except TypeError:
        raise ValueError(f"{name} must be a collection of epochs, got {values!r}") from None
    if not values:
        raise ValueError(f"{name} must hold at least one epoch, got none")
    for c in values:
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 1 <= c <= epochs:
            raise ValueError(f"{name} must be epochs in [1, {epochs}], got {c!r}")
    return tuple(int(c) for c in values)


def float_dtype(dtype, name: str = "dtype"):
    """``numpy.float32`` or ``numpy.float64`` (the float types a training runs in)."""
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{name} must be numpy.float32 or numpy.float64, got {dtype!r}")
    return np.dtype(dtype).type


def optimizer(opt, name: str = "opt"):
    """Anything that keeps the optimizer contract: ``step(w, dw)`` and ``reset()``.

    The update rules of :mod:`optim_lib.optimizers` and :mod:`optim_lib.fused` do, and so
    does a wrapper around one (:class:`optim_lib.recorder.StateRecorder`).
    """
    if isinstance(opt, type) or not (callable(getattr(opt, "step", None))
                                     and callable(getattr(opt, "reset", None))):
        raise TypeError(f"{name} must be an optim_lib optimizer (SGD, Momentum, ...), got {opt!r}")
    return opt


def optimizers(opts, name: str = "optimizers") -> list:
    """A non-empty list of distinct optimizers (one per group of a batched training: each
    keeps its own group's state, so one instance twice would mix two groups)."""
    opts = list(opts)
    if not opts:
        raise ValueError(f"{name} must hold at least one optimizer, got none")
    for i, opt in enumerate(opts):
        optimizer(opt, f"{name}[{i}]")
    if len({id(o) for o in opts}) != len(opts):
        raise ValueError(f"{name} must be distinct instances: each keeps its own group's state")
    return opts


def step_arrays(w, dw, shape) -> np.ndarray:
    """The checks of ``step(w, dw)``: ``w`` a float array (it is updated in place), ``dw``
    of ``w``'s shape, and ``w`` of the ``shape`` of the optimizer's state (None: no state
    yet). Returns ``dw`` as an array."""
    if not isinstance(w, np.ndarray):
        raise TypeError(f"w must be a numpy array of floats, got {type(w).__name__}")
    if w.dtype.kind != "f":           # np.issubdtype(w.dtype, np.floating), 7x faster: every step
        raise TypeError(f"w must be a float array (it is updated in place), got dtype {w.dtype}")
    dw = np.asarray(dw)
    if dw.shape != w.shape:
        raise ValueError(f"dw must have w's shape {w.shape}, got shape {dw.shape}")
    if shape is not None and w.shape != shape:
        raise ValueError(
            f"w has shape {w.shape} but this optimizer's state has shape {shape}; "
            "call reset() before using it on other parameters")
    return dw


def each(check, name: str, values: np.ndarray) -> np.ndarray:
    """A numpy array whose every entry passes ``check(name, entry)`` (one hyperparameter value
    per stacked run), as a float array; a 0-d array is one number. The error is ``check``'s
    for the first bad entry (naming the argument and the value), with the entry's index.
    ``check`` must accept an interval (as :func:`real`, :func:`positive`, :func:`rate` and
    :func:`nonnegative` do): then the array passes when its smallest and largest entries do."""
    if values.ndim == 0:
        return check(name, values.item())
    if values.dtype.kind not in "iuf":    # signed or unsigned integers, or floats (not bool)
        raise TypeError(f"{name} must be a real number or an array of real numbers, got an "
                        f"array of dtype {values.dtype}")
    if values.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty array of numbers, got an "
                         f"empty array of shape {values.shape}")
    try:    # each rule accepts an interval: if the extremes pass (nan fails), every entry does
        check(name, values.min().item())
        check(name, values.max().item())
        return values.astype(float)
    except (TypeError, ValueError):
        pass    # find the first bad entry, and say where it is
    for index, value in np.ndenumerate(values):
        try:
            check(name, value.item())
        except (TypeError, ValueError) as error:
            raise type(error)(f"{error} (entry {index} of an array of shape {values.shape})") \
                from None
    return values.astype(float)


class Hyperparameter:
    """A checked hyperparameter of an update rule, declared in the class body::

        class Momentum(Optimizer):
            lr = Positive(1e-2)     # learning rate, > 0
            rho = Rate(0.9)         # momentum, in [0, 1)

    The declaration gives the constructor its argument (in declaration order) and its
    default; every assignment ``opt.lr = value`` is checked and converted. The numeric
    fields (:class:`Positive`, :class:`Rate`, :class:`NonNegative`) also take a numpy array
    of such numbers, every entry checked by the same rule (:func:`each`): one value per run
    of a stacked run, broadcasting over the weights' leading run axis.
    """

    check = staticmethod(real)
    arrays = False                  # does it take a numpy array of values (one per run)?

    def __init__(self, default):
        self.default = default

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj.__dict__[self.name]

    def __set__(self, obj, value):
        if self.arrays and isinstance(value, np.ndarray):
            obj.__dict__[self.name] = each(self.check, self.name, value)
        else:
            obj.__dict__[self.name] = self.check(self.name, value)


class Positive(Hyperparameter):
    """A finite number > 0 (a learning rate)."""
    check = staticmethod(positive)
    arrays = True


class Rate(Hyperparameter):
    """A decay rate in [0, 1) (momentum, RMSProp's decay, Adam's betas)."""
    check = staticmethod(rate)
    arrays = True


class NonNegative(Hyperparameter):
    """A finite number >= 0 (eps, weight decay)."""
    check = staticmethod(nonnegative)
    arrays = True


class Flag(Hyperparameter):
    """True or False; shown in the optimizer's repr only when it is not the default."""
    check = staticmethod(flag)
