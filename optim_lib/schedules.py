"""Learning-rate schedules: how the learning rate changes from one step to the next.

The contract
------------
A schedule is a small object that maps the **number of updates already taken**
``t = 0, 1, 2, ...`` to a **factor** that multiplies the optimizer's own learning rate::

    schedule(t) -> float      # the first update uses schedule(0)

Schedules hold no state (the same ``t`` always gives the same factor), so they can be
plotted, composed and reused. Factors, not learning rates: the optimizer keeps its
``lr`` (the *peak* learning rate, the one you tune), and the same schedule serves every
optimizer and every learning rate of a sweep.

:class:`Scheduled` plugs a schedule into any optimizer of the course. It is an optimizer
itself, so every runner accepts it unchanged::

    opt = Scheduled(Adam(lr=3e-3), LinearWarmup(100, then=CosineDecay(900)))
    opt.step(w, dw)     # sets the wrapped Adam's lr to 3e-3 · schedule(t), then steps

The schedules, each one line of maths (``T`` = ``total_steps``):

=================  ==========================================================
``Constant()``     1
``StepDecay``      ``gamma ** (t // every)``: divide by ``1/gamma`` every ``every`` updates
``CosineDecay``    ``final + (1 − final)·(1 + cos(π·t/T))/2`` for ``t < T``, then ``final``
``LinearWarmup``   ``(t + 1)/steps · then(0)`` for ``t < steps``, then ``then(t − steps)``
=================  ==========================================================

``LinearWarmup`` composes: it climbs linearly to where the next schedule starts, then
hands over to it, so ``LinearWarmup(W, then=CosineDecay(T − W))`` is the warmup-cosine
schedule of many transformer recipes (``T`` updates in all).
"""

from __future__ import annotations

import math

import numpy as np

from . import checks
from .optimizers import Optimizer
from .optimizers.base import format_args

__all__ = ["Schedule", "Constant", "StepDecay", "CosineDecay", "LinearWarmup", "Scheduled"]


class Schedule:
    """Base class: ``schedule(t)`` is the learning-rate factor of update ``t`` (from 0)."""

    def __call__(self, t) -> float:
        return self.factor(checks.count("t", t, minimum=0))

    def factor(self, t: int) -> float:  # pragma: no cover
        raise NotImplementedError

    def values(self, n: int) -> np.ndarray:
        """The factors of the first ``n`` updates, ``[schedule(0), ..., schedule(n − 1)]``."""
        n = checks.count("n", n)
        return np.array([self.factor(t) for t in range(n)])


class Constant(Schedule):
    """The factor 1 at every step: the optimizer's learning rate, unchanged."""

    def factor(self, t):
        return 1.0

    def __repr__(self):
        return "Constant()"


