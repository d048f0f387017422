"""Many random local searches at once: a stack of weight matrices, one numpy computation.

Chapters 1 and 2 compare random local search across seeds and step sizes, and ask which
random steps go downhill. Run one search at a time and every loss evaluation is a small
matrix product plus Python overhead; stack K searches and one product ``X @ [W_1 … W_K]``
serves them all. The searches are the same as :func:`optim_lib.search.random_local_search`,
draw for draw: search k draws its steps from ``np.random.default_rng(seeds[k])``.

* :func:`svm_losses` — the multiclass SVM loss of every ``W`` in a stack.
* :func:`random_searches` — K random searches (one per seed), every try's loss at once.
* :func:`local_searches` — K random local searches (one per (seed, step size) pair).
* :func:`slope_and_bend` — split the change of the loss along ``±s·z`` into its odd part
  (the slope) and its even part (the bend, never negative for a convex loss).
"""

from __future__ import annotations

import numpy as np

from . import checks

__all__ = ["svm_losses", "random_searches", "local_searches", "slope_and_bend"]


def _stack(Ws, X, y, reg):
    Ws = np.asarray(Ws)
    if Ws.ndim != 3 or not np.issubdtype(Ws.dtype, np.floating):
        raise ValueError(f"Ws must be a float array of shape (K, C, D), got shape "
                         f"{Ws.shape} and dtype {Ws.dtype}")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != Ws.shape[2]:
        raise ValueError(f"X must have shape (N, {Ws.shape[2]}), got {X.shape}")
    if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) \
            or y.min() < 0 or y.max() >= Ws.shape[1]:
        raise ValueError(f"y must hold {X.shape[0]} class indices in [0, {Ws.shape[1]}), "
                         f"got shape {y.shape}")
    checks.nonnegative("reg", reg)
    return Ws, X, y


def svm_losses(Ws, X, y, reg=0.0) -> np.ndarray:
    """The multiclass SVM loss of every weight matrix in the stack ``Ws`` (K, C, D).

    The same formula as :func:`optim_lib.losses.svm_loss_value` (mean hinge over the
    samples plus ``reg · ΣW²``), for all K matrices with one matrix product.
    Returns an array of K losses.
    """
    Ws, X, y = _stack(Ws, X, y, reg)
    K, C, D = Ws.shape
    N = X.shape[0]
    rows = np.arange(N)
    scores = (X @ Ws.reshape(K * C, D).T).reshape(N, K, C)
    margins = scores - scores[rows, :, y][:, :, None] + 1        # (N, K, C)
    margins[rows, :, y] = 0
    hinge = np.maximum(margins, 0).sum(axis=(0, 2)) / N
    return hinge + reg * np.einsum("kcd,kcd->k", Ws, Ws)


def random_searches(X, y, reg, shape, tries, scale, seeds, chunk: int = 25) -> np.ndarray:
    """K random searches on the SVM loss, one per seed; their best loss after each try.

    Search k draws its guesses ``scale · N(0, 1)`` of shape ``shape`` from
    ``np.random.default_rng(seeds[k])``, exactly as :func:`optim_lib.search.random_search`
    does; the guesses do not depend on each other, so their losses are computed ``chunk``
    at a time. Returns, like ``SearchResult.best_so_far``, the running minimum of the
    tries' losses, shape (K, tries).
    """
    checks.count("tries", tries)
    checks.count("chunk", chunk)
    checks.positive("scale", scale)
    seeds = checks.seeds(seeds)
    shape = tuple(shape)
    if len(shape) != 2:
        raise ValueError(f"shape must be (C, D), got {shape!r}")
    out = np.empty((len(seeds), tries))
    for k, seed in enumerate(seeds):
        guesses = scale * np.random.default_rng(seed).standard_normal((tries,) + shape)
        for start in range(0, tries, chunk):
            out[k, start:start + chunk] = svm_losses(guesses[start:start + chunk], X, y, reg)
    return np.minimum.accumulate(out, axis=1)


def local_searches(X, y, reg, W0, tries, step_sizes, seeds) -> np.ndarray:
    """K random local searches on the SVM loss, run side by side; their best loss after each try.

    Search k starts at ``W0``, uses step size ``step_sizes[k]`` and the Generator
    ``np.random.default_rng(seeds[k])``, and keeps a try when its loss is lower than the
    best so far — exactly :func:`optim_lib.search.random_local_search`.
    ``step_sizes`` and ``seeds`` are sequences of the same length K (pair them with
    ``np.meshgrid`` for a grid). Returns, like ``SearchResult.best_so_far``, the running
    minimum of the tries' losses (the start's loss not included), shape (K, tries).
    """
    checks.count("tries", tries)
    step_sizes = np.asarray(step_sizes, dtype=float)
    seeds = list(seeds)
    if step_sizes.ndim != 1 or len(step_sizes) != len(seeds) or not len(seeds):
        raise ValueError(f"step_sizes and seeds must be sequences of one equal length, got "
                         f"{len(step_sizes)} and {len(seeds)}")
    if not np.all((step_sizes > 0) & np.isfinite(step_sizes)):
        raise ValueError(f"step_sizes must be finite numbers > 0, got {step_sizes.tolist()}")
    W0 = np.asarray(W0, dtype=float)
    K = len(seeds)
    rngs = [np.random.default_rng(s) for s in seeds]
    best_W = np.repeat(W0[None], K, axis=0)
    best = svm_losses(best_W, X, y, reg)
    out = np.empty((K, tries))
    scale = step_sizes[:, None, None]
    for n in range(tries):
        Z = np.stack([r.standard_normal(W0.shape) for r in rngs])
        W = best_W + scale * Z
        loss = svm_losses(W, X, y, reg)
        kept = loss < best
        best_W[kept], best[kept] = W[kept], loss[kept]
        out[:, n] = loss
    return np.minimum.accumulate(out, axis=1)


def slope_and_bend(X, y, reg, W, directions, step_size):
    """The change of the loss along ``W ± step_size · z`` for every ``z`` in ``directions``.

    With ``L±`` the losses at ``W ± s·z``: the slope part ``(L+ − L−)/2`` is odd in
    ``s`` (≈ ``s · ∇L·z``), the bend part ``(L+ + L−)/2 − L(W)`` is even (≥ 0 for a convex
    loss: what a step of length s pays for crossing hinge kinks and for the L2 term). The
    step ``+s·z`` goes downhill exactly when ``slope + bend < 0``.
    Returns ``(slope, bend)``, two arrays with one entry per direction.
    """
    checks.positive("step_size", step_size)
    W = np.asarray(W, dtype=float)
    Z = np.asarray(directions, dtype=float)
    if Z.ndim != 3 or Z.shape[1:] != W.shape:
        raise ValueError(f"directions must have shape (K, {W.shape[0]}, {W.shape[1]}), "
                         f"got {Z.shape}")
    plus = svm_losses(W + step_size * Z, X, y, reg)
    minus = svm_losses(W - step_size * Z, X, y, reg)
    here = svm_losses(W[None], X, y, reg)[0]
    return (plus - minus) / 2, (plus + minus) / 2 - here
