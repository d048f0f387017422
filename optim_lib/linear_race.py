"""The linear classifier's race: many optimizers and seeds at once, judged against the optimum.

:func:`svm_optimum` solves the classifier's objective (the multiclass SVM loss of
:mod:`optim_lib.losses` plus ``reg · ‖W‖²`` on the training set) to high accuracy, with a
certificate: the duality gap bounds how far the returned ``W`` is from the best possible
value. Chapter 11 then measures every optimizer by ``f(W) − f*``, the gap to that optimum.

:func:`train_classifiers` trains a grid of classifiers in one loop, as
:func:`optim_lib.network_train.train_networks` does for the network: one *group* per
optimizer (one per learning rate of a sweep) times one classifier per *seed*. Classifier
``(g, s)`` starts from ``init_weights(..., seed=s)`` and sees the minibatches in the order
drawn by ``default_rng(s)``, exactly as :func:`optim_lib.train.fit_linear_classifier` with
``seed=s`` (``tests/test_linear_race.py`` checks the two agree). The update rules are
element-wise, so one ``step`` per group updates all its seeds' weights at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from . import checks
from .data import DigitsSplit
from .losses import svm_loss_value
from .optimizers import Optimizer
from .train import init_weights

__all__ = ["SVMOptimum", "svm_optimum", "LinearRuns", "train_classifiers", "svm_objective"]


@dataclass
class SVMOptimum:
    """The optimum of the SVM objective on a training set.

    Attributes:
        W: the minimizer found (``f(W)`` is within ``certificate`` of the true minimum).
        f_star: ``f(W)``, the objective there (an upper bound on the true minimum ``f*``).
        certificate: the duality gap ``f(W) − D(A) ≥ f(W) − f*``: how far ``f_star`` can be
            above the true minimum, at most.
        reg: the L2 strength it was solved for.
    """

    W: np.ndarray
    f_star: float
    certificate: float
    reg: float


def svm_optimum(X: np.ndarray, y: np.ndarray, reg: float, tol: float = 1e-5,
                max_iter: int = 20_000) -> SVMOptimum:
    """Minimize ``(1/N) Σ_i Σ_{j≠y_i} max(0, s_ij − s_iy_i + 1) + reg·‖W‖²`` through its dual.

    Each hinge is ``max_{a∈[0,1]} a·margin``, so the minimum equals the maximum over
    ``A ∈ [0, 1]^{N×C}`` (``a_{i,y_i} = 0``) of the concave dual
    ``D(A) = ΣA/N − ‖M‖²/(4·reg·N²)``, ``M = Kᵀ X``, where ``K`` holds ``a_ij`` and
    ``K[i, y_i] = −Σ_j a_ij``; the primal point is ``W(A) = −M/(2·reg·N)``. The dual has
    box constraints only, which L-BFGS-B handles exactly, and a smooth objective, unlike
    the hinge. ``f(W(A)) − D(A) ≥ 0`` certifies the answer (weak duality).

    Args:
        X: features, shape (N, D) (the bias column included, as in the chapters).
        y: labels in ``0 .. C-1``, shape (N,).
        reg: the L2 strength (> 0).
        tol: stop when the certificate (the duality gap) is below this.
        max_iter: L-BFGS-B iterations before giving up (RuntimeError).
    """
    reg = checks.positive("reg", reg)
    tol = checks.positive("tol", tol)
    max_iter = checks.count("max_iter", max_iter)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (N, D) and y (N,), got X {X.shape} and y {y.shape}")
    N = X.shape[0]
    C = int(y.max()) + 1
    rows = np.arange(N)

    def primal_of(a):
        K = a.reshape(N, C).copy()
        K[rows, y] = -K.sum(axis=1)
        return -(K.T @ X) / (2 * reg * N)

    def neg_dual(a):
        W = primal_of(a)
        value = a.sum() / N - reg * np.sum(W * W)       # ‖M‖²/(4 reg N²) = reg ‖W‖²
        scores = X @ W.T
        margins = scores - scores[rows, y][:, None] + 1   # dD/da_ij = margin_ij / N
        margins[rows, y] = 0.0
        return -value, -margins.ravel() / N

    bounds = np.ones((N, C, 2))
    bounds[..., 0] = 0.0
    bounds[rows, y, 1] = 0.0                            # a_{i,y_i} = 0

    def certificate(a, neg_d):
        return svm_loss_value(primal_of(a), X, y, reg) + neg_d     # f(W) − D(A) ≥ f(W) − f*

    def stop_when_certified(intermediate_result):
        stop_when_certified.calls += 1
        if stop_when_certified.calls % 25 == 0 and \
                certificate(intermediate_result.x, intermediate_result.fun) <= tol:
            raise StopIteration
    stop_when_certified.calls = 0

    res = minimize(neg_dual, np.zeros(N * C), jac=True, method="L-BFGS-B",
                   bounds=bounds.reshape(-1, 2), callback=stop_when_certified,
                   options={"maxiter": max_iter, "ftol": 0.0, "gtol": 0.0})
    W, gap = primal_of(res.x), certificate(res.x, res.fun)
    if gap > tol:
        raise RuntimeError(f"svm_optimum: the duality gap is still {gap:.2e} > tol = {tol:g} "
                           f"after {res.nit} iterations (max_iter = {max_iter})")
    return SVMOptimum(W=W, f_star=svm_loss_value(W, X, y, reg), certificate=float(max(gap, 0.0)),
                      reg=reg)


def svm_objective(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> np.ndarray:
    """The SVM objective of many weight matrices at once: ``W`` of shape ``(..., C, D)``.

    Equal to :func:`optim_lib.losses.svm_loss_value` for each matrix; nan where ``W`` is not
    finite.
    """
    W = np.asarray(W, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    flat = W.reshape(-1, *W.shape[-2:])                              # (M, C, D)
    N, rows = X.shape[0], np.arange(X.shape[0])
    value = np.empty(len(flat))
    with np.errstate(all="ignore"):
        for k, Wk in enumerate(flat):                                # one gemm per matrix
            scores = X @ Wk.T                                        # (N, C)
            margins = scores - scores[rows, y][:, None] + 1
            margins[rows, y] = 0.0    # summed as svm_loss_value sums: equal to the last bit
            value[k] = margins[margins > 0].sum() / N + reg * np.sum(Wk * Wk)
    value = value.reshape(W.shape[:-2])
    return np.where(np.isfinite(value), value, np.nan)


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
        steps_per_epoch: updates per epoch.
    """

    seeds: tuple
    checkpoints: tuple
    W: np.ndarray
    train_loss: np.ndarray
    val_acc: np.ndarray
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
                      dtype=np.float64) -> LinearRuns:
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
    """
    optimizers = checks.optimizers(optimizers)
    if not isinstance(data, DigitsSplit):
        raise TypeError(f"data must be a DigitsSplit, got {type(data).__name__}")
    seeds = checks.seeds(seeds)
    epochs = checks.count("epochs", epochs)
    batch_size = checks.count("batch_size", batch_size)
    reg = checks.positive("reg", reg)
    checkpoints = checks.checkpoints(checkpoints, epochs)
    dtype = checks.float_dtype(dtype)
    X, y = data.X_train, data.y_train
    Xt = X.astype(dtype)
    n, D = X.shape
    C = data.n_classes
    G, S = len(optimizers), len(seeds)
    first = np.stack([init_weights(C, D, s) for s in seeds])          # (S, C, D)
    # (S, G, C, D): seed s's G weight matrices are one (G·C, D) block, so one matrix
    # product per seed scores a minibatch for every group at once.
    W = np.repeat(first[:, None], G, axis=1).astype(dtype)
    flat = W.reshape(S, G * C, D)                                     # a view of W
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
                Xb, B = Xt[idx], idx.shape[1]                         # (S, B, D)
                at_y = np.broadcast_to(y[idx][:, :, None, None], (S, B, G, 1))
                scores = (Xb @ flat.transpose(0, 2, 1)).reshape(S, B, G, C)
                correct = np.take_along_axis(scores, at_y, axis=-1)
                coeff = (scores - correct + 1 > 0).astype(dtype)      # violated margins (and y itself)
                # the correct class pays for each violation: 1 - (violations + 1 for itself)
                np.put_along_axis(coeff, at_y, 1 - coeff.sum(axis=-1, keepdims=True), axis=-1)
                dW = (coeff.reshape(S, B, G * C).transpose(0, 2, 1) @ Xb).reshape(S, G, C, D)
                dW /= B
                dW += (2 * reg) * W
                for g, opt in enumerate(optimizers):                  # one step per group
                    opt.step(W[:, g], dW[:, g])
            if epoch in checkpoints:
                Wg = W.transpose(1, 0, 2, 3).astype(float)            # (G, S, C, D)
                f = svm_objective(Wg, X, y, reg)
                dead |= np.isnan(f)
                f[dead] = np.nan
                saved.append(Wg)
                losses.append(f)
                pred = np.argmax(data.X_val @ np.swapaxes(Wg, -1, -2), axis=-1)
                vals.append(np.where(dead, np.nan, np.mean(pred == data.y_val, axis=-1)))
    return LinearRuns(seeds, checkpoints, np.array(saved), np.array(losses), np.array(vals),
                      per_epoch)
