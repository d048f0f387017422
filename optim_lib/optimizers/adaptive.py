"""The adaptive rules: a per-coordinate step size from the history of squared gradients
(AdaGrad, RMSProp), with momentum and bias correction (Adam), with decoupled weight decay
(AdamW). The equations are those of the papers and of PyTorch's ``torch.optim``.
"""

from __future__ import annotations

import numpy as np

from ..checks import Flag, NonNegative, Positive, Rate
from .base import Optimizer

__all__ = ["AdaGrad", "RMSProp", "Adam", "AdamW"]


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
        self._require_step()
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
        self._require_step()
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
        self._require_step()
        v_hat = self.v / (1 - self.beta2**self.t) if self.bias_correction else self.v
        return self.lr / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as in PyTorch.

        w ← w · (1 − lr · weight_decay)           (decay: shrink w, not the gradient)
        m ← beta1 · m + (1 − beta1) · dw          (then the Adam step, as in :class:`Adam`)
        v ← beta2 · v + (1 − beta2) · dw²
        m̂ = m / (1 − beta1^t),  v̂ = v / (1 − beta2^t),   t = 1, 2, ...
        w ← w − lr · m̂ / (√v̂ + eps)

    An L2 term in the loss would go through m̂ / √v̂ and be rescaled per coordinate;
    here every weight shrinks by the same factor. Everything but the shrink is Adam's
    (state, ``reset``, ``effective_lr``), always with bias correction, as PyTorch's.
    """

    weight_decay = NonNegative(1e-2)  # each step shrinks w by the factor 1 − lr·weight_decay
    bias_correction = True            # not a hyperparameter here: AdamW always corrects

    def update(self, w, dw):
        w *= 1 - self.lr * self.weight_decay
        super().update(w, dw)
