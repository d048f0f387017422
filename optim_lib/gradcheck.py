"""Numeric gradients by finite differences, and the gradient check.

    forward:   df/dx_i ≈ (f(x + h e_i) − f(x)) / h            error O(h)
    centered:  df/dx_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h    error O(h²)

The forward scheme costs one extra evaluation of ``f`` per coordinate, the
centered one two.

Comparing the two: the per-coordinate relative error |a − n| / max(|a|, |n|) is
ill-posed where an entry of the gradient is tiny. ``f`` is computed to about
eps·|f|, so a difference quotient carries an absolute round-off of about
eps·|f| / h whatever the entry; next to an entry of 1e-6 that is ~1e-6 relative,
and the verdict then depends on the last bits of ``f`` (BLAS kernel, thread
count). The norm-wise error ||a − n|| / max(||a||, ||n||) measures the same
round-off against the size of the whole gradient and is robust; it still sees
a wrong gradient.
"""

from __future__ import annotations

import numpy as np

__all__ = ["numeric_gradient", "relative_error", "norm_relative_error", "roundoff_floor",
           "grad_check"]

METHODS = ("forward", "centered")
ROUNDOFF_FACTOR = 10.0     # atol = ROUNDOFF_FACTOR · eps · |f(x)| / h
RTOL = 1e-6


def _check_h(h):
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not (0 < h < np.inf):
        raise ValueError(f"h must be a finite number > 0, got {h!r}")


def _check_method(method):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _partial(f, x, ix, h, method, fx=None):
    """One partial derivative of f at x along coordinate ix (x is restored)."""
    old = x[ix]
    x[ix] = old + h
    f_plus = f(x)
    if method == "forward":
        x[ix] = old
        return (f_plus - (f(x) if fx is None else fx)) / h
    x[ix] = old - h
    f_minus = f(x)
    x[ix] = old
    return (f_plus - f_minus) / (2 * h)


def numeric_gradient(f, x, h=1e-5, method="centered"):
    """Gradient of the scalar function ``f`` at the float array ``x``, one coordinate at a time.

    ``x`` is perturbed in place and restored, so ``f`` must read the array it is given.

    Args:
        f: function of one array returning a float.
        x: float array; its values are unchanged on return.
        h: finite-difference step, > 0.
        method: "centered" (error O(h²)) or "forward" (error O(h)).
    """
    _check_h(h)
    _check_method(method)
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float numpy array, got {type(x).__name__}"
                        f"{' of dtype ' + str(x.dtype) if isinstance(x, np.ndarray) else ''}")
    fx = f(x) if method == "forward" else None
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        grad[ix] = _partial(f, x, ix, h, method, fx)
    return grad


def relative_error(a, b):
    """Element-wise |a − b| / max(|a|, |b|), and 0 where both are 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, diff / np.where(denom > 0, denom, 1), 0.0)


def norm_relative_error(a, b):
    """Norm-wise ||a − b|| / max(||a||, ||b||) (Euclidean norms over all entries), 0 if both are 0.

    Unlike the element-wise :func:`relative_error`, a tiny entry does not get a
    denominator of its own: round-off is measured against the whole vector.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = max(np.linalg.norm(a), np.linalg.norm(b))
    return float(np.linalg.norm(a - b) / denom) if denom > 0 else 0.0


def roundoff_floor(fx, h, factor=ROUNDOFF_FACTOR):
    """The absolute floor of the gradient check: ``factor · eps · |fx| / h``.

    ``fx = f(x)`` is computed to about eps·|fx|; a difference quotient divides the
    difference of two such values by h (forward) or 2h (centered), so it carries an
    absolute round-off of about eps·|fx| / h, whatever the size of the entry.
    """
    _check_h(h)
    if isinstance(fx, bool) or not isinstance(fx, (int, float, np.floating)) or not np.isfinite(fx):
        raise ValueError(f"fx must be a finite number, got {fx!r}")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not (0 < factor < np.inf):
        raise ValueError(f"factor must be a finite number > 0, got {factor!r}")
    return float(factor * np.finfo(float).eps * abs(fx) / h)


def _check_tol(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value < np.inf):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def grad_check(f, x, analytic, num_checks=10, h=1e-5, seed=0, method="centered",
               rtol=RTOL, atol=None):
    """Compare an analytic gradient with the centered difference on sampled coordinates.

    Returns a dict: ``index`` (the sampled coordinates), the arrays ``analytic``,
    ``numeric`` and ``rel_error`` (one value per sampled coordinate), the float
    ``norm_error`` (:func:`norm_relative_error` of the sampled entries), and the
    verdict: ``atol`` (the absolute floor used), ``close`` (per coordinate,
    ``np.isclose(analytic, numeric, rtol, atol)``) and ``passed`` (every one close).

    Judge a gradient by ``close``: with ``atol`` at the round-off of the difference
    quotient (default :func:`roundoff_floor` of f(x), ten times eps·|f(x)| / h), a
    correct gradient passes on every machine, and a bug in the small entries is
    still seen. ``rel_error`` of an entry near that round-off is noise (it can exceed
    1e-6 for a correct gradient); ``norm_error`` is robust but blind to a bug that
    lives in the small entries. A hinge kink between x − h and x + h can make a
    correct gradient's entry fail: check it with a smaller h.
    """
    _check_h(h)
    _check_method(method)
    _check_tol("rtol", rtol)
    if atol is not None:
        _check_tol("atol", atol)
    analytic = np.asarray(analytic)
    if analytic.shape != x.shape:
        raise ValueError(f"analytic must have x's shape {x.shape}, got {analytic.shape}")
    if isinstance(num_checks, bool) or not isinstance(num_checks, (int, np.integer)) or num_checks < 1:
        raise ValueError(f"num_checks must be a positive integer, got {num_checks!r}")
    rng = np.random.default_rng(seed)
    flat = rng.choice(x.size, size=min(num_checks, x.size), replace=False)
    index = [np.unravel_index(i, x.shape) for i in flat]
    fx = f(x)
    numeric = np.array([_partial(f, x, ix, h, method, fx) for ix in index])
    exact = np.array([analytic[ix] for ix in index])
    atol = roundoff_floor(float(fx), h) if atol is None else float(atol)
    close = np.isclose(exact, numeric, rtol=rtol, atol=atol)
    return {"index": index, "analytic": exact, "numeric": numeric,
            "rel_error": relative_error(exact, numeric),
            "norm_error": norm_relative_error(exact, numeric),
            "atol": atol, "close": close, "passed": bool(close.all())}
