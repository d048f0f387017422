"""Checkers for the two decays: decoupled weight decay (AdamW) and learning-rate decay (warmup + cosine).

Like :mod:`optim_lib.course.exercises`, each checker runs the learner's function and the
library's reference on fixed inputs and returns a :class:`~optim_lib.course.exercises.CheckResult`;
an unfinished exercise reports "not done yet" instead of raising. When a wrong answer
matches a common mistake, the message names it.
"""

from __future__ import annotations

import math

import numpy as np

from .exercises import CheckResult, check_update_rule, compare_arrays
from ..optimizers import Adam, AdamW
from ..schedules import CosineDecay, LinearWarmup

__all__ = ["check_adamw", "check_warmup_cosine"]


def _adam_l2(w, dw, state, lr, beta1, beta2, eps, weight_decay):
    """The common mistake: weight decay as an L2 gradient term, inside Adam."""
    state.setdefault("opt", Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps))
    w = np.array(w, dtype=float)
    return state["opt"].step(w, dw + weight_decay * w)


def _decay_after(w, dw, state, lr, beta1, beta2, eps, weight_decay):
    """Another one: the Adam step first, then the shrink (of the already-moved weights)."""
    state.setdefault("opt", Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps))
    w = state["opt"].step(np.array(w, dtype=float), dw)
    return w * (1 - lr * weight_decay)


_ADAMW_MISTAKES = (
    (_adam_l2, "this is Adam with weight_decay·w added to the gradient (L2 in the loss): that "
               "term then goes through m̂/√v̂. Shrink w by (1 − lr·weight_decay) *outside* "
               "the Adam step"),
    (_decay_after, "the shrink comes after the Adam step here; PyTorch's AdamW shrinks w "
                   "first, then takes the Adam step"),
)


def check_adamw(fn, reference: AdamW | None = None, steps: int = 5) -> CheckResult:
    """Check ``fn(w, dw, state, lr, beta1, beta2, eps, weight_decay) -> w`` against AdamW.

    ``state`` is a dict that starts empty and comes back at every step. The reference
    is :class:`optim_lib.AdamW` (default: ``lr=0.1, weight_decay=0.5``, large enough
    that a misplaced decay shows in the first digits).
    """
    reference = AdamW(lr=0.1, weight_decay=0.5) if reference is None else reference
    if not isinstance(reference, AdamW):
        raise TypeError(f"reference must be an optim_lib AdamW, got {reference!r}")
    return check_update_rule(fn, reference, steps=steps, mistakes=_ADAMW_MISTAKES)


def check_warmup_cosine(fn) -> CheckResult:
    """Check ``fn(t, warmup_steps, total_steps) -> factor``, the warmup-cosine schedule.

    The reference is ``LinearWarmup(warmup_steps, then=CosineDecay(total_steps −
    warmup_steps))``: a linear climb ``(t + 1)/warmup_steps`` for the first
    ``warmup_steps`` updates, then half a cosine from 1 to 0 over the remaining ones
    (and 0 after ``total_steps``). Every ``t`` from 0 to ``total_steps + 2`` is compared,
    for two settings.
    """
    from .exercises import _call

    for warmup, total in ((5, 40), (1, 7)):
        ref = LinearWarmup(warmup, then=CosineDecay(total - warmup))
        for t in range(total + 3):
            out, problem = _call(fn, t, warmup, total)
            if problem:
                return problem
            if not isinstance(out, (int, float, np.integer, np.floating)) or isinstance(out, bool):
                return CheckResult("fail", f"fn({t}, {warmup}, {total}) should return a number, "
                                           f"got {out!r}")
            expected = ref(t)
            if compare_arrays("factor", float(out), expected, rtol=1e-9, atol=1e-12) is None:
                continue
            hint = ""
            if t < warmup and math.isclose(out, t / warmup, abs_tol=1e-12):
                hint = (" — the climb starts at 0 here, so the first update would not move; "
                        "use (t + 1)/warmup_steps")
            elif t >= warmup and math.isclose(out, CosineDecay(total)(t), abs_tol=1e-12):
                hint = (" — this is the cosine over all total_steps; after the warmup it "
                        "should start at 1 and last total_steps − warmup_steps updates")
            elif t >= warmup and math.isclose(out, CosineDecay(total - warmup)(t), abs_tol=1e-12):
                hint = " — the cosine should start counting at 0 when the warmup ends: use t − warmup_steps"
            return CheckResult("fail", f"fn({t}, {warmup}, {total}) = {out:.6g}, expected "
                                       f"{expected:.6g}{hint}")
    return CheckResult("pass", "matches LinearWarmup(warmup, then=CosineDecay(total − warmup)) "
                               "at every step, for two settings")
