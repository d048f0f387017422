"""The linear classifier's certified optimum f*: what "distance to the optimum" is measured from.

:func:`svm_optimum` solves the classifier's objective (the multiclass SVM loss of
:mod:`optim_lib.losses` plus ``reg · ‖W‖²`` on the training set) to high accuracy, with a
certificate: the duality gap bounds how far the returned ``W`` is from the best possible
value. The races then measure every optimizer by ``f(W) − f*``, the gap to that optimum;
:func:`svm_objective` evaluates ``f`` for many weight matrices at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from . import checks
from .losses import svm_loss_value

__all__ = ["SVMOptimum", "svm_optimum", "svm_objective"]


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
    from scipy.optimize import minimize   # here, not at import: 0.3 s a page that never solves

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

    # Thousands of small products (N x C by N x D): on more than one BLAS thread the threads
    # only wait for each other (measured: 0.37 s on one thread, 8-45 s on two on a busy
    # 2-core machine), so the solve runs on one, whatever the caller's setting.
    with threadpool_limits(limits=1, user_api="blas"):
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
