"""Checkers for the chapters' coding exercises.

Each ``check_*`` runs the learner's function and the library's reference on the
same fixed inputs and returns a :class:`CheckResult` that says what differs.
An unfinished exercise (a function that raises ``NotImplementedError`` or
returns None) gets the status "todo" instead of an error, so a notebook with
the exercise left blank still executes top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..gradcheck import numeric_gradient
from ..losses import svm_loss_vectorized
from ..nn import softmax_cross_entropy
from ..search import random_local_search

__all__ = ["check_softmax_cross_entropy", "CheckResult", "compare_arrays", "check_update_rule", "check_random_local_search",
           "check_centered_difference", "check_svm_loss",
           "check_minibatches"]


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a check: ``status`` is "pass", "fail" or "todo"."""

    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def __repr__(self) -> str:
        mark = {"pass": "✓ correct", "fail": "✗ not yet right", "todo": "○ not done yet"}[self.status]
        return f"{mark}: {self.message}"


def _pass(msg):
    return CheckResult("pass", msg)


def _fail(msg):
    return CheckResult("fail", msg)


def _call(fn, *args, **kwargs):
    """Run the learner's code; return (value, None) or (None, CheckResult)."""
    try:
        value = fn(*args, **kwargs)
    except NotImplementedError:
        return None, CheckResult("todo", "the function still raises NotImplementedError — "
                                         "replace that line with your code")
    except Exception as exc:  # the learner's bug, reported rather than raised
        return None, _fail(f"calling it raised {type(exc).__name__}: {exc}")
    if value is None:
        return None, CheckResult("todo", "the function returns None — did you forget `return`?")
    return value, None


def compare_arrays(name, got, expected, rtol=1e-7, atol=1e-10):
    """None if ``got`` matches ``expected``, else a sentence saying where and by how much."""
    if not isinstance(got, np.ndarray):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):  # e.g. CS231n's (next_w, config): a report, not a crash
            return f"{name} should be an array of numbers, got a {type(got).__name__}"
    if got.shape != np.shape(expected):
        return f"{name} has shape {got.shape}, expected {np.shape(expected)}"
    if not np.all(np.isfinite(got)):
        return f"{name} contains non-finite values (nan or inf)"
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if close.all():
        return None
    where = np.unravel_index(np.argmin(close), close.shape) if got.ndim else ()
    return (f"{name} differs: at index {tuple(int(i) for i in where)} got {got[where]:.8g}, "
            f"expected {np.asarray(expected)[where]:.8g} "
            f"(max abs difference {np.max(np.abs(got - expected)):.3g})")


def _gradients(shape, steps, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(steps)]


class _Variant:
    """A reference that runs ``fn(w, dw, state, **hp)`` with ``like``'s hyperparameters: a
    known mistake, written as the learner would write it, so a checker can recognise it."""

    def __init__(self, fn, like):
        self.hyperparams, self._fn, self._state = dict(like.hyperparams), fn, {}

    def reset(self):
        self._state = {}

    def step(self, w, dw):
        w[...] = self._fn(w.copy(), dw, self._state, **self.hyperparams)
        return w


def check_update_rule(fn, reference, steps: int = 5, seed: int = 0, mistakes=()) -> CheckResult:
    """Check ``fn(w, dw, state, **hp) -> w`` against an optim_lib optimizer over several steps.

    ``state`` is a dict that starts empty and is passed again at every step, so
    the learner can keep a velocity or moments in it. ``reference`` is an
    optimizer instance whose hyperparameters are passed to ``fn`` as keywords.

    Two runs: gradients of size ~1, then gradients whose entries span 1e-12 to 1, where a
    rule with ``eps`` behaves differently if ``eps`` sits inside the square root (a popular
    variant, and a different rule) instead of outside it, as here and in PyTorch.

    ``mistakes``: named variants, pairs ``(variant_fn, hint)`` with ``variant_fn`` of the
    learner's signature. When ``fn`` fails and matches a variant step for step, the hint
    is added to the message.
    """
    result = _check_steps(fn, reference, steps, seed)
    if result.status != "fail":
        return result
    for variant, hint in mistakes:
        if _check_steps(fn, _Variant(variant, reference), steps, seed).passed:
            return _fail(f"{result.message} — {hint}")
    return result


