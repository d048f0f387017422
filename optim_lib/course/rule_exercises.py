"""Checkers for the rules after AdamW: Lion's step and one Newton–Schulz iteration (Muon).

Like :mod:`optim_lib.course.exercises`, each checker runs the learner's function and the
library's reference on fixed inputs and returns a :class:`~optim_lib.course.exercises.CheckResult`;
an unfinished exercise reports "not done yet" instead of raising. When a wrong answer
matches a common mistake, the message names it.
"""

from __future__ import annotations

import numpy as np

from .exercises import CheckResult, _call, check_update_rule, compare_arrays
from ..optimizers import Lion, newton_schulz

__all__ = ["check_lion", "check_newton_schulz_step"]


# Lion ------------------------------------------------------------------------------------

def _momentum_first(w, dw, state, lr, beta1, beta2, weight_decay):
    """The common mistake: the momentum updated before the sign is taken (then the step's
    direction uses beta2's average, not the beta1 interpolation of the old momentum)."""
    m = state.get("m", np.zeros_like(w))
    m = beta2 * m + (1 - beta2) * dw
    state["m"] = m
    w = w * (1 - lr * weight_decay)
    return w - lr * np.sign(beta1 * m + (1 - beta1) * dw)


def _decay_after(w, dw, state, lr, beta1, beta2, weight_decay):
    """Another one: the decay applied after the step (to the already-moved weights)."""
    m = state.get("m", np.zeros_like(w))
    w = w - lr * np.sign(beta1 * m + (1 - beta1) * dw)
    state["m"] = beta2 * m + (1 - beta2) * dw
    return w * (1 - lr * weight_decay)


def _sign_of_gradient(w, dw, state, lr, beta1, beta2, weight_decay):
    """And one more: the sign of the gradient alone (signSGD: the momentum never used)."""
    return w * (1 - lr * weight_decay) - lr * np.sign(dw)


_LION_MISTAKES = (
    (_momentum_first, "the momentum is updated before the sign here; Lion takes the sign of "
                      "beta1·m + (1 − beta1)·dw with the OLD m, and only then updates "
                      "m ← beta2·m + (1 − beta2)·dw"),
    (_decay_after, "the decay comes after the step here; Lion (like AdamW) shrinks w by "
                   "(1 − lr·weight_decay) first, then takes the signed step"),
    (_sign_of_gradient, "this is the sign of the gradient alone (signSGD): the step should be "
                        "the sign of beta1·m + (1 − beta1)·dw, with m the running momentum"),
)


def check_lion(fn, reference: Lion | None = None, steps: int = 5) -> CheckResult:
    """Check ``fn(w, dw, state, lr, beta1, beta2, weight_decay) -> w`` against Lion.

    ``state`` is a dict that starts empty and comes back at every step. The reference is
    :class:`optim_lib.Lion` (default ``lr=0.1, beta1=0.9, beta2=0.5, weight_decay=0.5``:
    large enough that a misplaced decay or momentum shows in the first digits).
    """
    reference = Lion(lr=0.1, beta1=0.9, beta2=0.5, weight_decay=0.5) if reference is None else reference
    if not isinstance(reference, Lion):
        raise TypeError(f"reference must be an optim_lib Lion, got {reference!r}")
    return check_update_rule(fn, reference, steps=steps, mistakes=_LION_MISTAKES)


# Newton–Schulz ----------------------------------------------------------------------------

def _no_normalization(G, a, b, c):
    """The common mistake: the iteration on G itself, not on G/‖G‖_F (singular values > 1
    then blow up under the quintic)."""
    X = G.T if G.shape[0] > G.shape[1] else G
    A = X @ X.T
    X = a * X + (b * A + c * A @ A) @ X
    return X.T if G.shape[0] > G.shape[1] else X


def _elementwise_square(G, a, b, c):
    """Another one: A² taken entry by entry (A**2) instead of the matrix product A @ A."""
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / np.linalg.norm(X)
    A = X @ X.T
    X = a * X + (b * A + c * A**2) @ X
    return X.T if tall else X


def _spectral_norm(G, a, b, c):
    """And one more: dividing by the largest singular value instead of the Frobenius norm
    (a valid choice, but not the rule's: torch and the papers use ‖G‖_F, which is cheap)."""
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / np.linalg.norm(X, 2)
    A = X @ X.T
    X = a * X + (b * A + c * A @ A) @ X
    return X.T if tall else X


_NS_MISTAKES = (
    (_no_normalization, "the iteration runs on G itself; divide by the Frobenius norm first, "
                        "X = G / ‖G‖_F, so every singular value starts in [0, 1]"),
    (_elementwise_square, "A² here is taken entry by entry (A**2); the polynomial needs the "
                          "matrix product A @ A"),
    (_spectral_norm, "this divides by the largest singular value; the rule divides by the "
                     "Frobenius norm np.linalg.norm(G), cheaper and ≥ the largest singular value"),
)


def check_newton_schulz_step(fn) -> CheckResult:
    """Check ``fn(G, a, b, c) -> X``, ONE Newton–Schulz iteration with its normalization:
    ``X = G/‖G‖_F``, then ``X ← a·X + (b·A + c·A²)·X`` with ``A = X·Xᵀ``.

    The reference is ``newton_schulz(G, (a, b, c), steps=1)``; compared on a wide and a tall
    matrix (a tall G may be transposed first or not: X·(XᵀX) = (XXᵀ)·X), with Muon's
    coefficients and with the cubic ones (1.5, −0.5, 0).
    """
    rng = np.random.default_rng(0)
    cases = [(rng.standard_normal((3, 5)) * 4.0, (3.4445, -4.775, 2.0315)),
             (rng.standard_normal((6, 2)) * 4.0, (3.4445, -4.775, 2.0315)),
             (rng.standard_normal((4, 4)) * 4.0, (1.5, -0.5, 0.0))]
    for G, (a, b, c) in cases:
        out, problem = _call(fn, G.copy(), a, b, c)
        if problem:
            return problem
        expected = newton_schulz(G, (a, b, c), steps=1)
        diff = compare_arrays(f"X for a {G.shape[0]}x{G.shape[1]} G with (a, b, c) = "
                              f"({a:g}, {b:g}, {c:g})", out, expected)
        if diff is None:
            continue
        for mistake, hint in _NS_MISTAKES:
            if compare_arrays("X", out, mistake(G.copy(), a, b, c)) is None:
                return CheckResult("fail", f"{diff} — {hint}")
        return CheckResult("fail", diff + " — normalize by the Frobenius norm, A = X·Xᵀ, "
                                          "then X ← a·X + (b·A + c·A·A)·X")
    return CheckResult("pass", "one iteration matches newton_schulz(G, (a, b, c), steps=1) on a "
                               "wide, a tall and a square matrix")
