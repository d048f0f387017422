"""The linear classifier's race: many optimizers and seeds at once, judged against the optimum.

The optimum itself (:func:`svm_optimum`, :func:`svm_objective`) lives in
:mod:`optim_lib.optimum`; both names stay importable from here.

:func:`train_classifiers` trains a grid of classifiers in one loop, as
:func:`optim_lib.network_train.train_networks` does for the network: one *group* per
optimizer (one per learning rate of a sweep) times one classifier per *seed*. Classifier
``(g, s)`` starts from ``init_weights(..., seed=s)`` and sees the minibatches in the order
drawn by ``default_rng(s)``, exactly as :func:`optim_lib.train.fit_linear_classifier` with
``seed=s`` (``tests/test_linear_race.py`` checks the two agree). The update rules are
element-wise, so one ``step`` per group updates all its seeds' weights at once, and one
optimizer whose hyperparameters are arrays (one entry per group, ``groups=G``) updates every
group at once: the protocol's stacked trials (:mod:`optim_lib.protocol`). The minibatch
gradient is :func:`optim_lib.losses.svm_loss_stacked`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .data import DigitsSplit
from .losses import svm_loss_stacked
from .optimum import SVMOptimum, svm_objective, svm_optimum
from .train import init_weights

__all__ = ["SVMOptimum", "svm_optimum", "LinearRuns", "train_classifiers", "svm_objective"]


@dataclass
class LinearRuns:
    """What :func:`train_classifiers` measured, for ``G`` optimizers x ``S`` seeds.

    Attributes:
        seeds: the seeds, one per column.
        checkpoints: the epochs after which the classifiers were evaluated (increasing).
        W: the weights at each checkpoint, shape ``(len(checkpoints), G, S, C, D)``.
        train_loss: the full training objective ``f(W)`` at each checkpoint, ``(K, G, S)``;
            nan once a run has diverged.
        val_acc: validation accuracy at each checkpoint, ``(K, G, S)``; nan once diverged.
            None when not measured (``validation=False``).
        steps_per_epoch: updates per epoch.
    """

    seeds: tuple
    checkpoints: tuple
    W: np.ndarray
    train_loss: np.ndarray
    val_acc: np.ndarray | None
    steps_per_epoch: int

    def at(self, epoch: int) -> int:
        """The index of checkpoint ``epoch``."""
        if epoch not in self.checkpoints:
            raise ValueError(f"epoch must be one of the checkpoints {self.checkpoints}, "
                             f"got {epoch!r}")
        return self.checkpoints.index(epoch)

    def accuracy(self, X: np.ndarray, y: np.ndarray, epoch: int, group: int) -> np.ndarray:
        """Accuracy of group ``group``'s classifiers on ``(X, y)`` after ``epoch``, per seed."""
        W = self.W[self.at(epoch), group]                            # (S, C, D)
        with np.errstate(all="ignore"):
            pred = np.argmax(X @ np.swapaxes(W, -1, -2), axis=-1)    # (S, N)
        acc = np.mean(pred == y, axis=-1)
        return np.where(np.isnan(self.train_loss[self.at(epoch), group]), np.nan, acc)


def train_classifiers(optimizers, data: DigitsSplit, seeds=tuple(range(10)), epochs: int = 20,
                      batch_size: int = 64, reg: float = 1e-3, checkpoints=None,
                      dtype=np.float64, groups: int | None = None,
                      validation: bool = True) -> LinearRuns:
    """Train ``len(optimizers) x len(seeds)`` linear SVM classifiers on digits with minibatches.

    Args:
        optimizers: optim_lib optimizers, one group each (reset first); distinct instances.
        data: a :class:`~optim_lib.data.DigitsSplit` (features with the bias column).
        seeds: seed ``s`` draws the initial weights and the minibatch order, as in
            :func:`optim_lib.train.fit_linear_classifier`.
        epochs: passes over the training set.
        batch_size: samples per update (the last batch of an epoch is smaller).
        reg: L2 strength of the objective ``loss + reg·‖W‖²``.
        checkpoints: the epochs after which to evaluate (default: the last only).
        dtype: float type of the weights and the data during training: float64 (the default)
            reproduces ``fit_linear_classifier`` bit for bit; float32 is about twice as fast.
            The objective and accuracies are always evaluated in float64.
        groups: None (``optimizers`` is a list, one per group), or the number of groups
            ``G`` when ``optimizers`` is ONE optimizer whose hyperparameters are arrays of
            shape ``(G, 1, 1)`` (:meth:`optim_lib.search_space.Trials.optimizer`): it steps
            all the weights, shape ``(S, G, C, D)``, at once.
        validation: measure the validation accuracy at every checkpoint (False: a caller
            that reads only the objective, as :class:`optim_lib.problems.LinearDigits`,
            skips it; ``val_acc`` is then None).
    """
    if groups is None:
        optimizers = checks.optimizers(optimizers)
        G = len(optimizers)
    else:
        G = checks.count("groups", groups)
        optimizers = [checks.optimizer(optimizers, "optimizers")]
    if not isinstance(data, DigitsSplit):
        raise TypeError(f"data must be a DigitsSplit, got {type(data).__name__}")
    seeds = checks.seeds(seeds)
    epochs = checks.count("epochs", epochs)
    batch_size = checks.count("batch_size", batch_size)
    reg = checks.positive("reg", reg)
    checkpoints = checks.checkpoints(checkpoints, epochs)
    dtype = checks.float_dtype(dtype)
    validation = checks.flag("validation", validation)
    X, y = data.X_train, data.y_train
    Xt = X.astype(dtype)
    n, D = X.shape
    C = data.n_classes
    S = len(seeds)
    first = np.stack([init_weights(C, D, s) for s in seeds])          # (S, C, D)
    W = np.repeat(first[:, None], G, axis=1).astype(dtype)           # (S, G, C, D)
    rngs = [np.random.default_rng(s) for s in seeds]
    for opt in optimizers:
        opt.reset()
    per_epoch = -(-n // batch_size)
    saved, losses, vals = [], [], []
    dead = np.zeros((G, S), dtype=bool)
    with np.errstate(all="ignore"):   # a diverging run overflows; it is recorded as nan
        for epoch in range(1, epochs + 1):
            orders = np.stack([rng.permutation(n) for rng in rngs])   # (S, n)
            for start in range(0, n, batch_size):
                idx = orders[:, start:start + batch_size]             # (S, B)
                _, dW = svm_loss_stacked(W, Xt[idx][:, None], y[idx][:, None], reg,
                                         with_loss=False)
                if groups is not None:                                # one step for all
                    optimizers[0].step(W, dW)
                else:
                    for g, opt in enumerate(optimizers):              # one step per group
                        opt.step(W[:, g], dW[:, g])
            if epoch in checkpoints:
                Wg = W.transpose(1, 0, 2, 3).astype(float)            # (G, S, C, D)
                f = svm_objective(Wg, X, y, reg)
                dead |= np.isnan(f)
                f[dead] = np.nan
                saved.append(Wg)
                losses.append(f)
                if validation:
                    pred = np.argmax(data.X_val @ np.swapaxes(Wg, -1, -2), axis=-1)
                    vals.append(np.where(dead, np.nan, np.mean(pred == data.y_val, axis=-1)))
    return LinearRuns(seeds, checkpoints, np.array(saved), np.array(losses),
                      np.array(vals) if validation else None, per_epoch)
