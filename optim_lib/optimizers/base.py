"""The optimizer contract: what every update rule shares, none of it part of an equation.

    opt = Adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    w = opt.step(w, dw)   # updates the float array w in place and returns it
    opt.reset()           # forgets all state (velocity, moments, step count)

A rule's class holds everything about it: its hyperparameters with their ranges
(``lr = Positive(1e-3)``: the constructor's argument and default, checked when set),
its state (``reset`` says what it is; the arrays get ``w``'s shape on the first step)
and ``update``, the equations line by line. ``step`` checks ``w`` and ``dw`` and then
calls ``update``. A non-finite gradient is *not* an error here: divergence is something
the course shows, and the runners (:mod:`optim_lib.train`) detect and report it.
"""

from __future__ import annotations

import inspect

import numpy as np

from .. import checks
from ..checks import Flag, Hyperparameter

__all__ = ["Optimizer", "format_args"]


class Optimizer:
    """What every rule shares, none of it part of an equation: the constructor built from
    the declared hyperparameters, the checks of ``step``, ``repr`` and ``state``.

    A rule declares its hyperparameters as class fields (:mod:`optim_lib.checks`) and
    defines ``reset`` (its state, and ``t = 0``: the step count) and ``update(w, dw)``,
    which changes ``w`` in place and advances ``t``.
    """

    name = "optimizer"
    _hyperparameters: tuple[Hyperparameter, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        found = {}
        for klass in reversed(cls.__mro__):
            for name, field in vars(klass).items():
                if isinstance(field, Hyperparameter):
                    found[name] = field
                elif name in found:       # a plain value fixes an inherited hyperparameter
                    del found[name]       # (AdamW: bias_correction = True)
        cls._hyperparameters = tuple(found.values())
        cls._signature = inspect.Signature(          # what Optimizer.__init__ takes
            [inspect.Parameter(h.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=h.default)
             for h in cls._hyperparameters])
        if "__init__" in vars(cls):                  # a constructor of its own (Scheduled)
            cls.__signature__ = inspect.Signature(
                list(inspect.signature(cls.__init__).parameters.values())[1:])   # without self
        else:
            cls.__signature__ = cls._signature
        if "name" not in vars(cls):
            cls.name = cls.__name__

    def __init__(self, *args, **kwargs):
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            setattr(self, name, value)          # checked by the field (Positive, Rate, ...)
        self._shape = None
        self.reset()

    def reset(self) -> None:  # pragma: no cover - every rule defines its own
        """Forget all state: the next ``step`` starts from scratch."""
        raise NotImplementedError

    def update(self, w: np.ndarray, dw: np.ndarray) -> None:  # pragma: no cover
        """The rule itself: change ``w`` (and the state) in place."""
        raise NotImplementedError

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        """Update ``w`` in place from the gradient ``dw`` and return ``w``."""
        dw = checks.step_arrays(w, dw, self._shape if self.t else None)
        self._shape = w.shape
        self.update(w, dw)
        return w

    @property
    def hyperparams(self) -> dict:
        """The constructor arguments, as a dict (for labels and for cloning); a flag
        (Adam's ``bias_correction``) only when it is not its default."""
        return {h.name: getattr(self, h.name) for h in self._hyperparameters
                if not (isinstance(h, Flag) and getattr(self, h.name) == h.default)}

    @property
    def state(self) -> dict[str, np.ndarray]:
        """The state arrays (velocity, accumulator, moments) by name; empty before a step."""
        return {k: v for k, v in vars(self).items()
                if isinstance(v, np.ndarray) and not k.startswith("_")}

    def effective_lr(self) -> np.ndarray:
        """The learning rate each coordinate gets at the next step: ``lr`` everywhere.
        The adaptive rules (AdaGrad, RMSProp, Adam, AdamW) compute theirs from their state.
        Before the first step there is none (ValueError: no step taken yet)."""
        self._require_step()
        return np.full(self._shape, self.lr)

    def _require_step(self) -> None:
        """The check of ``effective_lr``: the state (and ``w``'s shape) exist only after a step."""
        if self.t == 0:
            raise ValueError(f"{self!r} has taken no step yet (t = 0), so it has no per-coordinate "
                             "learning rate: call effective_lr() after step(w, dw)")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({format_args(self.hyperparams)})"


def format_args(hyperparams: dict) -> str:
    """``lr=0.1, rho=0.9``: the arguments of a ``repr``; an array of values (one per stacked
    run) as ``lr=[32 values in 0.0001..3.2]``."""
    def one(value):
        if isinstance(value, np.ndarray) and value.ndim > 0:
            if value.size == 0:
                return "[no values]"
            return f"[{value.size} values in {value.min():g}..{value.max():g}]"
        return f"{value:g}" if isinstance(value, float) else repr(value)
    return ", ".join(f"{k}={one(v)}" for k, v in hyperparams.items())
