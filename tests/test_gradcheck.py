"""Numeric gradients, relative error and the gradient check (optim_lib.gradcheck)."""

import numpy as np
import pytest

from optim_lib.gradcheck import (grad_check, norm_relative_error, numeric_gradient,
                                 relative_error, roundoff_floor)
from optim_lib.losses import svm_loss_vectorized

X0 = np.array([0.5, -1.0, 2.0, 1.5])


def cube(x):
    return float(np.sum(x ** 3))


def cube_error(h, method):
    """Max |numeric - exact| of d/dx sum(x**3) = 3x**2 at X0."""
    return np.abs(numeric_gradient(cube, X0.copy(), h=h, method=method) - 3 * X0 ** 2).max()


@pytest.mark.parametrize("h", [1e-2, 1e-3])
def test_forward_error_is_order_h(h):
    # ((x+h)**3 - x**3)/h = 3x**2 + 3xh + h**2: the error 3|x|h + ... halves with h
    e1, e2 = cube_error(h, "forward"), cube_error(h / 2, "forward")
    assert e1 / e2 == pytest.approx(2.0, rel=0.05)
    assert e1 == pytest.approx(3 * 2.0 * h + h * h, rel=1e-3)      # largest at x = 2


@pytest.mark.parametrize("h", [1e-2, 1e-3])
def test_centered_error_is_order_h_squared(h):
    # ((x+h)**3 - (x-h)**3)/(2h) = 3x**2 + h**2: the error quarters when h halves
    e1, e2 = cube_error(h, "centered"), cube_error(h / 2, "centered")
    assert e1 / e2 == pytest.approx(4.0, rel=0.05)
    assert e1 == pytest.approx(h * h, rel=1e-3)
    assert e1 < cube_error(h, "forward") / 100


def test_default_method_is_centered():
    x = X0.copy()
    np.testing.assert_array_equal(numeric_gradient(cube, x, h=1e-3),
                                  numeric_gradient(cube, x, h=1e-3, method="centered"))


@pytest.mark.parametrize("method", ["forward", "centered"])
def test_x_is_restored_and_f_sees_the_perturbations(method):
    x = np.array([[0.3, -1.2, 2.0], [0.7, 0.0, -0.4]])
    before = x.copy()
    seen = []

    def f(z):
        seen.append(z.copy())
        return float(np.sum(np.sin(z)))

    grad = numeric_gradient(f, x, h=1e-4, method=method)
    np.testing.assert_array_equal(x, before)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, np.cos(before), rtol=1e-3 if method == "forward" else 1e-7)
    # one evaluation per coordinate (+1 at x) forward, two per coordinate centered
    assert len(seen) == (x.size + 1 if method == "forward" else 2 * x.size)
    assert sum(np.array_equal(z, before) for z in seen) == (1 if method == "forward" else 0)


def test_numeric_gradient_needs_a_float_array():
    with pytest.raises(TypeError, match=r"^x must.*int"):
        numeric_gradient(cube, np.array([1, 2, 3]))
    with pytest.raises(TypeError, match=r"^x must.*list"):
        numeric_gradient(cube, [1.0, 2.0])


def test_relative_error_definition():
    a = np.array([1.0, 0.0, 2.0, -3.0, 0.0])
    b = np.array([1.1, 0.0, -2.0, -3.0, 1e-12])
    # |a-b| / max(|a|, |b|): 0.1/1.1, both zero -> 0, 4/2 = 2, 0/3 = 0, 1e-12/1e-12 = 1
    np.testing.assert_allclose(relative_error(a, b), [0.1 / 1.1, 0.0, 2.0, 0.0, 1.0], rtol=1e-14)
    np.testing.assert_array_equal(relative_error(a, b), relative_error(b, a))   # symmetric
    assert relative_error(0.0, 0.0) == 0.0
    with pytest.raises(ValueError, match=r"^a and b must have the same shape"):
        relative_error(np.zeros(2), np.zeros(3))


def test_norm_relative_error_definition():
    a = np.array([3.0, 0.0, 4.0])
    b = np.array([3.0, 1e-12, 4.0 + 1e-6])
    # ||a - b|| / max(||a||, ||b||): a tiny entry gets no denominator of its own
    assert norm_relative_error(a, b) == pytest.approx(np.hypot(1e-12, 1e-6) / np.linalg.norm(b), rel=1e-12)
    assert relative_error(a, b)[1] == 1.0                      # element-wise: 100% on the tiny entry
    assert norm_relative_error(a, b) == norm_relative_error(b, a)
    assert norm_relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert norm_relative_error(np.zeros(2), np.ones(2)) == 1.0
    assert norm_relative_error([[1.0, 2.0]], [[1.0, 2.0]]) == 0.0
    with pytest.raises(ValueError, match=r"^a and b must have the same shape"):
        norm_relative_error(np.zeros(2), np.zeros(3))


