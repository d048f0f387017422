"""The update rules of the course, each one a short class that reads like its equation.

Every optimizer keeps one contract::

    opt = Adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    w = opt.step(w, dw)   # updates the float array w in place and returns it
    opt.reset()           # forgets all state (velocity, moments, step count)

A rule's class holds everything about it: its hyperparameters with their ranges
(``lr = Positive(1e-3)``: the constructor's argument and default, checked when set),
its state (``reset`` says what it is; the arrays get ``w``'s shape on the first step)
and ``update``, the equations line by line. ``step`` checks ``w`` and ``dw`` and then
calls ``update``. A non-finite gradient is *not* an error here: divergence is something
the course shows, and the runners (:mod:`optim_lib.train`) detect and report it.

The equations are those of CS231n's ``optim.py`` and of PyTorch's ``torch.optim``.
This is the reference form, one whole-array expression per line; the fast form of the
same rules (in place, in cache-sized chunks, on two threads) is :mod:`optim_lib.fused`,
tested equal to this one.
"""

from __future__ import annotations

import inspect

import numpy as np

from . import checks
from .checks import Flag, Hyperparameter, NonNegative, Positive, Rate

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"]


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
            for field in vars(klass).values():
                if isinstance(field, Hyperparameter):
                    found[field.name] = field
        cls._hyperparameters = tuple(found.values())
        cls.__signature__ = inspect.Signature(
            [inspect.Parameter(h.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=h.default)
             for h in cls._hyperparameters])
        if "name" not in vars(cls):
            cls.name = cls.__name__

    def __init__(self, *args, **kwargs):
        bound = self.__signature__.bind(*args, **kwargs)
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
        The adaptive rules (AdaGrad, RMSProp, Adam, AdamW) compute theirs from their state."""
        return np.full(self._shape, self.lr)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}"
                         for k, v in self.hyperparams.items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Vanilla (stochastic) gradient descent.

        w ← w − lr · dw
    """

    lr = Positive(1e-2)           # learning rate (step size)

    def reset(self):
        self.t = 0                # steps taken

    def update(self, w, dw):
        self.t += 1
        w -= self.lr * dw


class Momentum(Optimizer):
    """SGD with (heavy-ball) momentum, as in CS231n and PyTorch.

        v ← rho · v + dw
        w ← w − lr · v
    """

    lr = Positive(1e-2)           # learning rate
    rho = Rate(0.9)               # momentum: how much of the old velocity is kept

    def reset(self):
        self.t = 0                # steps taken
        self.v = None             # velocity: starts at 0, with w's shape

    def update(self, w, dw):
        if self.v is None:
            self.v = np.zeros_like(w)
        self.t += 1
        self.v = self.rho * self.v + dw
        w -= self.lr * self.v


class Nesterov(Optimizer):
    """Nesterov momentum, in the change of variables used by PyTorch.

    The look-ahead form evaluates the gradient at x + rho·v. Writing the parameters
    as the look-ahead point itself, with ``dw`` the gradient there:

        v ← rho · v + dw
        w ← w − lr · (dw + rho · v)
    """

    lr = Positive(1e-2)           # learning rate
    rho = Rate(0.9)               # momentum

    def reset(self):
        self.t = 0                # steps taken
        self.v = None             # velocity: starts at 0, with w's shape

    def update(self, w, dw):
        if self.v is None:
            self.v = np.zeros_like(w)
        self.t += 1
        self.v = self.rho * self.v + dw
        w -= self.lr * (dw + self.rho * self.v)


class AdaGrad(Optimizer):
    """AdaGrad: a per-coordinate step size from the sum of squared gradients.

        G ← G + dw²                      (element-wise: the diagonal only)
        w ← w − lr · dw / (√G + eps)

    eps sits outside the square root, as in most code and in PyTorch.
    """

    lr = Positive(1e-2)           # learning rate
    eps = NonNegative(1e-7)       # keeps the division finite

    def reset(self):
        self.t = 0                # steps taken
        self.G = None             # sum of squared gradients: starts at 0, with w's shape

    def update(self, w, dw):
        if self.G is None:
            self.G = np.zeros_like(w)
        self.t += 1
        self.G = self.G + dw**2
        w -= self.lr * dw / (np.sqrt(self.G) + self.eps)

    def effective_lr(self):
        """lr / (√G + eps): the step size of each coordinate at the next step."""
        return self.lr / (np.sqrt(self.G) + self.eps)


