"""The exercise checkers (optim_lib.course.exercises) accept right answers and reject wrong ones.

The right answers are written here from the equations, independently of optim_lib.
"""

import functools

import numpy as np
import pytest

from optim_lib import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp
from optim_lib.data import minibatches
from optim_lib.course.exercises import (CheckResult, check_centered_difference, check_minibatches,
                                 check_random_local_search, check_svm_loss, check_update_rule,
                                 compare_arrays)


# --------------------------------------------------------------------------- update rules

def sgd(w, dw, state, lr):
    return w - lr * dw


def momentum(w, dw, state, lr, rho):
    state["v"] = rho * state.get("v", 0.0) + dw
    return w - lr * state["v"]


def nesterov(w, dw, state, lr, rho):
    state["v"] = rho * state.get("v", 0.0) + dw
    return w - lr * (dw + rho * state["v"])


def adagrad(w, dw, state, lr, eps):
    state["G"] = state.get("G", 0.0) + dw * dw
    return w - lr * dw / (np.sqrt(state["G"]) + eps)


def rmsprop(w, dw, state, lr, decay, eps):
    state["s"] = decay * state.get("s", 0.0) + (1 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(state["s"]) + eps)


def adam(w, dw, state, lr, beta1, beta2, eps):
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw * dw
    m_hat, v_hat = state["m"] / (1 - beta1 ** t), state["v"] / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


# Hyperparameters far from 0 and 1 and a visible eps, so that a wrong rule shows.
RIGHT = [
    (sgd, SGD(lr=0.1)),
    (momentum, Momentum(lr=0.1, rho=0.9)),
    (nesterov, Nesterov(lr=0.1, rho=0.9)),
    (adagrad, AdaGrad(lr=0.1, eps=0.1)),
    (rmsprop, RMSProp(lr=0.1, decay=0.9, eps=0.1)),
    (adam, Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=0.1)),
]


@pytest.mark.parametrize("fn,reference", RIGHT, ids=[r.name for _, r in RIGHT])
def test_check_update_rule_accepts_each_correct_rule(fn, reference):
    result = check_update_rule(fn, reference)
    assert result.status == "pass", result.message
    assert result.passed


def test_check_update_rule_accepts_adam_without_bias_correction():
    def adam_raw(w, dw, state, lr, beta1, beta2, eps, bias_correction):
        assert bias_correction is False
        state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
        state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw * dw
        return w - lr * state["m"] / (np.sqrt(state["v"]) + eps)

    ref = Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=0.1, bias_correction=False)
    assert check_update_rule(adam_raw, ref).status == "pass"
    assert check_update_rule(adam, Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=0.1)).status == "pass"
    # and the bias-corrected answer is not accepted for the raw reference
    assert check_update_rule(adam_raw, Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=0.1)).status == "fail"


def sgd_plus(w, dw, state, lr):
    return w + lr * dw


def momentum_forgets_velocity(w, dw, state, lr, rho):
    v = rho * 0.0 + dw          # the velocity is never stored
    return w - lr * v


def nesterov_as_momentum(w, dw, state, lr, rho):
    return momentum(w, dw, state, lr, rho)


def adagrad_eps_inside(w, dw, state, lr, eps):
    state["G"] = state.get("G", 0.0) + dw * dw
    return w - lr * dw / np.sqrt(state["G"] + eps)


def adagrad_outer_product(w, dw, state, lr, eps):
    state["G"] = state.get("G", 0.0) + np.sum(dw * dw)    # one accumulator for all coordinates
    return w - lr * dw / (np.sqrt(state["G"]) + eps)


def rmsprop_swapped(w, dw, state, lr, decay, eps):
    state["s"] = (1 - decay) * state.get("s", 0.0) + decay * dw * dw
    return w - lr * dw / (np.sqrt(state["s"]) + eps)


def adam_no_bias_correction(w, dw, state, lr, beta1, beta2, eps):
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw * dw
    return w - lr * state["m"] / (np.sqrt(state["v"]) + eps)


