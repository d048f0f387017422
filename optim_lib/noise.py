"""How well a minibatch gradient estimates the full gradient, at given weights.

SGD's step is the gradient of a random minibatch. :func:`minibatch_gradient_error` samples
minibatches at the weights ``W`` and compares each one's gradient ``g`` with the full gradient
``G``: the cosine ``g . G / (|g| |G|)`` (1: same direction, below 0: uphill for the full loss)
and the relative error ``|g - G| / |G|``. Both depend on where ``W`` is: far from the optimum
the full gradient is large and every minibatch agrees with it; near the optimum it is small and
the minibatch's own noise dominates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .losses import svm_loss_vectorized

__all__ = ["GradientAgreement", "minibatch_gradient_error"]


@dataclass
class GradientAgreement:
    """Per sampled minibatch: ``cosine`` and ``rel_error`` against the full gradient."""
    cosine: np.ndarray
    rel_error: np.ndarray

    def __repr__(self) -> str:
        return (f"GradientAgreement(cosine mean {self.cosine.mean():.3f}, worst "
                f"{self.cosine.min():.3f}; rel_error mean {self.rel_error.mean():.3f})")


def minibatch_gradient_error(W, X, y, reg: float, batch_size: int, samples: int = 20,
                             seed=0, loss_fn=svm_loss_vectorized) -> GradientAgreement:
    """Compare ``samples`` minibatch gradients at ``W`` with the full gradient.

    Args:
        W: weights; X, y: the training set; reg: L2 strength.
        batch_size: examples per minibatch, drawn without replacement (1 <= B <= N).
        samples: number of minibatches.
        seed: an int or a numpy Generator (which minibatches are drawn).
        loss_fn: ``(W, X, y, reg) -> (loss, dW)``.
    """
    N = len(y)
    checks.count("batch_size", batch_size)
    if batch_size > N:
        raise ValueError(f"batch_size must be <= the number of examples {N}, got {batch_size}")
    checks.count("samples", samples)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    full = loss_fn(W, X, y, reg)[1]
    norm = np.linalg.norm(full)
    cos, err = np.empty(samples), np.empty(samples)
    for k in range(samples):
        idx = rng.choice(N, size=batch_size, replace=False)
        g = loss_fn(W, X[idx], y[idx], reg)[1]
        cos[k] = np.sum(g * full) / (np.linalg.norm(g) * norm)
        err[k] = np.linalg.norm(g - full) / norm
    return GradientAgreement(cosine=cos, rel_error=err)