class StepDecay(Schedule):
    """Multiply the learning rate by ``gamma`` every ``every`` updates.

        factor(t) = gamma ** (t // every)

    Args:
        every: updates between two drops, an integer >= 1.
        gamma: the factor of each drop, in (0, 1] (0.1: ten times smaller).
    """

    def __init__(self, every: int, gamma: float = 0.1):
        self.every = checks.count("every", every)
        self.gamma = checks.in_range("gamma", gamma, 0.0, 1.0, lo_open=True)

    def factor(self, t):
        return self.gamma ** (t // self.every)

    def __repr__(self):
        return f"StepDecay(every={self.every}, gamma={self.gamma:g})"


class CosineDecay(Schedule):
    """Half a cosine from 1 down to ``final`` over ``total_steps`` updates (Loshchilov & Hutter, 2017).

        factor(t) = final + (1 − final) · (1 + cos(π t / T)) / 2     for t < T
        factor(t) = final                                          for t >= T

    The last update of the budget (t = T − 1) still moves: its factor is above ``final``.

    Args:
        total_steps: T, the number of updates the decay lasts, an integer >= 1.
        final: the factor it ends at, in [0, 1] (0: the learning rate decays to zero).
    """

    def __init__(self, total_steps: int, final: float = 0.0):
        self.total_steps = checks.count("total_steps", total_steps)
        self.final = checks.in_range("final", final, 0.0, 1.0)

    def factor(self, t):
        if t >= self.total_steps:
            return self.final
        return self.final + (1 - self.final) * 0.5 * (1 + math.cos(math.pi * t / self.total_steps))

    def __repr__(self):
        return f"CosineDecay(total_steps={self.total_steps}, final={self.final:g})"


class LinearWarmup(Schedule):
    """Climb linearly for ``steps`` updates to where ``then`` starts, then follow ``then``.

        factor(t) = (t + 1) / steps · then(0)      for t < steps
        factor(t) = then(t − steps)                for t >= steps

    The first update already moves (factor ``1/steps``, not 0), and the climb ends at
    ``then(0)``, so the factor never jumps.

    Args:
        steps: the length of the warmup, an integer >= 1.
        then: the schedule that follows (default :class:`Constant`); it starts its own
            count at 0 when the warmup ends.
    """

    def __init__(self, steps: int, then: Schedule | None = None):
        self.steps = checks.count("steps", steps)
        if then is None:
            then = Constant()
        if not isinstance(then, Schedule):
            raise TypeError(f"then must be a Schedule (Constant, StepDecay, CosineDecay, ...), "
                            f"got {then!r} ({type(then).__name__})")
        self.then = then

    def factor(self, t):
        if t < self.steps:
            return (t + 1) / self.steps * self.then.factor(0)
        return self.then.factor(t - self.steps)

    def __repr__(self):
        return f"LinearWarmup(steps={self.steps}, then={self.then!r})"


class Scheduled(Optimizer):
    """An optimizer whose learning rate follows a schedule; it keeps the optimizer contract.

    Before update ``t`` (0 for the first), the wrapped optimizer's ``lr`` is set to
    ``base_lr · schedule(t)``, where ``base_lr`` is the ``lr`` it was built with; then it
    takes its step. ``w = opt.step(w, dw)`` updates ``w`` in place, ``opt.reset()``
    forgets the wrapped optimizer's state, restores ``base_lr`` and restarts the count.

    What it reports is the wrapped optimizer's, and always about the NEXT update
    (``t`` = updates taken so far):

    * ``lr`` — ``base_lr · schedule(t)``, the rate the next update will use;
    * ``effective_lr()`` — the wrapped rule's per-coordinate step size at that rate (so
      it and ``lr`` describe the same step; the wrapped ``opt.opt.lr`` is still the last
      step's rate). Before the first step: ValueError;
    * ``state`` — the wrapped optimizer's state arrays (empty before a step);
    * ``hyperparams`` — the wrapped rule's, with its base (peak) ``lr``; with
      ``schedule`` they rebuild it: ``Scheduled(SGD(**hyperparams), schedule)``.

    Args:
        opt: an optim_lib optimizer (SGD, Momentum, ..., Adam, AdamW).
        schedule: a :class:`Schedule`.
    """

    def __init__(self, opt: Optimizer, schedule: Schedule):
        if not isinstance(opt, Optimizer) or isinstance(opt, Scheduled):
            raise TypeError(f"opt must be a plain optim_lib optimizer (SGD, ..., Adam), "
                            f"got {opt!r} ({type(opt).__name__})")
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule must be a Schedule (Constant, StepDecay, CosineDecay, "
                            f"LinearWarmup), got {schedule!r} ({type(schedule).__name__})")
        self.opt = opt
        self.schedule = schedule
        self.base_lr = opt.lr
        self.name = opt.name
        self.reset()

    def reset(self) -> None:
        self.opt.reset()
        self.opt.lr = self.base_lr
        self.t = 0

    @property
    def lr(self):
        """The learning rate the next update will use: ``base_lr · schedule(t)``."""
        return self.base_lr * self.schedule(self.t)

    @property
    def hyperparams(self) -> dict:
        """The wrapped optimizer's hyperparameters, with its base (peak) learning rate."""
        return {**self.opt.hyperparams, "lr": self.base_lr}

    @property
    def state(self) -> dict[str, np.ndarray]:
        """The wrapped optimizer's state arrays (velocity, moments, ...); empty before a step."""
        return self.opt.state

    def __repr__(self) -> str:
        rule = repr(self.opt).split("(", 1)[0]          # Adam, fused.Adam, ...
        return f"Scheduled({rule}({format_args(self.hyperparams)}), {self.schedule!r})"

    def effective_lr(self) -> np.ndarray:
        """The per-coordinate step size of the next update: the wrapped rule's, at the rate
        ``lr`` that update will use (every rule's step size is proportional to its lr)."""
        self._require_step()
        return self.opt.effective_lr() * (self.lr / self.opt.lr)

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        factor = self.schedule(self.t)
        if not factor > 0:
            raise ValueError(f"schedule({self.t}) = {factor!r}: {self.schedule!r} gives a learning "
                             f"rate of 0 at update t = {self.t}; give the decay a total_steps that "
                             f"covers the run, or a final factor > 0")
        self.opt.lr = self.base_lr * factor
        self.opt.step(w, dw)
        self.t += 1
        return w
