"""check_adam: accepts both correct forms of Adam, rejects ε inside the root and the rest."""

import numpy as np
import pytest

from optim_lib import Adam, AdamW, Momentum
from optim_lib.course.exercises import check_update_rule
from optim_lib.course.adam_exercises import VARIANTS, adam_variant_step, check_adam

REFERENCES = [Adam(lr=0.01), Adam(lr=0.1), Adam(lr=1e-3, beta1=0.5, beta2=0.9999, eps=1e-7)]


def variant(name):
    return lambda *args, **kw: adam_variant_step(name, *args, **kw)


@pytest.mark.parametrize("ref", REFERENCES, ids=repr)
@pytest.mark.parametrize("name", ["textbook", "efficient"])
def test_accepts_both_correct_forms(name, ref):
    result = check_adam(variant(name), ref)
    assert result.passed, result.message


@pytest.mark.parametrize("ref", REFERENCES, ids=repr)
def test_rejects_eps_inside_the_root_and_names_it(ref):
    result = check_adam(variant("eps_inside_root"), ref)
    assert result.status == "fail"
    assert "inside the square root" in result.message


def test_eps_inside_the_root_is_caught_by_both_checks():
    # at gradients of size one, eps = 1e-8 inside or outside the root agree to ~1e-8; both
    # checkers also run gradients down to 1e-12, where eps decides the step
    assert not check_update_rule(variant("eps_inside_root"), Adam(lr=0.01)).passed
    assert not check_adam(variant("eps_inside_root"), Adam(lr=0.01)).passed


@pytest.mark.parametrize("ref", REFERENCES, ids=repr)
def test_rejects_efficient_form_with_constant_eps_hat(ref):
    result = check_adam(variant("efficient_constant_eps_hat"), ref)
    assert result.status == "fail" and "ε̂ = ε·√(1 − β₂ᵗ)" in result.message


def no_bias_correction(w, dw, state, lr, beta1, beta2, eps):
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw**2
    return w - lr * state["m"] / (np.sqrt(state["v"]) + eps)


def forgets_state(w, dw, state, lr, beta1, beta2, eps):
    return adam_variant_step("textbook", w, dw, {}, lr, beta1, beta2, eps)


@pytest.mark.parametrize("wrong", [no_bias_correction, forgets_state])
def test_rejects_other_mistakes(wrong):
    assert check_adam(wrong, Adam(lr=0.01)).status == "fail"


def test_unfinished_is_todo_not_an_error():
    def todo(w, dw, state, lr, beta1, beta2, eps):
        raise NotImplementedError
    assert check_adam(todo).status == "todo"
    assert check_adam(lambda *a, **k: None).status == "todo"


def test_a_crash_is_reported():
    assert check_adam(lambda *a, **k: 1 / 0).status == "fail"


def test_bad_reference_is_named():
    with pytest.raises(TypeError, match="reference"):
        check_adam(variant("textbook"), Momentum(lr=0.1, rho=0.9))
    with pytest.raises(TypeError, match="AdamW"):      # a subclass with one more hyperparameter
        check_adam(variant("textbook"), AdamW(lr=0.1, weight_decay=0.1))
    with pytest.raises(ValueError, match="bias"):
        check_adam(variant("textbook"), Adam(lr=0.1, bias_correction=False))
    with pytest.raises(ValueError, match="variant"):
        adam_variant_step("amsgrad", np.zeros(2), np.ones(2), {}, 0.1, 0.9, 0.999, 1e-8)


def test_the_reference_is_left_reset():
    ref = Adam(lr=0.01)
    check_adam(variant("textbook"), ref)
    assert ref.t == 0 and ref.m is None


def test_variants_listed():
    assert set(VARIANTS) == {"textbook", "efficient", "eps_inside_root",
                             "efficient_constant_eps_hat"}