def adam_t_from_zero(w, dw, state, lr, beta1, beta2, eps):
    t = state.setdefault("t", 0)        # t used before it is incremented: 1 - beta**0 = 0
    state["t"] += 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * dw * dw
    with np.errstate(divide="ignore", invalid="ignore"):
        return w - lr * (state["m"] / (1 - beta1 ** t)) / (np.sqrt(state["v"] / (1 - beta2 ** t)) + eps)


WRONG = [
    (sgd_plus, SGD(lr=0.1), 1),
    (momentum_forgets_velocity, Momentum(lr=0.1, rho=0.9), 2),
    (nesterov_as_momentum, Nesterov(lr=0.1, rho=0.9), 1),
    (adagrad_eps_inside, AdaGrad(lr=0.1, eps=0.1), 1),
    (adagrad_outer_product, AdaGrad(lr=0.1, eps=0.1), 1),
    (rmsprop_swapped, RMSProp(lr=0.1, decay=0.9, eps=0.1), 1),
    (adam_no_bias_correction, Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=0.1), 1),
    (adam_t_from_zero, Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=0.1), 1),
]


@pytest.mark.parametrize("fn,reference,first_bad_step", WRONG, ids=[f.__name__ for f, _, _ in WRONG])
def test_check_update_rule_rejects_a_wrong_rule(fn, reference, first_bad_step):
    result = check_update_rule(fn, reference)
    assert result.status == "fail"
    assert not result.passed
    assert f"w after step {first_bad_step} differs" in result.message or \
        f"w after step {first_bad_step} contains non-finite" in result.message
    hint = "first step is already off" if first_bad_step == 1 else "state carries over"
    assert hint in result.message


def test_check_update_rule_resets_a_used_reference():
    ref = Momentum(lr=0.1, rho=0.9)
    ref.step(np.ones((3, 4)), np.ones((3, 4)))           # dirty state of the right shape
    assert check_update_rule(momentum, ref).status == "pass"
    ref2 = SGD(lr=0.1)
    ref2.step(np.ones(5), np.ones(5))                     # dirty state of another shape
    assert check_update_rule(sgd, ref2).status == "pass"


def test_check_update_rule_reports_a_returned_tuple_instead_of_raising():
    # CS231n's update rules return (next_w, config): a natural mistake here.
    def sgd_cs231n(w, dw, config, lr):
        return w - lr * dw, config

    result = check_update_rule(sgd_cs231n, SGD(lr=0.1))
    assert result.status == "fail"
    assert "array of numbers" in result.message


# --------------------------------------------------------------------------- random local search

def local_search(loss_fn, W0, tries, step_size, seed):
    rng = np.random.default_rng(seed)
    best_W, best_loss = W0, loss_fn(W0)
    for _ in range(tries):
        W = best_W + step_size * rng.standard_normal(W0.shape)
        loss = loss_fn(W)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss


def local_search_keeps_worse(loss_fn, W0, tries, step_size, seed):
    rng = np.random.default_rng(seed)
    W = W0
    for _ in range(tries):
        W = W + step_size * rng.standard_normal(W0.shape)      # every try is kept
    return W, loss_fn(W)


def local_search_from_start(loss_fn, W0, tries, step_size, seed):
    rng = np.random.default_rng(seed)
    best_W, best_loss = W0, loss_fn(W0)
    for _ in range(tries):
        W = W0 + step_size * rng.standard_normal(W0.shape)     # always steps from W0
        if loss_fn(W) < best_loss:
            best_W, best_loss = W, loss_fn(W)
    return best_W, best_loss


def test_check_random_local_search_accepts_the_right_one():
    result = check_random_local_search(local_search)
    assert result.status == "pass", result.message


def test_check_random_local_search_rejects_keeping_worse_tries():
    result = check_random_local_search(local_search_keeps_worse)
    assert result.status == "fail"
    assert "only when it lowers the best loss" in result.message


def test_check_random_local_search_rejects_other_mistakes():
    result = check_random_local_search(local_search_from_start)
    assert result.status == "fail"
    assert "step from W_best" in result.message               # the hint that fits the mistake
    assert "only when it lowers" not in result.message
    only_W = lambda *args: local_search(*args)[0]                       # noqa: E731
    result = check_random_local_search(only_W)
    assert result.status == "fail" and "(best_W, best_loss)" in result.message


