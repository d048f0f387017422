"""Watching an optimizer: the learning rate each coordinate gets, and its state over a run."""

from __future__ import annotations

import numpy as np

from . import checks

__all__ = ["effective_lr", "StateRecorder"]


def effective_lr(opt) -> np.ndarray:
    """The per-coordinate learning rate ``opt`` would apply now: ``opt.effective_lr()``.

    * AdaGrad: ``lr / (√G + eps)``; RMSProp: ``lr / (√s + eps)``;
    * Adam, AdamW: ``lr / (√v̂ + eps)`` (applied to ``m̂``, not to the raw gradient);
    * SGD, Momentum, Nesterov: ``lr`` for every coordinate (their step does not adapt).

    The state exists only after a first ``step``; before it ``opt.effective_lr()`` raises
    ValueError (no step taken yet).
    """
    return checks.optimizer(opt).effective_lr()


class StateRecorder:
    """Wraps an optimizer and keeps a copy of its state after every step.

    It keeps the optimizer contract (``step``, ``reset``), so it runs anywhere an
    optimizer does (:func:`~optim_lib.train.run_landscape`,
    :func:`~optim_lib.train.fit_linear_classifier`); the wrapped optimizer does the
    work, and everything else (``lr``, ``t``, ``name``, ``effective_lr()``, ...) is
    the wrapped optimizer's. ``reset`` forgets the history too.

    Example::

        rec = StateRecorder(AdaGrad(lr=0.1))
        run = run_landscape(rec, ill_conditioned_bowl(50), steps=100)
        rates = rec.stacked("effective_lr")   # shape (100, 2): one row per step

    Args:
        opt: the optimizer to run and watch.
    """

    def __init__(self, opt):
        checks.optimizer(opt)
        if isinstance(opt, StateRecorder):
            raise TypeError(f"opt must be a plain optimizer, not another StateRecorder: {opt!r}")
        self.opt = opt
        self.reset()

    def reset(self) -> None:
        self.opt.reset()
        self.history: list[dict] = []

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        """Step the wrapped optimizer, then record the gradient ``"dw"``, each state
        array (``"v"``, ``"G"``, ``"s"``, ``"m"``, ...) and ``"effective_lr"``."""
        self.opt.step(w, dw)
        record = {"dw": np.array(dw, dtype=float)}
        for name, value in self.opt.state.items():
            record[name] = value.copy()
        record["effective_lr"] = self.opt.effective_lr()
        self.history.append(record)
        return w

    def stacked(self, key: str) -> np.ndarray:
        """One recorded quantity over all steps: shape ``(steps, *w.shape)``; row i is step i + 1."""
        if not self.history:
            raise ValueError("nothing recorded yet: run the recorder for at least one step")
        if key not in self.history[0]:
            raise ValueError(f"key must be one of {sorted(self.history[0])}, got {key!r}")
        return np.stack([record[key] for record in self.history])

    def __getattr__(self, name):   # only called for names the recorder does not have
        if name == "opt":
            raise AttributeError(name)
        return getattr(self.opt, name)

    def __repr__(self) -> str:
        return repr(self.opt)
