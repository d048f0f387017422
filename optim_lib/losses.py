"""The multiclass SVM (hinge) loss of a linear classifier, and its gradient.

For scores ``s = W x_i`` (``W`` of shape ``(C, D)``, ``x_i`` of length ``D``):

    L = (1/N) Σ_i Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + 1)  +  reg · Σ_k W_k²

Both versions return ``(loss, dW)``; the naive one loops like the formula, the
vectorized one is the same computation on whole arrays.
"""

from __future__ import annotations

import numpy as np

__all__ = ["svm_loss_naive", "svm_loss_vectorized", "svm_loss", "predict", "accuracy",
           "svm_kinks_crossed", "svm_loss_value", "svm_loss_of", "svm_loss_stacked"]


def _check(W, X, y, reg):
    if not isinstance(W, np.ndarray) or W.ndim != 2:
        raise ValueError(f"W must be a 2-D array (classes x features), got {getattr(W, 'shape', W)!r}")
    if not isinstance(X, np.ndarray) or X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples x features), got {getattr(X, 'shape', X)!r}")
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features but W expects {W.shape[1]} "
                         f"(W shape {W.shape}, X shape {X.shape})")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one label per row of X, shape ({X.shape[0]},), got {y.shape}")
    if len(y) == 0:
        raise ValueError("X and y must hold at least one sample, got 0")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= W.shape[0]:
        raise ValueError(f"y must hold integer labels in [0, {W.shape[0]}), "
                         f"got values from {y.min()} to {y.max()} (dtype {y.dtype})")
    if isinstance(reg, bool) or not isinstance(reg, (int, float)) or not reg >= 0:
        raise ValueError(f"reg must be a number >= 0, got {reg!r}")
    return y


def svm_loss_naive(W, X, y, reg=0.0):
    """Multiclass SVM loss and gradient with explicit loops (the formula, term by term)."""
    y = _check(W, X, y, reg)
    C, N = W.shape[0], X.shape[0]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        scores = W @ X[i]
        correct = scores[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - correct + 1
            if margin > 0:
                loss += margin
                dW[j] += X[i]          # d margin / d W_j     = +x_i
                dW[y[i]] -= X[i]       # d margin / d W_{y_i} = -x_i
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W
    return loss, dW


def svm_loss_vectorized(W, X, y, reg=0.0):
    """Multiclass SVM loss and gradient, no Python loops."""
    y = _check(W, X, y, reg)
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W.T                                  # (N, C)
    margins = scores - scores[rows, y][:, None] + 1
    margins[rows, y] = 0
    positive = margins > 0
    loss = margins[positive].sum() / N + reg * np.sum(W * W)

    coeff = positive.astype(W.dtype)                  # 1 for each violated margin
    coeff[rows, y] = -coeff.sum(axis=1)               # the correct class pays each of them
    dW = coeff.T @ X / N + 2 * reg * W
    return loss, dW


svm_loss = svm_loss_vectorized


def predict(W, X):
    """Predicted class of every row of X: the class with the highest score."""
    return np.argmax(X @ W.T, axis=1)


def accuracy(W, X, y):
    """Fraction of rows of X whose predicted class equals y."""
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"y must have one label per row of X, got {len(y)} labels for {len(X)} rows")
    return float(np.mean(predict(W, X) == y))


def svm_kinks_crossed(W, X, y, index, h):
    """How many hinge kinks lie between ``W[index] - h`` and ``W[index] + h``.

    Each term ``max(0, m_ij)`` with ``m_ij = s_j - s_{y_i} + 1`` (``j != y_i``)
    has a kink at ``m_ij = 0``. Moving the single weight ``W[c, k]`` by ``t``
    moves ``m_ic`` by ``+t x_ik`` for every sample with ``y_i != c``, and every
    ``m_ij`` of a sample with ``y_i == c`` by ``-t x_ik``. A kink is crossed by a
    centered difference of step ``h`` when ``|m_ij| <= h |x_ik|`` (and
    ``x_ik != 0``): there the loss is not linear-plus-quadratic over the window,
    and the numeric partial derivative can differ from the analytic one.

    Args:
        W, X, y: as for :func:`svm_loss_vectorized`.
        index: ``(c, k)``, the weight that is perturbed.
        h: the finite-difference step, > 0.
    """
    y = _check(W, X, y, 0.0)
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not 0 < h < np.inf:
        raise ValueError(f"h must be a finite number > 0, got {h!r}")
    try:
        c, k = (int(i) for i in index)
    except (TypeError, ValueError):
        raise ValueError(f"index must be a pair (class, feature), got {index!r}") from None
    if not (0 <= c < W.shape[0] and 0 <= k < W.shape[1]):
        raise ValueError(f"index must lie inside W's shape {W.shape}, got {index!r}")
    rows = np.arange(X.shape[0])
    scores = X @ W.T
    margins = scores - scores[rows, y][:, None] + 1
    reach = h * np.abs(X[:, k])                       # how far each margin can move
    near = (np.abs(margins) <= reach[:, None]) & (reach[:, None] > 0)
    near[rows, y] = False                             # j = y_i is not a hinge term
    other = (y != c) & near[:, c]                     # samples of other classes: m_ic moves
    own = near[y == c].sum()                          # samples of class c: all their m_ij move
    return int(other.sum() + own)