class RMSProp(Optimizer):
    """RMSProp ("leaky AdaGrad"): a moving average of squared gradients.

        s ← decay · s + (1 − decay) · dw²
        w ← w − lr · dw / (√s + eps)

    ``decay`` is the decay rate of the moving average, not a momentum.
    """

    lr = Positive(1e-2)           # learning rate
    decay = Rate(0.99)            # decay rate of the average of squared gradients
    eps = NonNegative(1e-8)       # keeps the division finite

    def reset(self):
        self.t = 0                # steps taken
        self.s = None             # moving average of dw²: starts at 0, with w's shape

    def update(self, w, dw):
        if self.s is None:
            self.s = np.zeros_like(w)
        self.t += 1
        self.s = self.decay * self.s + (1 - self.decay) * dw**2
        w -= self.lr * dw / (np.sqrt(self.s) + self.eps)

    def effective_lr(self):
        """lr / (√s + eps): the step size of each coordinate at the next step."""
        return self.lr / (np.sqrt(self.s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum on the gradient plus RMSProp's scaling, bias-corrected.

        m ← beta1 · m + (1 − beta1) · dw          (first moment)
        v ← beta2 · v + (1 − beta2) · dw²         (second moment)
        m̂ = m / (1 − beta1^t),  v̂ = v / (1 − beta2^t),   t = 1, 2, ...
        w ← w − lr · m̂ / (√v̂ + eps)

    Kingma & Ba (2014), Algorithm 1. ``bias_correction=False`` uses m and v as they
    are: switch it off only to see why it exists.
    """

    lr = Positive(1e-3)           # learning rate
    beta1 = Rate(0.9)             # decay rate of the first moment
    beta2 = Rate(0.999)           # decay rate of the second moment
    eps = NonNegative(1e-8)       # keeps the division finite
    bias_correction = Flag(True)  # divide by (1 − beta^t)

    def reset(self):
        self.t = 0                # steps taken
        self.m = None             # first moment, average of dw: starts at 0, with w's shape
        self.v = None             # second moment, average of dw²: likewise

    def update(self, w, dw):
        if self.m is None:
            self.m, self.v = np.zeros_like(w), np.zeros_like(w)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * dw
        self.v = self.beta2 * self.v + (1 - self.beta2) * dw**2
        m_hat, v_hat = self.m, self.v
        if self.bias_correction:
            m_hat = self.m / (1 - self.beta1**self.t)
            v_hat = self.v / (1 - self.beta2**self.t)
        w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def effective_lr(self):
        """lr / (√v̂ + eps): the step size of each coordinate (applied to m̂, not to dw)."""
        v_hat = self.v / (1 - self.beta2**self.t) if self.bias_correction else self.v
        return self.lr / (np.sqrt(v_hat) + self.eps)


class AdamW(Optimizer):
    """AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as in PyTorch.

        w ← w · (1 − lr · weight_decay)           (decay: shrink w, not the gradient)
        then the Adam step with t, m, v, m̂, v̂ as in :class:`Adam`

    An L2 term in the loss would go through m̂ / √v̂ and be rescaled per coordinate;
    here every weight shrinks by the same factor.
    """

    lr = Positive(1e-3)           # learning rate
    beta1 = Rate(0.9)             # decay rate of the first moment
    beta2 = Rate(0.999)           # decay rate of the second moment
    eps = NonNegative(1e-8)       # keeps the division finite
    weight_decay = NonNegative(1e-2)

    def reset(self):
        self.t = 0                # steps taken
        self.m = None             # first moment: starts at 0, with w's shape
        self.v = None             # second moment: likewise

    def update(self, w, dw):
        if self.m is None:
            self.m, self.v = np.zeros_like(w), np.zeros_like(w)
        self.t += 1
        w *= 1 - self.lr * self.weight_decay
        self.m = self.beta1 * self.m + (1 - self.beta1) * dw
        self.v = self.beta2 * self.v + (1 - self.beta2) * dw**2
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        w -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def effective_lr(self):
        """lr / (√v̂ + eps), as in Adam (the decay is a separate shrink of w)."""
        return self.lr / (np.sqrt(self.v / (1 - self.beta2**self.t)) + self.eps)