# --------------------------------------------------------------------------- grad_check

def svm_problem(reg=0.5):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 6))
    X = rng.standard_normal((10, 6))
    y = rng.integers(0, 4, 10)
    s = X @ W.T
    m = s - s[np.arange(10), y][:, None] + 1
    m[np.arange(10), y] = np.nan
    assert np.nanmin(np.abs(m)) > 1e-3      # no hinge kink within reach of h = 1e-5
    return W, (lambda W_: svm_loss_vectorized(W_, X, y, reg)[0]), svm_loss_vectorized(W, X, y, reg)[1]


def test_grad_check_passes_the_right_gradient():
    W, f, dW = svm_problem()
    W_before = W.copy()
    res = grad_check(f, W, dW, num_checks=12, h=1e-5, seed=1)
    assert res["rel_error"].max() < 1e-7
    assert len(res["index"]) == 12 and len(set(res["index"])) == 12
    np.testing.assert_array_equal(res["analytic"], [dW[ix] for ix in res["index"]])
    np.testing.assert_array_equal(W, W_before)


def test_grad_check_finds_the_dropped_factor_two_of_the_regularizer():
    reg = 0.5
    W, f, dW = svm_problem(reg)
    wrong = dW - reg * W            # d(reg*sum W**2)/dW is 2*reg*W; this has only reg*W
    res = grad_check(f, W, wrong, num_checks=12, h=1e-5, seed=1)
    assert res["rel_error"].max() > 1e-2


def test_grad_check_samples_match_numeric_gradient():
    W, f, dW = svm_problem()
    full = numeric_gradient(f, W.copy(), h=1e-5)
    res = grad_check(f, W, dW, num_checks=5, h=1e-5, seed=3)
    np.testing.assert_allclose(res["numeric"], [full[ix] for ix in res["index"]], rtol=1e-12)
    # same seed, same coordinates; more checks than entries: every entry once
    assert grad_check(f, W, dW, num_checks=5, h=1e-5, seed=3)["index"] == res["index"]
    assert len(grad_check(f, W, dW, num_checks=1000)["index"]) == W.size


@pytest.mark.parametrize("h", [0, -1e-5, float("nan"), float("inf"), True, "1e-5", None])
def test_bad_h_raises_naming_it(h):
    with pytest.raises(ValueError, match=r"^h must"):
        numeric_gradient(cube, X0.copy(), h=h)
    W, f, dW = svm_problem()
    with pytest.raises(ValueError, match=r"^h must"):
        grad_check(f, W, dW, h=h)


@pytest.mark.parametrize("method", ["backward", "Centered", None])
def test_bad_method_raises_naming_it(method):
    with pytest.raises(ValueError, match=r"^method must"):
        numeric_gradient(cube, X0.copy(), method=method)
    W, f, dW = svm_problem()
    with pytest.raises(ValueError, match=r"^method must"):
        grad_check(f, W, dW, method=method)


@pytest.mark.parametrize("num_checks", [0, -3, 2.5, True, "10"])
def test_bad_num_checks_raises_naming_it(num_checks):
    W, f, dW = svm_problem()
    with pytest.raises(ValueError, match=r"^num_checks must"):
        grad_check(f, W, dW, num_checks=num_checks)


def test_analytic_of_the_wrong_shape_raises():
    W, f, dW = svm_problem()
    with pytest.raises(ValueError, match=r"^analytic must"):
        grad_check(f, W, dW.T)


def test_grad_check_norm_error_passes_the_right_gradient_and_finds_the_bug():
    reg = 0.5
    W, f, dW = svm_problem(reg)
    ok = grad_check(f, W, dW, num_checks=12, h=1e-5, seed=1)
    bad = grad_check(f, W, dW - reg * W, num_checks=12, h=1e-5, seed=1)
    assert ok["norm_error"] == norm_relative_error(ok["analytic"], ok["numeric"])
    assert ok["norm_error"] < 1e-8
    assert bad["norm_error"] > 1e-2