def svm_loss_value(W, X, y, reg=0.0):
    """The multiclass SVM loss alone, as a float: ``svm_loss(W, X, y, reg)[0]``.

    Same formula and argument checks as :func:`svm_loss_vectorized`, without the
    gradient, so it costs about half as much. For methods that only ever look at
    the loss (random search, the numeric gradient).
    """
    y = _check(W, X, y, reg)
    rows = np.arange(X.shape[0])
    scores = X @ W.T                                  # (N, C)
    margins = scores - scores[rows, y][:, None] + 1
    margins[rows, y] = 0
    # summed as svm_loss_vectorized sums it, so the two agree to the last bit
    return float(margins[margins > 0].sum() / X.shape[0] + reg * np.sum(W * W))


def svm_loss_of(X, y, reg=0.0):
    """The loss as a function of ``W`` alone: ``W -> svm_loss_value(W, X, y, reg)``.

    What random search and the numeric gradient need (``loss_of = svm_loss_of(X, y, reg)``,
    then ``loss_of(W)``). ``X``, ``y`` and ``reg`` are checked at every call, with ``W``.
    """
    def loss_of(W):
        return svm_loss_value(W, X, y, reg)

    loss_of.__doc__ = f"The SVM loss of W on {len(y)} samples with reg = {reg!r}: one number."
    return loss_of


def svm_loss_stacked(W, X, y, reg=0.0, with_loss: bool = True):
    """The loss and gradient of many classifiers at once, each as :func:`svm_loss_vectorized`.

    ``W`` of shape ``(..., C, D)``, ``X`` of shape ``(..., N, D)`` and ``y`` of shape
    ``(..., N)``, their leading axes broadcasting (e.g. ``W`` ``(S, G, C, D)`` against
    minibatches ``X[:, None]`` of shape ``(S, 1, N, D)``). Returns ``loss`` of shape ``(...)``
    (None if not ``with_loss``: a trainer that only steps skips summing it) and ``dW`` of
    ``W``'s broadcast shape. The batched trainer of :mod:`optim_lib.linear_race` uses it;
    ``tests/test_losses.py`` checks it against the one-classifier version.
    """
    W, X, y = np.asarray(W), np.asarray(X), np.asarray(y)
    if W.ndim < 2 or X.ndim < 2 or X.shape[-1] != W.shape[-1] or y.shape[-1:] != X.shape[-2:-1]:
        raise ValueError(f"W must be (..., C, D), X (..., N, D) and y (..., N); got W {W.shape}, "
                         f"X {X.shape}, y {y.shape}")
    N = X.shape[-2]
    scores = X @ np.swapaxes(W, -1, -2)                              # (..., N, C)
    lead, C = scores.shape[:-2], scores.shape[-1]
    # where s_{i,y_i} sits in scores read flat (C order), for every classifier and sample:
    # np.take / np.put with it pick and set the same entries as take/put_along_axis, faster
    at_y = (np.arange(int(np.prod(lead))).reshape(lead + (1,)) * (N * C)
            + np.arange(N) * C + np.broadcast_to(y, lead + (N,)))    # (..., N)
    correct = np.take(scores, at_y)[..., None]                       # s_{i,y_i}, (..., N, 1)
    margins = scores - correct + 1
    np.put(margins, at_y, 0.0)                                       # j = y_i is no hinge
    positive = margins > 0
    loss = (np.where(positive, margins, 0).sum(axis=(-2, -1)) / N + reg * np.sum(W * W, axis=(-2, -1))
            if with_loss else None)
    coeff = positive.astype(scores.dtype)                            # 1 for each violated margin
    # how many margins each row violates: a product with ones counts them exactly (small
    # integers), several times faster than a sum over the short last axis
    violated = coeff @ np.ones(C, coeff.dtype)                       # (..., N)
    np.put(coeff, at_y, -violated)                                   # y_i pays each
    dW = np.swapaxes(coeff, -1, -2) @ X / N + 2 * reg * W
    return loss, dW
