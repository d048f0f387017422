"""The first-order rules: the step follows the gradient (SGD) or a running sum of it
(Momentum, Nesterov). The equations are those of CS231n's ``optim.py`` and of PyTorch.
"""

from __future__ import annotations

import numpy as np

from ..checks import Positive, Rate
from .base import Optimizer

__all__ = ["SGD", "Momentum", "Nesterov"]


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