def _check_steps(fn, reference, steps, seed) -> CheckResult:
    hp = {k: v for k, v in reference.hyperparams.items()}
    w0 = np.random.default_rng(seed + 1).standard_normal((3, 4))
    tiny = np.logspace(-12, 0, w0.size).reshape(w0.shape)
    runs = (("", _gradients(w0.shape, steps, seed)),
            (" with gradients from 1e-12 to 1", [g * tiny for g in _gradients(w0.shape, steps, seed)]))
    for label, gradients in runs:
        reference.reset()
        w_ref, w, state = w0.copy(), w0.copy(), {}
        for t, dw in enumerate(gradients, start=1):
            out, problem = _call(fn, w.copy(), dw.copy(), state, **hp)
            if problem:
                return problem
            reference.step(w_ref, dw)
            diff = compare_arrays(f"w after step {t}{label}", out, w_ref)
            if diff:
                if label:
                    return _fail(diff + " — where the gradient is tiny, eps decides the step:"
                                        " is eps added outside the square root, sqrt(G) + eps?")
                return _fail(diff + (" — the first step is already off: check the equation"
                                     if t == 1 else " — the first steps agree: check how the state"
                                     " carries over from one step to the next"))
            w = np.array(out, dtype=float)
    return _pass(f"{steps} steps match {reference!r} to 1e-7, also with gradients from 1e-12 to 1")


def check_random_local_search(fn) -> CheckResult:
    """Check ``fn(loss_fn, W0, tries, step_size, seed) -> (best_W, best_loss)``."""
    rng = np.random.default_rng(3)
    target = rng.standard_normal((2, 3))

    def loss_fn(W):
        return float(np.sum((W - target) ** 2))

    W0 = np.zeros((2, 3))
    ref = random_local_search(loss_fn, W0, tries=50, step_size=0.3, seed=7)
    out, problem = _call(fn, loss_fn, W0.copy(), 50, 0.3, 7)
    if problem:
        return problem
    if not (isinstance(out, tuple) and len(out) == 2):
        return _fail(f"it should return (best_W, best_loss), got {type(out).__name__}")
    W, loss = out
    diff = compare_arrays("best_W", W, ref.W) or compare_arrays("best_loss", loss, ref.best_loss)
    if diff:
        for mistake, hint in _LOCAL_SEARCH_MISTAKES:
            W_m, loss_m = mistake(loss_fn, W0.copy(), 50, 0.3, 7)
            if not (compare_arrays("best_W", W, W_m) or compare_arrays("best_loss", loss, loss_m)):
                return _fail(f"{diff} — {hint}")
        return _fail(diff + " — draw one rng.standard_normal(W_best.shape) per try, "
                            "step from the best point so far, keep only a lower loss")
    return _pass(f"same best loss as the reference after 50 tries ({ref.best_loss:.4f})")


def _local_search_from_start(loss_fn, W0, tries, step_size, seed):
    rng = np.random.default_rng(seed)
    best_W, best_loss = W0, loss_fn(W0)
    for _ in range(tries):
        W = W0 + step_size * rng.standard_normal(W0.shape)
        loss = loss_fn(W)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return best_W, best_loss


def _local_search_keeps_every_try(loss_fn, W0, tries, step_size, seed):
    rng = np.random.default_rng(seed)
    W = W0
    for _ in range(tries):
        W = W + step_size * rng.standard_normal(W0.shape)
    return W, loss_fn(W)


# The mistakes the checker recognises, each with the hint it gives.
_LOCAL_SEARCH_MISTAKES = (
    (_local_search_from_start, "every try should step from W_best, the best point so far, "
                               "not from the start W0"),
    (_local_search_keeps_every_try, "a try should be kept only when it lowers the best loss "
                                    "so far"),
)


def check_centered_difference(fn) -> CheckResult:
    """Check ``fn(f, x, h) -> grad`` against the centered difference of optim_lib."""
    x0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])

    def f(x):
        return float(np.sum(x ** 3) + np.sin(x).sum())

    h = 1e-3
    x = x0.copy()
    out, problem = _call(fn, f, x, h)
    if problem:
        return problem
    if not np.array_equal(x, x0):
        return _fail("x was changed: put every perturbed coordinate back to its old value")
    ref = numeric_gradient(f, x0.copy(), h=h, method="centered")
    diff = compare_arrays("grad", out, ref, rtol=1e-6, atol=1e-9)
    if diff:
        forward = numeric_gradient(f, x0.copy(), h=h, method="forward")
        if compare_arrays("grad", out, forward, rtol=1e-6, atol=1e-9) is None:
            diff += " — this is the forward difference; evaluate f at x + h and at x − h"
        return _fail(diff)
    return _pass("matches the centered difference on a 2 x 3 input")