# --------------------------------------------------------------------------- centered difference

def centered(f, x, h):
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        grad[ix] = (fp - fm) / (2 * h)
    return grad


def forward(f, x, h):
    grad, fx = np.zeros_like(x), f(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        grad[ix] = (f(x) - fx) / h
        x[ix] = old
    return grad


def centered_not_restoring(f, x, h):
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        grad[ix] = (fp - fm) / (2 * h)       # x[ix] is left at old - h
    return grad


def test_check_centered_difference():
    assert check_centered_difference(centered).status == "pass"
    result = check_centered_difference(forward)
    assert result.status == "fail" and "forward difference" in result.message
    result = check_centered_difference(centered_not_restoring)
    assert result.status == "fail" and "x was changed" in result.message
    halved = lambda f, x, h: centered(f, x, h) / 2                     # noqa: E731
    result = check_centered_difference(halved)
    assert result.status == "fail" and "forward" not in result.message


# --------------------------------------------------------------------------- SVM loss

def svm_loops(W, X, y, reg):
    loss, dW = 0.0, np.zeros_like(W)
    N = len(y)
    for i in range(N):
        s = W @ X[i]
        for j in range(W.shape[0]):
            margin = s[j] - s[y[i]] + 1
            if j != y[i] and margin > 0:
                loss += margin
                dW[j] += X[i]
                dW[y[i]] -= X[i]
    return loss / N + reg * np.sum(W * W), dW / N + 2 * reg * W


def svm_reg_factor_dropped(W, X, y, reg):
    loss, dW = svm_loops(W, X, y, reg)
    return loss, dW - reg * W                 # reg*W instead of 2*reg*W


def svm_no_mean(W, X, y, reg):
    loss, dW = svm_loops(W, X, y, 0.0)
    N = len(y)
    return loss * N + reg * np.sum(W * W), dW * N + 2 * reg * W


def test_check_svm_loss():
    assert check_svm_loss(svm_loops).status == "pass"
    result = check_svm_loss(svm_reg_factor_dropped)
    assert result.status == "fail" and "dW (reg=0.3)" in result.message   # fine at reg = 0
    result = check_svm_loss(svm_no_mean)
    assert result.status == "fail" and "loss (reg=0.0)" in result.message
    result = check_svm_loss(lambda W, X, y, reg: svm_loops(W, X, y, reg)[0])
    assert result.status == "fail" and "(loss, dW)" in result.message


# --------------------------------------------------------------------------- minibatches

def batches(X, y, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def batches_unshuffled(X, y, batch_size, rng):
    for start in range(0, len(y), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def batches_drop_last(X, y, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def batches_with_replacement(X, y, batch_size, rng):
    for _ in range(0, len(y), batch_size):
        idx = rng.integers(0, len(y), batch_size)
        yield X[idx], y[idx]


def batches_shuffled_twice(X, y, batch_size, rng):
    rng.permutation(len(y))                     # a wasted draw: a different order
    yield from batches(X, y, batch_size, rng)


def test_check_minibatches():
    assert check_minibatches(minibatches).status == "pass"        # the library's own
    assert check_minibatches(batches).status == "pass"
    as_list = lambda *args: list(batches(*args))                        # noqa: E731
    assert check_minibatches(as_list).status == "pass"
    result = check_minibatches(batches_unshuffled)
    assert result.status == "fail" and "original order" in result.message
    assert "shuffle" in result.message
    result = check_minibatches(batches_drop_last)
    assert result.status == "fail" and "got 2 batches, expected 3" in result.message
    result = check_minibatches(batches_shuffled_twice)
    assert result.status == "fail" and "permutation" in result.message
    assert check_minibatches(batches_with_replacement).status == "fail"


# --------------------------------------------------------------------------- todo and crashes

CHECKERS = {
    "update_rule": functools.partial(check_update_rule, reference=Momentum(lr=0.1, rho=0.9)),
    "random_local_search": check_random_local_search,
    "centered_difference": check_centered_difference,
    "svm_loss": check_svm_loss,
    "minibatches": check_minibatches,
}


def not_implemented(*args, **kwargs):
    raise NotImplementedError


def returns_none(*args, **kwargs):
    x = 1  # noqa: F841  (the learner forgot `return`)


def crashes(*args, **kwargs):
    return {}["missing"]


@pytest.mark.parametrize("name", CHECKERS)
def test_unfinished_exercise_is_todo(name):
    for fn in (not_implemented, returns_none):
        result = CHECKERS[name](fn)
        assert result.status == "todo"
        assert "not done yet" in repr(result)


@pytest.mark.parametrize("name", CHECKERS)
def test_a_crashing_exercise_is_a_fail_not_an_exception(name):
    result = CHECKERS[name](crashes)
    assert result.status == "fail"
    assert "raised KeyError" in result.message


def test_compare_arrays():
    assert compare_arrays("a", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12])) is None
    msg = compare_arrays("a", np.array([1.0, 2.5]), np.array([1.0, 2.0]))
    assert msg.startswith("a differs: at index (1,) got 2.5, expected 2")
    assert "shape (3,), expected (2,)" in compare_arrays("a", np.zeros(3), np.zeros(2))
    assert "non-finite" in compare_arrays("a", np.array([np.nan, 1.0]), np.zeros(2))
    assert compare_arrays("x", 2.0, 2.0) is None
    assert compare_arrays("x", [1.0, 2.0], np.array([1.0, 2.0])) is None
    assert "array of numbers" in compare_arrays("x", "abc", np.zeros(2))


def test_check_result_repr():
    assert repr(CheckResult("pass", "ok")).endswith("correct: ok")
    assert repr(CheckResult("fail", "no")).endswith("not yet right: no")
    assert repr(CheckResult("todo", "later")).endswith("not done yet: later")
    assert not CheckResult("todo", "later").passed


@pytest.mark.parametrize("rule, reference", [
    ("adagrad", AdaGrad(lr=0.1, eps=1e-7)), ("rmsprop", RMSProp(lr=0.01, decay=0.9, eps=1e-8))])
def test_check_update_rule_rejects_eps_inside_the_root_at_the_chapters_eps(rule, reference):
    """At the chapters' tiny eps, eps inside the root is still caught (the second run, with
    gradients down to 1e-12, is where eps decides the step)."""
    def inside(w, dw, state, lr, eps, decay=None):
        s = state.get("s", 0.0)
        state["s"] = s + dw * dw if decay is None else decay * s + (1 - decay) * dw * dw
        return w - lr * dw / np.sqrt(state["s"] + eps)

    result = check_update_rule(inside, reference)
    assert result.status == "fail"
    right = adagrad if rule == "adagrad" else rmsprop
    assert check_update_rule(right, reference).status == "pass"


def test_the_tiny_gradient_run_names_eps():
    """A rule right at gradients of size ~1 but wrong where they are tiny gets the eps hint."""
    def floor_eps(w, dw, state, lr, eps):
        state["G"] = state.get("G", 0.0) + dw * dw
        return w - lr * dw / (np.maximum(np.sqrt(state["G"]), 1e-6) + eps)

    result = check_update_rule(floor_eps, AdaGrad(lr=0.1, eps=1e-7))
    assert result.status == "fail" and "with gradients from 1e-12 to 1" in result.message
    assert "eps added outside the square root" in result.message


def _sgd_rule(w, dw, state, lr):
    return w - lr * dw


def _sgd_rule_twice(w, dw, state, lr):
    return w - 2 * lr * dw


def test_check_update_rule_names_a_matching_mistake_and_only_then():
    from optim_lib import SGD

    mistakes = ((_sgd_rule_twice, "the step is doubled"),)
    wrong = check_update_rule(_sgd_rule_twice, SGD(lr=0.1), mistakes=mistakes)
    assert wrong.status == "fail" and wrong.message.endswith("the step is doubled")
    # another wrong rule fails without the hint: the hint is given only on a match
    other = check_update_rule(lambda w, dw, state, lr: w + lr * dw, SGD(lr=0.1), mistakes=mistakes)
    assert other.status == "fail" and "doubled" not in other.message
    # the right rule passes, the mistakes list changes nothing
    assert check_update_rule(_sgd_rule, SGD(lr=0.1), mistakes=mistakes).passed
