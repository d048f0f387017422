"""Training loops: an optimizer on a landscape, and the linear classifier on digits.

Both loops stop at the first non-finite value (or a value past ``blowup``) and
report the step where the run diverged, instead of filling the screen with
overflow warnings. What is measured on a run lives in :mod:`optim_lib.metrics`,
learning-rate tuning in :mod:`optim_lib.tuning`, watching an optimizer's state in
:mod:`optim_lib.recorder`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import checks
from .data import DigitsSplit, minibatches
from .losses import accuracy, svm_loss_vectorized
from .optimizers import Optimizer

__all__ = ["Run", "run_landscape", "History", "fit_linear_classifier", "init_weights"]


@dataclass
class Run:
    """One optimizer's path on a landscape.

    Attributes:
        label: who ran (the optimizer's repr unless given).
        path: points visited, shape ``(steps + 1, d)``; row 0 is the start.
        losses: value at each point of ``path``.
        diverged_at: the step whose point was non-finite or past ``blowup``, or None.
    """

    label: str
    path: np.ndarray
    losses: np.ndarray
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    def steps_to(self, target: float) -> int | None:
        """First step whose loss is at or below ``target``, or None if never reached."""
        hit = np.flatnonzero(self.losses <= target)
        return int(hit[0]) if hit.size else None

    def __repr__(self) -> str:
        end = f"diverged at step {self.diverged_at}" if self.diverged else f"final loss {self.final_loss:.3g}"
        return f"Run({self.label}, {len(self.path) - 1} steps, {end})"


def run_landscape(opt: Optimizer, landscape, steps: int = 100, start=None,
                  blowup: float = 1e10, label: str | None = None) -> Run:
    """Run ``opt`` for ``steps`` steps on ``landscape`` from ``start`` (default: its own).

    The optimizer is reset first, so a Run never depends on an earlier one.
    The run stops early at the first point whose value is non-finite or above
    ``blowup``; that step is reported in ``Run.diverged_at``.
    """
    checks.optimizer(opt)
    checks.count("steps", steps, minimum=0)
    p = np.array(landscape.start if start is None else start, dtype=float)
    if p.shape != (landscape.dim,):
        raise ValueError(f"start must have {landscape.dim} coordinates, got shape {p.shape}")
    opt.reset()
    path = [p.copy()]
    losses = [landscape(p)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            opt.step(p, landscape.grad(p))
            value = landscape(p)
            if not (np.all(np.isfinite(p)) and np.isfinite(value) and abs(value) <= blowup):
                diverged_at = t
                break
            path.append(p.copy())
            losses.append(value)
    return Run(label or repr(opt), np.array(path), np.array(losses), diverged_at)


def init_weights(n_classes: int, n_features: int, seed: int = 0, scale: float = 1e-3) -> np.ndarray:
    """Small random weights ``scale · N(0, 1)`` of shape ``(n_classes, n_features)``."""
    return scale * np.random.default_rng(seed).standard_normal((n_classes, n_features))


@dataclass
class History:
    """What happened while fitting the linear classifier.

    Attributes:
        W: the final weights.
        losses: minibatch (or full-batch) training loss before each update.
        epoch_train_loss: full training loss at the end of each epoch (index 0: before training).
        train_acc, val_acc: accuracy at the end of each epoch (index 0: before training).
        grad_evals: number of per-sample gradient evaluations spent (samples seen).
        diverged_at: the update at which the loss became non-finite, or None.
    """

    W: np.ndarray
    losses: list = field(default_factory=list)
    epoch_train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    grad_evals: list = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def fit_linear_classifier(opt: Optimizer, data: DigitsSplit, epochs: int = 20,
                          batch_size: int | None = None, reg: float = 1e-3, seed: int = 0,
                          W0: np.ndarray | None = None, loss_fn=svm_loss_vectorized) -> History:
    """Train ``W`` (10 x 65) on ``data``'s training set with ``opt``.

    Args:
        opt: an optim_lib optimizer; it is reset first.
        data: a :class:`~optim_lib.data.DigitsSplit`.
        epochs: passes over the training set.
        batch_size: None for full-batch gradient descent (one update per epoch),
            else the minibatch size (minibatches shuffled by a Generator seeded with ``seed``).
        reg: L2 regularization strength.
        seed: seeds the initial weights (unless ``W0`` is given) and the minibatch order.
        W0: starting weights (copied), or None for :func:`init_weights`.
        loss_fn: ``(W, X, y, reg) -> (loss, dW)``.
    """
    checks.optimizer(opt)
    checks.count("epochs", epochs)
    if batch_size is not None:
        checks.count("batch_size", batch_size)
    X, y = data.X_train, data.y_train
    W = (init_weights(data.n_classes, data.n_features, seed) if W0 is None
         else np.array(W0, dtype=float))
    if W.shape != (data.n_classes, data.n_features):
        raise ValueError(f"W0 must have shape {(data.n_classes, data.n_features)}, got {W.shape}")
    opt.reset()
    rng = np.random.default_rng(seed)
    hist = History(W=W)

    def record_epoch():
        hist.epoch_train_loss.append(float(loss_fn(W, X, y, reg)[0]))
        hist.train_acc.append(accuracy(W, X, y))
        hist.val_acc.append(accuracy(W, data.X_val, data.y_val))

    record_epoch()
    seen = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)
            for Xb, yb in batches:
                loss, dW = loss_fn(W, Xb, yb, reg)
                if not (np.isfinite(loss) and np.all(np.isfinite(W))):
                    hist.diverged_at = len(hist.losses)
                    return hist
                hist.losses.append(float(loss))
                opt.step(W, dW)
                seen += len(yb)
                hist.grad_evals.append(seen)
            record_epoch()
    return hist
