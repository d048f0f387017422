"""Inclusion, measured: an optimizer whose search space contains another's.

Choi et al. (2019): when every hyperparameter is tuned, an optimizer never loses to one
it includes. The inclusions of the course, run side by side on the same gradients:

* ``Momentum(lr, rho=0)`` is ``SGD(lr)``: ``v = 0·v + dw = dw`` (and ``Nesterov`` too:
  ``dw + 0·v``) — equal to the last bit.
* ``Adam(lr, beta1=0, beta2=b, eps=e, bias_correction=False)`` is ``RMSProp(lr, decay=b,
  eps=e)``: ``m = dw`` and ``v`` is RMSProp's ``s`` — equal to the last bit. With the bias
  correction on (Adam as used), the early steps differ: Adam divides ``v`` by ``1 − b^t``,
  i.e. it is RMSProp with the learning rate ``lr·√(1 − b^t)`` and ``eps·√(1 − b^t)``.
"""

from __future__ import annotations

import numpy as np

from . import checks
from .optimizers import SGD, Adam, Momentum, Nesterov, RMSProp

__all__ = ["trajectory_difference", "inclusions"]


def trajectory_difference(a, b, grad, w0, steps: int = 100) -> float:
    """The largest ``|w_a − w_b|`` over ``steps`` updates of optimizers ``a`` and ``b`` from
    ``w0``, each fed the gradient ``grad(w)`` at its own point (both reset first)."""
    checks.optimizer(a, "a")
    checks.optimizer(b, "b")
    if not callable(grad):
        raise TypeError(f"grad must be callable (w -> gradient), got {grad!r}")
    steps = checks.count("steps", steps)
    wa, wb = np.array(w0, dtype=float), np.array(w0, dtype=float)
    a.reset()
    b.reset()
    worst = 0.0
    with np.errstate(all="ignore"):
        for _ in range(steps):
            a.step(wa, grad(wa))
            b.step(wb, grad(wb))
            worst = max(worst, float(np.max(np.abs(wa - wb))))
    return worst


def inclusions(grad, w0, lr: float = 0.05, beta2: float = 0.99, eps: float = 1e-8,
               steps: int = 100) -> dict:
    """Each inclusion of the course, measured: label -> largest difference of the paths.

    ``"Momentum(ρ=0) vs SGD"``, ``"Nesterov(ρ=0) vs SGD"`` and ``"Adam(β₁=0, no bias
    correction) vs RMSProp"`` are 0.0 exactly; ``"Adam(β₁=0) vs RMSProp"`` is not (the bias
    correction of the first steps).
    """
    lr = checks.positive("lr", lr)
    return {
        "Momentum(ρ=0) vs SGD": trajectory_difference(Momentum(lr, rho=0.0), SGD(lr), grad, w0, steps),
        "Nesterov(ρ=0) vs SGD": trajectory_difference(Nesterov(lr, rho=0.0), SGD(lr), grad, w0, steps),
        "Adam(β₁=0, no bias correction) vs RMSProp": trajectory_difference(
            Adam(lr, beta1=0.0, beta2=beta2, eps=eps, bias_correction=False),
            RMSProp(lr, decay=beta2, eps=eps), grad, w0, steps),
        "Adam(β₁=0) vs RMSProp": trajectory_difference(
            Adam(lr, beta1=0.0, beta2=beta2, eps=eps), RMSProp(lr, decay=beta2, eps=eps),
            grad, w0, steps),
    }
