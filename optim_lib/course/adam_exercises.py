"""The checker of the "implement Adam" exercises (chapters 10 and 11): where ε sits.

:func:`optim_lib.course.exercises.check_update_rule` feeds gradients of size about one. At that
size ε = 1e-8 is invisible, wherever it is put: ``√v̂ + ε`` and ``√(v̂ + ε)`` agree to
about 1e-8, below any sensible tolerance. So :func:`check_adam` runs that check and then a
second probe with one coordinate per gradient scale, from 1e-12 to 1, where ε decides the
step. It accepts every form that is the same rule as :class:`optim_lib.Adam` (PyTorch's):

* the textbook form ``w − α·m̂/(√v̂ + ε)`` with ``m̂ = m/(1 − β₁ᵗ)``, ``v̂ = v/(1 − β₂ᵗ)``;
* Kingma & Ba's efficient form (end of their section 2): ``α_t = α·√(1 − β₂ᵗ)/(1 − β₁ᵗ)``,
  ``w − α_t·m/(√v + ε̂)`` with ``ε̂ = ε·√(1 − β₂ᵗ)`` (the same number, reordered);

and rejects, with a hint that names the variant:

* ε inside the root, ``√(v̂ + ε)``: a popular way to write it and a different rule, whose
  ε acts as a floor √ε (1e-4 for ε = 1e-8) under the gradient's RMS;
* the efficient form with a constant ``ε̂ = ε``: its ε is 1/√(1 − β₂ᵗ) times too large
  early on (about 32 times at t = 1 for β₂ = 0.999).
"""

from __future__ import annotations

import numpy as np

from .exercises import CheckResult, _call, _fail, _pass, check_update_rule, compare_arrays
from ..optimizers import Adam, AdamW

__all__ = ["check_adam", "adam_variant_step"]

# One coordinate per decade of gradient size: ε = 1e-8 decides the step below about 1e-6.
PROBE_SCALES = 10.0 ** np.arange(-12, 1)

VARIANTS = ("textbook", "efficient", "eps_inside_root", "efficient_constant_eps_hat")

_HINTS = {
    "eps_inside_root": "ε is inside the square root, √(v̂ + ε): that is a different rule, "
                       "in which ε puts a floor √ε under the gradient's RMS. Adam (and "
                       "PyTorch) divide by √v̂ + ε",
    "efficient_constant_eps_hat": "this is Kingma & Ba's efficient form with ε̂ = ε; it is "
                                  "the same rule only with ε̂ = ε·√(1 − β₂ᵗ)",
}


def adam_variant_step(variant: str, w, dw, state: dict, lr, beta1, beta2, eps):
    """One step of Adam written as ``variant`` (one of :data:`VARIANTS`); returns the new w.

    ``state`` is a dict, empty at the first call, that keeps ``m``, ``v`` and ``t``. Used by
    :func:`check_adam` to recognise a learner's variant, and by the tests.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if not state:
        state.update(m=np.zeros_like(w, dtype=float), v=np.zeros_like(w, dtype=float), t=0)
    state["t"] += 1
    t = state["t"]
    state["m"] = beta1 * state["m"] + (1 - beta1) * dw
    state["v"] = beta2 * state["v"] + (1 - beta2) * dw * dw
    m, v = state["m"], state["v"]
    if variant == "textbook":
        return w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    if variant == "eps_inside_root":
        return w - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps)
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    eps_hat = eps * np.sqrt(1 - beta2**t) if variant == "efficient" else eps
    return w - lr_t * m / (np.sqrt(v) + eps_hat)


def _probe(fn, hp, steps, seed):
    """Run ``fn`` on gradients of every size in PROBE_SCALES from w = 0: (ws, problem)."""
    rng = np.random.default_rng(seed + 7)
    grads = rng.choice([-1.0, 1.0], size=(steps, PROBE_SCALES.size)) * PROBE_SCALES
    w, state, out = np.zeros(PROBE_SCALES.size), {}, []
    for dw in grads:
        w, problem = _call(fn, w.copy(), dw.copy(), state, **hp)
        if problem:
            return None, problem
        w = np.asarray(w, dtype=float)
        out.append(w)
    return out, None


def check_adam(fn, reference: Adam | None = None, steps: int = 5, seed: int = 0) -> CheckResult:
    """Check ``fn(w, dw, state, lr, beta1, beta2, eps) -> w`` against :class:`optim_lib.Adam`.

    First the steps of :func:`~optim_lib.course.exercises.check_update_rule` (gradients of size
    about one), then a probe with gradients from 1e-12 to 1, where ε decides the step:
    the textbook form and Kingma & Ba's efficient form pass, ε inside the root fails.
    """
    reference = Adam(lr=0.01) if reference is None else reference
    if not isinstance(reference, Adam) or isinstance(reference, AdamW):
        raise TypeError("reference must be an optim_lib Adam (not a subclass with other "
                        f"hyperparameters, such as AdamW), got {type(reference).__name__}")
    if not reference.bias_correction:
        raise ValueError("reference must use bias correction (the exercise's rule), "
                         f"got {reference!r}")
    first = check_update_rule(fn, reference, steps=steps, seed=seed)
    if first.status == "todo":
        return first
    hp = dict(reference.hyperparams)
    got, problem = _probe(fn, hp, steps, seed)
    if problem:
        return first if first.status == "fail" else problem
    reference.reset()
    expected, _ = _probe(lambda w, dw, state, **k: reference.step(w, dw), hp, steps, seed)
    reference.reset()
    tol = dict(rtol=1e-6, atol=1e-9 * hp["lr"])     # every probe step is >= 1e-4 lr
    diff = next((d for t, (w, w_ref) in enumerate(zip(got, expected), start=1)
                 if (d := compare_arrays(f"w after step {t} of the small-gradient probe",
                                         w, w_ref, **tol))), None)
    if first.passed and diff is None:
        return _pass(f"{steps} steps match {reference!r}, also for gradients from 1e-12 to 1, "
                     "where ε decides the step")
    message = first.message if first.status == "fail" else diff
    for variant, hint in _HINTS.items():      # a known variant? say which
        ws, _ = _probe(lambda *a, v=variant, **k: adam_variant_step(v, *a, **k), hp, steps, seed)
        if all(compare_arrays("w", w, w_v, **tol) is None for w, w_v in zip(got, ws)):
            return _fail(f"{message.split(' — ')[0]} — {hint}")
    if first.status == "fail":
        return first
    return _fail(message + " — with gradients far smaller than one, ε decides the step: "
                           "divide by √v̂ + ε, with ε outside the root")
