"""What a fair race tunes: each optimizer's search space, and trials drawn from it at random.

Every optimizer of the race declares the hyperparameters the benchmarking literature tunes
for it (Choi et al. 2019; Schmidt et al. 2021), each with a stated distribution:

=============  ===============================================================
``lr``         log-uniform over ``LR_RANGE`` = (1e-4, 10), every optimizer
``1-rho``      log-uniform over (1e-3, 1): ρ from 0 (plain SGD) to 0.999
``1-decay``    log-uniform over (1e-3, 1): RMSProp's decay from 0 to 0.999
``1-beta1``    log-uniform over (1e-3, 1): β₁ from 0 (RMSProp-like Adam) to 0.999
``1-beta2``    log-uniform over (1e-4, 1e-1): β₂ from 0.9 to 0.9999
``eps``        log-uniform over (1e-10, 1e-1): RMSProp and Adam (Choi et al. tune it)
``schedule``   ``"constant"`` or ``"warmup_cosine"``, equally likely
``warmup``     uniform over (0, 0.2): the share of the run spent warming up (cosine only)
=============  ===============================================================

A 1 − x axis is searched for the decay rates because what matters is the averaging
window 1/(1 − x): log-uniform on 1 − x spends as many trials on 0.9–0.99 as on 0.99–0.999.
Because ρ = 0 and β₁ = 0 lie in the spaces, Momentum's space contains SGD's and Adam's
contains an RMSProp-like rule (see :mod:`optim_lib.inclusion`).

    >>> space = search_space("Adam")                   # the stated space
    >>> trials = space.sample(32, seed=0)              # 32 configurations, reproducible
    >>> space.defaults()                               # the one-shot budget: the defaults
    >>> opt = trials.optimizer(ndim=3)                 # one Adam whose hyperparameters are
    ...                                                # arrays of shape (32, 1, 1)

A :class:`Trials` holds ``n`` configurations as arrays (one entry per trial), so one
optimizer steps all of them at once: the update rules read like their equations, and
``rho * v + dw`` broadcasts an array ``rho`` of shape ``(n, 1, 1)`` over weights of shape
``(n, S, d)``. Per-trial schedules become one learning rate per trial and step
(:meth:`Trials.lr_factors`), applied by :class:`PerRunSchedule`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import checks
from .optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from .schedules import CosineDecay, LinearWarmup, Scheduled

__all__ = ["LogUniform", "Uniform", "Choice", "SearchSpace", "Trials", "search_space",
           "PerRunSchedule", "warmup_cosine_factors", "RULES", "LR_RANGE", "SCHEDULES"]

RULES = {"SGD": SGD, "Momentum": Momentum, "Nesterov": Nesterov, "AdaGrad": AdaGrad,
         "RMSProp": RMSProp, "Adam": Adam}
LR_RANGE = (1e-4, 10.0)
SCHEDULES = ("constant", "warmup_cosine")
# a "1-x" axis searches x = 1 - u; every other axis is the hyperparameter itself
_ONE_MINUS = {"1-rho": "rho", "1-decay": "decay", "1-beta1": "beta1", "1-beta2": "beta2"}


@dataclass(frozen=True)
class LogUniform:
    """``exp(U(log low, log high))``: every decade between ``low`` and ``high`` equally likely."""

    low: float
    high: float

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """The value at quantile ``u`` in [0, 1)."""
        return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))


@dataclass(frozen=True)
class Uniform:
    """``U(low, high)``."""

    low: float
    high: float

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """The value at quantile ``u`` in [0, 1)."""
        return self.low + u * (self.high - self.low)


@dataclass(frozen=True)
class Choice:
    """One of ``options``, each equally likely."""

    options: tuple

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """The option at quantile ``u`` in [0, 1)."""
        return np.asarray(self.options, dtype=object)[(u * len(self.options)).astype(int)]


def _axes_of(name: str) -> set:
    """The axes optimizer ``name`` can search: ``lr``, ``1-x`` for each decay rate it has,
    ``eps`` if it has one, and the schedule."""
    fields = {h.name for h in RULES[name]._hyperparameters}
    axes = {"lr", "schedule", "warmup"} | ({"eps"} & fields)
    axes |= {axis for axis, field in _ONE_MINUS.items() if field in fields}
    return axes


def _check_dist(axis: str, dist):
    if axis == "schedule":
        if not isinstance(dist, Choice) or not dist.options \
                or any(o not in SCHEDULES for o in dist.options):
            raise ValueError(f"schedule must be a Choice among {SCHEDULES}, got {dist!r}")
        return dist
    if isinstance(dist, tuple) and len(dist) == 2:        # (low, high): log-uniform
        dist = Uniform(*dist) if axis == "warmup" else LogUniform(*dist)
    if not isinstance(dist, (LogUniform, Uniform)):
        raise TypeError(f"{axis} must be a LogUniform, a Uniform or a pair (low, high), "
                        f"got {dist!r}")
    low, high = (checks.real(f"{axis} low", dist.low), checks.real(f"{axis} high", dist.high))
    if not low < high:
        raise ValueError(f"{axis} range must have low < high, got ({low!r}, {high!r})")
    if isinstance(dist, LogUniform) and low <= 0:
        raise ValueError(f"{axis} is log-uniform: its range must be > 0, got ({low!r}, {high!r})")
    if axis.startswith("1-") and not (0 < low and high <= 1):
        raise ValueError(f"{axis} must lie in (0, 1] (the decay rate in [0, 1)), "
                         f"got ({low!r}, {high!r})")
    if axis == "warmup" and not (0 <= low and high < 1):
        raise ValueError(f"warmup is a share of the run: its range must lie in [0, 1), "
                         f"got ({low!r}, {high!r})")
    if axis == "eps" and low < 0:
        raise ValueError(f"eps must be >= 0, got ({low!r}, {high!r})")
    return dist


@dataclass(frozen=True)
class SearchSpace:
    """The hyperparameters searched for optimizer ``name``, each with its distribution.

    Hyperparameters that are not searched stay at the class defaults (``Adam().beta2``,
    ...); so does everything in :meth:`defaults`, the one-shot budget.

    Attributes:
        name: the optimizer, a key of :data:`RULES`.
        axes: ``axis -> distribution``; axes are ``lr``, ``1-rho``, ``1-decay``,
            ``1-beta1``, ``1-beta2``, ``eps``, ``schedule`` and ``warmup``.
    """

    name: str
    axes: dict

    def __post_init__(self):
        if self.name not in RULES:
            raise ValueError(f"name must be one of {tuple(RULES)}, got {self.name!r}")
        if not isinstance(self.axes, dict):
            raise TypeError(f"axes must be a dict axis -> distribution, got {self.axes!r}")
        allowed = _axes_of(self.name)
        for axis in self.axes:
            if axis not in allowed:
                raise ValueError(f"{axis!r} is not a hyperparameter of {self.name}: its axes are "
                                 f"{sorted(allowed)}")
        if "lr" not in self.axes:
            raise ValueError(f"the search space of {self.name} must search lr")
        object.__setattr__(self, "axes", {a: _check_dist(a, d) for a, d in self.axes.items()})
        if "warmup" in self.axes and "warmup_cosine" not in getattr(
                self.axes.get("schedule"), "options", ()):
            raise ValueError("warmup is searched only with a schedule Choice that includes "
                             "'warmup_cosine'")

    @property
    def rule(self):
        return RULES[self.name]

    def sample(self, n: int, seed=0) -> "Trials":
        """``n`` configurations drawn at random (Bergstra & Bengio 2012), reproducibly.

        ``seed`` is an integer or a ``numpy.random.Generator``. Trial by trial, one uniform
        number per axis (axes sorted by name) is mapped through the axis's distribution, so
        the same seed gives the same trials, and the first ``k`` of ``n`` trials are the ``k``
        trials drawn alone: a small budget is the start of a large one.
        """
        n = checks.count("n", n)
        rng = seed if isinstance(seed, np.random.Generator) else \
            np.random.default_rng(checks.count("seed", seed, minimum=0))
        u = rng.random((n, len(self.axes)))                      # row i: trial i
        drawn = {axis: self.axes[axis].from_unit(u[:, j]) for j, axis in enumerate(sorted(self.axes))}
        return self._trials(n, drawn)

    def defaults(self) -> "Trials":
        """The one-shot budget: one trial, every hyperparameter at the class default,
        constant learning rate."""
        return self._trials(1, {})

    def lr_only(self, n: int, seed=0) -> "Trials":
        """``n`` trials that search the learning rate alone, the rest at the defaults."""
        lr_space = SearchSpace(self.name, {"lr": self.axes["lr"]})
        return lr_space.sample(n, seed)

    def _trials(self, n, drawn) -> "Trials":
        hyper = {h.name: np.full(n, float(h.default)) for h in self.rule._hyperparameters
                 if not isinstance(h.default, bool)}
        for axis, values in drawn.items():
            if axis in _ONE_MINUS:
                hyper[_ONE_MINUS[axis]] = 1.0 - values
            elif axis not in ("schedule", "warmup"):
                hyper[axis] = values.astype(float)
        schedule = drawn.get("schedule", np.full(n, "constant", dtype=object))
        warmup = np.where(schedule == "warmup_cosine", drawn.get("warmup", np.zeros(n)), 0.0)
        return Trials(self.name, hyper, schedule, warmup.astype(float))


def search_space(name: str, **axes) -> SearchSpace:
    """The stated search space of optimizer ``name`` (see the table of this module).

    Keyword arguments change it: ``lr=(1e-5, 1)`` a range (log-uniform; ``warmup``:
    uniform), ``eps=None`` stops searching an axis (back to the default), ``beta2=...``
    is refused (the axis is ``1-beta2``; pass ``**{"1-beta2": (1e-3, 1e-1)}``).
    """
    if name not in RULES:
        raise ValueError(f"name must be one of {tuple(RULES)}, got {name!r}")
    allowed = _axes_of(name)
    stated = {"lr": LogUniform(*LR_RANGE), "schedule": Choice(SCHEDULES),
              "warmup": Uniform(0.0, 0.2)}
    stated |= {a: LogUniform(1e-3, 1.0) for a in ("1-rho", "1-decay", "1-beta1") if a in allowed}
    if "1-beta2" in allowed:
        stated["1-beta2"] = LogUniform(1e-4, 1e-1)
    if name in ("RMSProp", "Adam"):
        stated["eps"] = LogUniform(1e-10, 1e-1)
    for axis, dist in axes.items():
        if axis not in allowed:
            raise ValueError(f"{axis!r} is not a hyperparameter of {name}: its axes are "
                             f"{sorted(allowed)}")
        if dist is None:
            stated.pop(axis, None)
        else:
            stated[axis] = dist
    if "warmup_cosine" not in getattr(stated.get("schedule"), "options", ()):
        stated.pop("warmup", None)          # no warmup to search without the schedule
    return SearchSpace(name, stated)


def warmup_cosine_factors(total: int, warmup: int) -> np.ndarray:
    """The factors of ``LinearWarmup(warmup, then=CosineDecay(total - warmup))`` (or of
    ``CosineDecay(total)`` when ``warmup`` is 0), one per update: shape ``(total,)``."""
    total = checks.count("total", total)
    warmup = checks.count("warmup", warmup, minimum=0)
    if warmup >= total:
        raise ValueError(f"warmup must be shorter than the run ({total} updates), got {warmup}")
    t = np.arange(total, dtype=float)
    T = total - warmup
    cosine = 0.5 * (1 + np.cos(math.pi * (t - warmup) / T))
    return np.where(t < warmup, (t + 1) / max(warmup, 1), cosine)


@dataclass
class Trials:
    """``n`` configurations of one optimizer, as arrays with one entry per trial.

    Attributes:
        name: the optimizer.
        hyper: constructor argument -> array ``(n,)`` (``lr``, ``rho``, ``beta1``, ...).
        schedule: ``"constant"`` or ``"warmup_cosine"`` per trial, ``(n,)``.
        warmup: the share of the run spent warming up, per trial (0 for constant).
    """

    name: str
    hyper: dict
    schedule: np.ndarray
    warmup: np.ndarray

    def __len__(self) -> int:
        return len(self.schedule)

    def __getitem__(self, i: int) -> dict:
        """Trial ``i`` as plain numbers: the constructor's arguments, ``schedule`` and ``warmup``."""
        return {**{k: float(v[i]) for k, v in self.hyper.items()},
                "schedule": str(self.schedule[i]), "warmup": float(self.warmup[i])}

    def take(self, idx) -> "Trials":
        """The trials at indices ``idx`` (in that order; repeats allowed)."""
        idx = np.asarray(idx, dtype=int)
        return Trials(self.name, {k: v[idx] for k, v in self.hyper.items()},
                      self.schedule[idx], self.warmup[idx])

    def __add__(self, other: "Trials") -> "Trials":
        if not isinstance(other, Trials) or other.name != self.name:
            raise ValueError(f"only trials of the same optimizer ({self.name}) can be joined, "
                             f"got {other!r}")
        return Trials(self.name, {k: np.concatenate([v, other.hyper[k]]) for k, v in self.hyper.items()},
                      np.concatenate([self.schedule, other.schedule]),
                      np.concatenate([self.warmup, other.warmup]))

    def single(self, i: int, total: int | None = None):
        """Trial ``i`` as one ordinary optimizer (scalar hyperparameters); a warmup_cosine
        trial is wrapped in :class:`optim_lib.schedules.Scheduled` (needs ``total``, the
        updates of the run). What :meth:`optimizer` stacks, one trial at a time."""
        opt = RULES[self.name](**{k: float(v[i]) for k, v in self.hyper.items()})
        if self.schedule[i] == "constant":
            return opt
        if total is None:
            raise ValueError("total (updates in the run) is needed for a warmup_cosine schedule")
        warm = self.warmup_steps(i, total)
        then = CosineDecay(total - warm)
        return Scheduled(opt, LinearWarmup(warm, then=then) if warm else then)

    def optimizer(self, ndim: int, total: int | None = None):
        """One optimizer for all trials: hyperparameter arrays of shape ``(n, 1, ..., 1)``
        (``ndim`` axes in all) that broadcast over weights of shape ``(n, ...)`` with
        ``ndim`` axes. With per-trial schedules (``total`` = updates of the run) it is
        wrapped in :class:`PerRunSchedule`."""
        ndim = checks.count("ndim", ndim)
        shape = (len(self),) + (1,) * (ndim - 1)
        opt = RULES[self.name](**{k: v.reshape(shape) for k, v in self.hyper.items()})
        if np.all(self.schedule == "constant"):
            return opt
        if total is None:
            raise ValueError("total (updates in the run) is needed for a warmup_cosine schedule")
        return PerRunSchedule(opt, self.lr_factors(total), shape)

    def warmup_steps(self, i: int, total: int) -> int:
        """Trial ``i``'s warmup in updates: its share of ``total``, rounded (at most ``total − 1``)."""
        total = checks.count("total", total)
        return min(int(round(self.warmup[i] * total)), total - 1)

    def lr_factors(self, total: int) -> np.ndarray:
        """The learning-rate factor of every trial at every update, shape ``(total, n)``."""
        total = checks.count("total", total)
        out = np.ones((total, len(self)))
        for i, kind in enumerate(self.schedule):
            if kind == "warmup_cosine":
                out[:, i] = warmup_cosine_factors(total, self.warmup_steps(i, total))
        return out

    def __repr__(self) -> str:
        return f"Trials({self.name}, {len(self)} configurations: {sorted(self.hyper)} + schedule)"


class PerRunSchedule:
    """An optimizer whose learning rate at update ``t`` is ``lr · factors[t]``, one factor
    per run: ``factors`` of shape ``(total, n)``, ``lr`` the wrapped optimizer's (array)
    rate. Keeps the contract (``step``, ``reset``); past ``total`` it stays at the last factor."""

    def __init__(self, opt, factors: np.ndarray, shape):
        checks.optimizer(opt)
        self.opt, self.base_lr = opt, opt.lr
        self.factors = np.asarray(factors, dtype=float)
        self.shape = tuple(shape)
        self.t = 0

    def reset(self) -> None:
        self.opt.reset()
        self.opt.lr = self.base_lr
        self.t = 0

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        factor = self.factors[min(self.t, len(self.factors) - 1)].reshape(self.shape)
        self.opt.lr = self.base_lr * factor          # checked: every entry > 0
        self.opt.step(w, dw)
        self.t += 1
        return w