def check_svm_loss(fn) -> CheckResult:
    """Check ``fn(W, X, y, reg) -> (loss, dW)`` against the vectorized SVM loss."""
    rng = np.random.default_rng(11)
    W = 0.1 * rng.standard_normal((4, 6))
    X = rng.standard_normal((9, 6))
    y = rng.integers(0, 4, size=9)
    for reg in (0.0, 0.3):
        out, problem = _call(fn, W.copy(), X, y, reg)
        if problem:
            return problem
        if not (isinstance(out, tuple) and len(out) == 2):
            return _fail(f"it should return (loss, dW), got {type(out).__name__}")
        loss, dW = out
        ref_loss, ref_dW = svm_loss_vectorized(W, X, y, reg)
        diff = compare_arrays(f"loss (reg={reg})", loss, ref_loss) or \
            compare_arrays(f"dW (reg={reg})", dW, ref_dW)
        if diff:
            return _fail(diff)
    return _pass("loss and dW match svm_loss_vectorized with and without regularization")

def check_minibatches(fn) -> CheckResult:
    """Check ``fn(X, y, batch_size, rng)`` (yields ``(X_batch, y_batch)``) for one epoch.

    The reference is :func:`optim_lib.data.minibatches`: one ``rng.permutation``
    per epoch, then consecutive slices of ``batch_size`` (the last one smaller).
    Both get a Generator with the same seed, on 10 samples with batch size 4.
    """
    from ..data import minibatches

    X = np.arange(30, dtype=float).reshape(10, 3)
    y = np.arange(10)
    expected = list(minibatches(X, y, 4, np.random.default_rng(5)))
    def one_epoch():   # a stub that returns None is "todo", not list(None)'s TypeError
        batches = fn(X.copy(), y.copy(), 4, np.random.default_rng(5))
        return None if batches is None else list(batches)

    out, problem = _call(one_epoch)
    if problem:
        return problem
    if len(out) != len(expected):
        return _fail(f"got {len(out)} batches, expected {len(expected)} (10 samples in batches "
                     f"of 4: the last batch holds the 2 left over)")
    for k, (got, ref) in enumerate(zip(out, expected)):
        if not (isinstance(got, tuple) and len(got) == 2):
            return _fail(f"batch {k} should be a pair (X_batch, y_batch), got {got!r}")
        diff = compare_arrays(f"y of batch {k}", got[1], ref[1]) or \
            compare_arrays(f"X of batch {k}", got[0], ref[0])
        if diff:
            if k == 0 and np.array_equal(np.asarray(got[1]), y[:len(ref[1])]):
                diff += " — the samples come in their original order: shuffle them with rng"
            return _fail(diff + " — draw one order with rng.permutation(len(y)), then slice it")
    return _pass(f"the same {len(expected)} batches as optim_lib.data.minibatches")


def check_softmax_cross_entropy(fn) -> CheckResult:
    """Check ``fn(scores, y) -> (loss, dscores)`` against :func:`optim_lib.nn.softmax_cross_entropy`.

    ``scores`` is ``(N, C)``; ``loss`` the mean cross-entropy and ``dscores`` its gradient.
    The scores include large ones (up to 800), where ``exp`` overflows unless the largest
    score is subtracted first.
    """
    rng = np.random.default_rng(4)
    y = rng.integers(0, 5, size=7)
    small = rng.standard_normal((7, 5))
    for name, scores in (("ordinary scores", small), ("large scores", small * 200 + 400)):
        ref_loss, ref_d = softmax_cross_entropy(scores, y)
        with np.errstate(all="ignore"):
            out, problem = _call(fn, scores.copy(), y.copy())
        if problem:
            return problem
        if not (isinstance(out, tuple) and len(out) == 2):
            return CheckResult("fail", f"it should return (loss, dscores), got {type(out).__name__}")
        loss, d = out
        diff = compare_arrays(f"loss ({name})", loss, ref_loss) or \
            compare_arrays(f"dscores ({name})", d, ref_d)
        if diff:
            if name == "large scores":
                diff += " — exp overflows for large scores: subtract each row's largest score first"
            elif compare_arrays("dscores", np.asarray(d) / len(y), ref_d) is None:
                diff += " — divide the gradient by N too: the loss is a mean over the batch"
            return CheckResult("fail", diff)
    return CheckResult("pass", "loss and dscores match on ordinary and on large scores")
