"""Chapter 15's checkers accept the reference, reject the common mistakes with a hint, and
report unfinished answers."""

from __future__ import annotations

import numpy as np

from optim_lib.course.rule_exercises import (_decay_after, _elementwise_square, _momentum_first,
                                             _no_normalization, _sign_of_gradient, _spectral_norm,
                                             check_lion, check_newton_schulz_step)


def _todo(*args, **kwargs):
    raise NotImplementedError


def lion(w, dw, state, lr, beta1, beta2, weight_decay):
    m = state.get("m", np.zeros_like(w))
    w = w * (1 - lr * weight_decay)
    w = w - lr * np.sign(beta1 * m + (1 - beta1) * dw)
    state["m"] = beta2 * m + (1 - beta2) * dw
    return w


def ns_step(G, a, b, c):
    X = G / np.linalg.norm(G)
    A = X @ X.T                      # no transposition: the same X for a tall G
    return a * X + (b * A + c * A @ A) @ X


def test_lion_checker_accepts_the_reference():
    r = check_lion(lion)
    assert r.passed, r


def test_lion_checker_names_each_common_mistake():
    for mistake, words in ((_momentum_first, "before the sign"), (_decay_after, "after the step"),
                           (_sign_of_gradient, "signSGD")):
        r = check_lion(mistake)
        assert r.status == "fail" and words in r.message, (mistake.__name__, r)


def test_lion_checker_rejects_other_wrong_answers_and_reports_unfinished():
    def adam_like(w, dw, state, lr, beta1, beta2, weight_decay):
        return w - lr * dw
    r = check_lion(adam_like)
    assert r.status == "fail"
    assert check_lion(_todo).status == "todo"
    assert check_lion(lambda *a, **k: None).status == "todo"


def test_newton_schulz_checker_accepts_the_reference_with_or_without_transposing():
    r = check_newton_schulz_step(ns_step)
    assert r.passed, r
    from optim_lib.optimizers import newton_schulz
    assert check_newton_schulz_step(lambda G, a, b, c: newton_schulz(G, (a, b, c), steps=1)).passed


def test_newton_schulz_checker_names_each_common_mistake():
    for mistake, words in ((_no_normalization, "Frobenius norm first"),
                           (_elementwise_square, "A @ A"), (_spectral_norm, "largest singular")):
        r = check_newton_schulz_step(mistake)
        assert r.status == "fail" and words in r.message, (mistake.__name__, r)


def test_newton_schulz_checker_rejects_two_iterations_and_reports_unfinished():
    from optim_lib.optimizers import newton_schulz
    r = check_newton_schulz_step(lambda G, a, b, c: newton_schulz(G, (a, b, c), steps=2))
    assert r.status == "fail"
    assert check_newton_schulz_step(_todo).status == "todo"