def tiny_entry_checks():
    """f = 1e3 + c.x with an entry c = 1e-9: the loss's round-off (eps * 1e3) over 2h is
    ~1e-8, far larger than that entry, so its per-coordinate error is noise. Yields
    (x, f, c, grad_check of the true gradient c at x) at 20 random points."""
    c = np.array([1.0, -2.0, 1e-9, 0.5])

    def f(x):
        return 1e3 + float(c @ x)

    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.standard_normal(4)
        yield x, f, c, grad_check(f, x, c, num_checks=4, h=1e-5, seed=0)


def test_norm_error_is_robust_where_an_entry_is_at_round_off():
    for x, f, c, res in tiny_entry_checks():
        assert res["rel_error"].max() > 1e-6           # the tiny entry "fails"
        assert res["norm_error"] < 1e-6                 # the gradient is right
        wrong = grad_check(f, x, c * [1.0, -1.0, 1.0, 1.0], num_checks=4, h=1e-5, seed=0)
        assert wrong["norm_error"] > 0.5                # a wrong entry is seen


# --------------------------------------------------------------------------- the verdict: isclose with a floor

def test_roundoff_floor_value_and_bad_input():
    eps = np.finfo(float).eps
    assert roundoff_floor(9.0, 1e-5) == pytest.approx(10 * eps * 9.0 / 1e-5, rel=1e-15)
    assert roundoff_floor(-9.0, 1e-5, factor=3) == pytest.approx(3 * eps * 9.0 / 1e-5, rel=1e-15)
    for fx in (float("nan"), float("inf"), None, "1", True):
        with pytest.raises(ValueError, match=r"^fx must"):
            roundoff_floor(fx, 1e-5)
    for factor in (0, -1.0, float("inf"), True, "10"):
        with pytest.raises(ValueError, match=r"^factor must"):
            roundoff_floor(1.0, 1e-5, factor=factor)
    with pytest.raises(ValueError, match=r"^h must"):
        roundoff_floor(1.0, 0.0)


def test_close_is_isclose_with_the_roundoff_floor():
    W, f, dW = svm_problem()
    res = grad_check(f, W.copy(), dW, num_checks=12, h=1e-5, seed=1)
    assert res["atol"] == roundoff_floor(f(W), 1e-5)
    np.testing.assert_array_equal(res["close"], np.isclose(res["analytic"], res["numeric"],
                                                           rtol=1e-6, atol=res["atol"]))
    assert res["passed"] and res["close"].all()
    # an explicit atol and rtol are used as given
    loose = grad_check(f, W.copy(), dW * 1.01, num_checks=12, h=1e-5, seed=1, rtol=0.1, atol=0.0)
    assert loose["atol"] == 0.0 and loose["passed"]
    strict = grad_check(f, W.copy(), dW * 1.01, num_checks=12, h=1e-5, seed=1)
    assert not strict["passed"]


def test_close_passes_a_tiny_entry_at_roundoff_where_rel_error_fails():
    # the same setting as the norm-wise test above: the tiny entry's relative error is noise
    for _, _, _, res in tiny_entry_checks():
        assert res["rel_error"].max() > 1e-6 and res["passed"]


def test_close_sees_a_bug_in_the_small_entries_that_the_norm_hides():
    # right on the large entries, 50% off on the small ones (like a dropped 2 in 2*reg*W
    # where the data's gradient is zero): the norm-wise error stays under 1e-4.
    c = np.array([1.0, -2.0, 1e-5, 3e-5, 0.5])
    wrong = c * [1.0, 1.0, 0.5, 0.5, 1.0]

    def f(x):
        return 10.0 + float(c @ x)

    x = np.random.default_rng(1).standard_normal(5)
    res = grad_check(f, x, wrong, num_checks=5, h=1e-5, seed=0)
    assert res["norm_error"] < 1e-4
    assert not res["passed"]
    bad = [ix[0] for ix, ok in zip(res["index"], res["close"]) if not ok]
    assert sorted(bad) == [2, 3]
    assert grad_check(f, x, c, num_checks=5, h=1e-5, seed=0)["passed"]


@pytest.mark.parametrize("name,value", [("rtol", -1e-6), ("rtol", float("nan")), ("rtol", "1e-6"),
                                        ("atol", -1.0), ("atol", float("inf")), ("atol", True)])
def test_bad_tolerances_raise_naming_them(name, value):
    W, f, dW = svm_problem()
    with pytest.raises(ValueError, match=rf"^{name} must"):
        grad_check(f, W, dW, **{name: value})
