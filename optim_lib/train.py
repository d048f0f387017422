"""Training loops: an optimizer on a landscape, and the linear classifier on digits.

Both loops stop at the first non-finite value (or a value past ``blowup``) and
report the step where the run diverged, instead of filling the screen with
overflow warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .data import DigitsSplit, minibatches
from .losses import accuracy, svm_loss_vectorized
from .optimizers import Optimizer

__all__ = ["Run", "run_landscape", "History", "fit_linear_classifier", "init_weights",
           "effective_lr", "StateRecorder"]


def _check_optimizer(opt):
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an optim_lib optimizer (SGD, Momentum, ...), got {opt!r}")


def _check_count(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


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
    _check_optimizer(opt)
    _check_count("steps", steps, minimum=0)
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
    _check_optimizer(opt)
    _check_count("epochs", epochs)
    if batch_size is not None:
        _check_count("batch_size", batch_size)
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



def effective_lr(opt: Optimizer) -> np.ndarray:
    """The per-coordinate learning rate ``opt`` would apply now, from its current state.

    * AdaGrad: ``lr / (√G + eps)``; RMSProp: ``lr / (√s + eps)``;
    * Adam: ``lr / (√v̂ + eps)`` with ``v̂ = v / (1 − beta2^t)`` (``v`` itself when
      ``bias_correction`` is off); Adam applies it to ``m̂``, not to the raw gradient;
    * SGD, Momentum, Nesterov: ``lr`` for every coordinate (their step size does
      not adapt).

    The state exists only after a first ``step``; before it this raises ValueError.
    """
    from .optimizers import AdaGrad, Adam, RMSProp

    _check_optimizer(opt)
    if opt.t == 0:
        raise ValueError(f"opt has no state yet (opt.t == 0): take a step first, got {opt!r}")
    if isinstance(opt, AdaGrad):
        return opt.lr / (np.sqrt(opt.G) + opt.eps)
    if isinstance(opt, RMSProp):
        return opt.lr / (np.sqrt(opt.s) + opt.eps)
    if isinstance(opt, Adam):
        c2 = 1 - opt.beta2 ** opt.t if opt.bias_correction else 1.0
        return opt.lr / (np.sqrt(opt.v / c2) + opt.eps)
    return np.full(opt._shape, opt.lr)


class StateRecorder(Optimizer):
    """Wraps an optimizer and keeps a copy of its state after every step.

    It is an optimizer itself, so it runs anywhere one does
    (:func:`run_landscape`, :func:`fit_linear_classifier`); the wrapped optimizer
    does the work. After each step it stores the gradient (``"dw"``), every state
    array of the wrapped optimizer (``"G"``, ``"s"``, ``"m"``, ``"v"``, ...) and
    :func:`effective_lr` (``"effective_lr"``). ``reset`` forgets the history too.

    Example::

        rec = StateRecorder(AdaGrad(lr=0.1))
        run = run_landscape(rec, ill_conditioned_bowl(50), steps=100)
        rates = rec.stacked("effective_lr")   # shape (100, 2): one row per step

    Args:
        opt: the optim_lib optimizer to run and watch.
    """

    def __init__(self, opt: Optimizer):
        _check_optimizer(opt)
        if isinstance(opt, StateRecorder):
            raise TypeError(f"opt must be a plain optimizer, not another StateRecorder: {opt!r}")
        self.opt = opt
        self.name = opt.name
        super().__init__()

    def reset(self) -> None:
        self.opt.reset()
        self.t = 0
        self.history: list[dict] = []

    @property
    def hyperparams(self):
        return self.opt.hyperparams

    def __repr__(self) -> str:
        return repr(self.opt)

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        self.opt.step(w, dw)
        self.t = self.opt.t
        record = {"dw": np.array(dw, dtype=float)}
        for name in self.opt._state_names:
            record[name] = getattr(self.opt, name).copy()
        record["effective_lr"] = effective_lr(self.opt)
        self.history.append(record)
        return w

    def stacked(self, key: str) -> np.ndarray:
        """One recorded quantity over all steps: shape ``(steps, *w.shape)``; row i is step i + 1."""
        if not self.history:
            raise ValueError("nothing recorded yet: run the recorder for at least one step")
        if key not in self.history[0]:
            raise ValueError(f"key must be one of {sorted(self.history[0])}, got {key!r}")
        return np.stack([record[key] for record in self.history])
