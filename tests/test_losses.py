"""The multiclass SVM loss (optim_lib.losses): naive == vectorized, the gradient, the loss
alone (svm_loss_value, svm_loss_of), hand examples, and the hinge kinks a difference crosses."""

import numpy as np
import pytest

from optim_lib.data import load_digits_split
from optim_lib.gradcheck import numeric_gradient, relative_error
from optim_lib.losses import (accuracy, predict, svm_kinks_crossed, svm_loss, svm_loss_naive,
                              svm_loss_of, svm_loss_value, svm_loss_vectorized)


LOSSES = [svm_loss_naive, svm_loss_vectorized]


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


def margins(W, X, y):
    """The margins s_j - s_{y_i} + 1 for j != y_i (nan on the correct class)."""
    s = X @ W.T
    rows = np.arange(len(y))
    m = s - s[rows, y][:, None] + 1
    m[rows, y] = np.nan
    return m


def small_problem(seed, C=3, D=5, N=7):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((C, D)), rng.standard_normal((N, D)), rng.integers(0, C, N)


def test_svm_loss_is_the_vectorized_one():
    assert svm_loss is svm_loss_vectorized


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("reg", [0.0, 0.1, 2.5])
def test_naive_equals_vectorized_on_small_random_inputs(seed, reg):
    W, X, y = small_problem(seed)
    m = margins(W, X, y)
    assert 0 < np.nanmean(m > 0) < 1          # some margins violated, some not
    loss_n, dW_n = svm_loss_naive(W, X, y, reg)
    loss_v, dW_v = svm_loss_vectorized(W, X, y, reg)
    assert loss_n == pytest.approx(loss_v, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(dW_n, dW_v, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("reg", [0.0, 1e-3, 0.5])
def test_naive_equals_vectorized_on_digits(digits, reg):
    W = 0.3 * np.random.default_rng(0).standard_normal((10, digits.n_features))
    X, y = digits.X_train, digits.y_train
    assert 0.3 < np.nanmean(margins(W, X, y) > 0) < 0.9   # a mix of active and inactive hinges
    loss_n, dW_n = svm_loss_naive(W, X, y, reg)
    loss_v, dW_v = svm_loss_vectorized(W, X, y, reg)
    assert loss_n == pytest.approx(loss_v, rel=1e-10)
    np.testing.assert_allclose(dW_n, dW_v, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("loss_fn", LOSSES)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_gradient_matches_centered_numeric_gradient(loss_fn, seed, reg):
    h = 1e-5
    W, X, y = small_problem(seed)
    # Every margin must be farther than the perturbation can move it from the kink at 0:
    # a step h in one W entry moves a score by at most h*max|x| (twice for the margin).
    assert np.nanmin(np.abs(margins(W, X, y))) > 10 * h * np.abs(X).max()
    loss, dW = loss_fn(W, X, y, reg)
    num = numeric_gradient(lambda W_: loss_fn(W_, X, y, reg)[0], W.copy(), h=h, method="centered")
    assert relative_error(dW, num).max() < 1e-7
    assert np.abs(dW).max() > 0.1                 # a real gradient, not a vanishing one


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_hand_computed_two_class_two_sample_example(loss_fn):
    W = np.array([[1.0, 0.0],
                  [0.0, 1.0]])
    X = np.array([[1.0, 2.0],
                  [0.5, 2.0]])
    y = np.array([0, 1])
    # scores = X @ W.T = X.
    # sample 0 (y=0): scores [1, 2]; margin for class 1 = 2 - 1 + 1 = 2 > 0   -> 2
    # sample 1 (y=1): scores [0.5, 2]; margin for class 0 = 0.5 - 2 + 1 = -0.5 -> 0
    # data loss = (2 + 0)/2 = 1;  reg term = 0.1 * (1 + 0 + 0 + 1) = 0.2;  loss = 1.2
    loss, dW = loss_fn(W, X, y, 0.1)
    assert loss == pytest.approx(1.2, abs=1e-14)
    # only sample 0's margin is active: dW[1] += x0, dW[0] -= x0, then /N = 2:
    #   data dW = [[-0.5, -1], [0.5, 1]];  + 2*0.1*W = [[0.2, 0], [0, 0.2]]
    #   dW = [[-0.3, -1], [0.5, 1.2]]
    np.testing.assert_allclose(dW, [[-0.3, -1.0], [0.5, 1.2]], rtol=0, atol=1e-14)
    # without regularization: loss 1, dW = [[-0.5, -1], [0.5, 1]]
    loss0, dW0 = loss_fn(W, X, y, 0.0)
    assert loss0 == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(dW0, [[-0.5, -1.0], [0.5, 1.0]], rtol=0, atol=1e-14)


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_margin_exactly_zero_contributes_nothing(loss_fn):
    # score gap of exactly 1: margin = 0, on the kink; max(0, 0) = 0 and the hinge is inactive
    W = np.array([[1.0, 0.0], [0.0, 1.0]])
    X = np.array([[2.0, 1.0]])
    loss, dW = loss_fn(W, X, np.array([0]), 0.0)
    assert loss == 0.0
    np.testing.assert_array_equal(dW, np.zeros((2, 2)))


def test_predict_and_accuracy():
    W = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    X = np.array([[1.0, 2.0],     # scores [1, 2, 1.5]   -> 1
                  [3.0, 0.5],     # scores [3, 0.5, 1.75] -> 0
                  [1.0, 1.1],     # scores [1, 1.1, 1.05] -> 1
                  [-1.0, -2.0]])  # scores [-1, -2, -1.5] -> 0
    np.testing.assert_array_equal(predict(W, X), [1, 0, 1, 0])
    assert accuracy(W, X, np.array([1, 0, 2, 2])) == 0.5
    assert accuracy(W, X, [1, 0, 1, 0]) == 1.0
    assert isinstance(accuracy(W, X, [1, 0, 1, 0]), float)
    with pytest.raises(ValueError, match=r"^y must.*3 labels for 4 rows"):
        accuracy(W, X, [1, 0, 1])


def test_accuracy_of_random_weights_on_digits_is_near_chance(digits):
    W = 1e-3 * np.random.default_rng(0).standard_normal((10, digits.n_features))
    assert 0.0 < accuracy(W, digits.X_val, digits.y_val) < 0.3


@pytest.mark.parametrize("loss_fn", LOSSES)
def test_bad_inputs_raise_value_error_naming_the_argument(loss_fn):
    W, X, y = small_problem(0)      # W (3, 5), X (7, 5), y in [0, 3)
    with pytest.raises(ValueError, match=r"^W must"):
        loss_fn(W[0], X, y)
    with pytest.raises(ValueError, match=r"^W must"):
        loss_fn(W.tolist(), X, y)
    with pytest.raises(ValueError, match=r"^X must"):
        loss_fn(W, X[0], y)
    with pytest.raises(ValueError, match=r"^X has 4 features but W expects 5"):
        loss_fn(W, X[:, :4], y)
    with pytest.raises(ValueError, match=r"^y must have one label per row"):
        loss_fn(W, X, y[:-1])
    with pytest.raises(ValueError, match=r"^y must hold integer labels in \[0, 3\)"):
        loss_fn(W, X, np.r_[y[:-1], 3])
    with pytest.raises(ValueError, match=r"^y must hold integer labels"):
        loss_fn(W, X, np.r_[y[:-1], -1])
    with pytest.raises(ValueError, match=r"^y must hold integer labels"):
        loss_fn(W, X, y.astype(float))
    with pytest.raises(ValueError, match=r"at least one sample"):
        loss_fn(W, X[:0], y[:0])
    for reg in (-0.1, float("nan"), True, "0.1"):
        with pytest.raises(ValueError, match=r"^reg must"):
            loss_fn(W, X, y, reg)


# --- the loss alone: svm_loss_value and svm_loss_of (chapter 1) ---

@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("reg", [0.0, 1e-3, 2.5])
def test_value_equals_the_loss_of_both_versions(seed, reg):
    rng = np.random.default_rng(seed)
    W, X = rng.standard_normal((4, 6)), rng.standard_normal((9, 6))
    y = rng.integers(0, 4, 9)
    value = svm_loss_value(W, X, y, reg)
    assert isinstance(value, float)
    assert value == svm_loss_vectorized(W, X, y, reg)[0]      # to the last bit: one summation
    assert np.isclose(value, svm_loss_naive(W, X, y, reg)[0], rtol=1e-13)


def test_value_on_digits_at_zero_is_c_minus_1(digits):
    d = digits
    W = np.zeros((d.n_classes, d.n_features))
    assert svm_loss_value(W, d.X_train, d.y_train, 1e-3) == pytest.approx(9.0)


def test_value_hand_example():
    # scores (2, 0, 1.5) with y = 0: margins 0 - 2 + 1 < 0 and 1.5 - 2 + 1 = 0.5
    W = np.eye(3)
    X = np.array([[2.0, 0.0, 1.5]])
    assert svm_loss_value(W, X, [0]) == pytest.approx(0.5)
    assert svm_loss_value(W, X, [0], reg=0.1) == pytest.approx(0.5 + 0.1 * 3)


@pytest.mark.parametrize("args, name", [
    ((np.zeros(3), np.zeros((2, 3)), [0, 1], 0.0), "W"),
    ((np.zeros((2, 3)), np.zeros((2, 4)), [0, 1], 0.0), "X"),
    ((np.zeros((2, 3)), np.zeros((2, 3)), [0, 2], 0.0), "y"),
    ((np.zeros((2, 3)), np.zeros((2, 3)), [0, 1], -1.0), "reg"),
])
def test_value_bad_arguments_are_named(args, name):
    with pytest.raises(ValueError, match=name):
        svm_loss_value(*args)


def test_svm_loss_of_is_the_loss_as_a_function_of_w(digits):
    loss_of = svm_loss_of(digits.X_train, digits.y_train, 1e-3)
    for seed in range(3):
        W = np.random.default_rng(seed).standard_normal((digits.n_classes, digits.n_features))
        assert loss_of(W) == svm_loss_value(W, digits.X_train, digits.y_train, 1e-3)
    assert loss_of(np.zeros((digits.n_classes, digits.n_features))) == pytest.approx(9.0)
    with pytest.raises(ValueError, match="^W must"):
        loss_of(np.zeros(3))


# --- svm_kinks_crossed (chapter 2) ---

def kink_problem(seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    W = scale * rng.standard_normal((4, 6))
    X = rng.standard_normal((30, 6))
    y = rng.integers(0, 4, size=30)
    return W, X, y


def brute_force_kinks(W, X, y, index, h):
    """Count hinge terms whose margin changes sign (or touches 0) between W[index] -+ h."""
    count = 0
    for sign_pair in [(-h, h)]:
        lo, hi = W.copy(), W.copy()
        lo[index] += sign_pair[0]
        hi[index] += sign_pair[1]
        for i in range(X.shape[0]):
            s_lo, s_hi = lo @ X[i], hi @ X[i]
            for j in range(W.shape[0]):
                if j == y[i]:
                    continue
                m_lo = s_lo[j] - s_lo[y[i]] + 1
                m_hi = s_hi[j] - s_hi[y[i]] + 1
                moved = not np.isclose(m_lo, m_hi, rtol=0, atol=1e-15)
                if moved and m_lo * m_hi <= 0:
                    count += 1
    return count


@pytest.mark.parametrize("h", [1e-3, 0.05, 0.3])
def test_kinks_match_brute_force(h):
    W, X, y = kink_problem()
    for index in [(0, 0), (1, 3), (3, 5), (2, 2)]:
        assert svm_kinks_crossed(W, X, y, index, h) == brute_force_kinks(W, X, y, index, h)


def test_no_kink_means_the_centered_difference_is_exact():
    W, X, y = kink_problem(seed=2)
    h = 1e-4
    f = lambda V: svm_loss_vectorized(V, X, y, 0.1)[0]  # noqa: E731
    dW = svm_loss_vectorized(W, X, y, 0.1)[1]
    num = numeric_gradient(f, W.copy(), h=h)
    free = [ix for ix in np.ndindex(W.shape) if svm_kinks_crossed(W, X, y, ix, h) == 0]
    assert len(free) > W.size // 2
    for ix in free:
        assert num[ix] == pytest.approx(dW[ix], rel=1e-6, abs=1e-9)


def test_kinks_grow_with_h_and_vanish_for_a_blank_feature():
    W, X, y = kink_problem()
    counts = [svm_kinks_crossed(W, X, y, (1, 2), h) for h in (1e-4, 1e-2, 1.0)]
    assert counts == sorted(counts) and counts[-1] > 0
    X[:, 4] = 0.0
    assert svm_kinks_crossed(W, X, y, (0, 4), 10.0) == 0


@pytest.mark.parametrize("kw, match", [
    (dict(h=0.0), "h must be a finite number > 0, got 0.0"),
    (dict(h=float("inf")), "h must be a finite number > 0"),
    (dict(index=(4, 0)), r"index must lie inside W's shape \(4, 6\), got \(4, 0\)"),
    (dict(index=(0, -1)), "index must lie inside"),
    (dict(index=3), "index must be a pair"),
])
def test_kinks_bad_arguments(kw, match):
    W, X, y = kink_problem()
    args = dict(index=(0, 0), h=1e-3)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        svm_kinks_crossed(W, X, y, **args)


def test_stacked_loss_equals_one_classifier_at_a_time():
    from optim_lib.losses import svm_loss_stacked

    rng = np.random.default_rng(7)
    S, G, N, C, D = 3, 4, 20, 5, 6
    W = rng.standard_normal((S, G, C, D))
    X = rng.standard_normal((S, N, D))
    y = rng.integers(0, C, (S, N))
    loss, dW = svm_loss_stacked(W, X[:, None], y[:, None], 0.1)
    assert loss.shape == (S, G) and dW.shape == W.shape
    for s in range(S):
        for g in range(G):
            ref_loss, ref_dW = svm_loss_vectorized(W[s, g], X[s], y[s], 0.1)
            assert np.isclose(loss[s, g], ref_loss, rtol=1e-13)
            assert np.allclose(dW[s, g], ref_dW, rtol=1e-12, atol=1e-14)
    # labels of another seed give another gradient (the pairing of X and y matters)
    _, wrong = svm_loss_stacked(W, X[:, None], y[::-1][:, None], 0.1)
    assert not np.allclose(wrong, dW)
    with pytest.raises(ValueError, match="W must be"):
        svm_loss_stacked(W, X[:, None, :, :3], y[:, None], 0.1)


def test_the_stacked_gradient_without_the_loss_is_the_same_to_the_bit():
    """The batched trainer asks for dW only (``with_loss=False``): the very same array."""
    from optim_lib.losses import svm_loss_stacked

    rng = np.random.default_rng(8)
    W = rng.standard_normal((3, 4, 5, 6))
    X = rng.standard_normal((3, 20, 6))
    y = rng.integers(0, 5, (3, 20))
    _, dW = svm_loss_stacked(W, X[:, None], y[:, None], 0.1)
    loss, fast = svm_loss_stacked(W, X[:, None], y[:, None], 0.1, with_loss=False)
    assert loss is None and np.array_equal(fast, dW)
    # the comparison sees another regularization (a wrong gradient)
    assert not np.array_equal(svm_loss_stacked(W, X[:, None], y[:, None], 0.2,
                                               with_loss=False)[1], dW)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_stacked_gradient_counts_violations_to_the_bit(dtype):
    """Each row's count of violated margins (what the correct class pays) is an exact small
    integer however it is summed: the gradient equals, bit for bit, the one that sums the
    counts along the class axis, also with a diverged (inf) classifier in the stack."""
    from optim_lib.losses import svm_loss_stacked

    rng = np.random.default_rng(9)
    S, G, N, C, D = 2, 5, 64, 10, 65
    W = (0.3 * rng.standard_normal((S, G, C, D))).astype(dtype)
    W[0, 1, 2, 3] = np.inf
    X = rng.standard_normal((S, 1, N, D)).astype(dtype)
    y = rng.integers(0, C, (S, 1, N))
    with np.errstate(all="ignore"):
        _, dW = svm_loss_stacked(W, X, y, 1e-3, with_loss=False)
        scores = X @ np.swapaxes(W, -1, -2)
        at_y = np.broadcast_to(y, scores.shape[:-1])[..., None]
        margins = scores - np.take_along_axis(scores, at_y, axis=-1) + 1
        np.put_along_axis(margins, at_y, 0.0, axis=-1)
        coeff = (margins > 0).astype(dtype)
        np.put_along_axis(coeff, at_y, -coeff.sum(axis=-1, keepdims=True), axis=-1)
        ref = np.swapaxes(coeff, -1, -2) @ X / N + 2 * 1e-3 * W
    assert dW.dtype == dtype and np.array_equal(dW, ref, equal_nan=True)
    assert 0 < np.mean(coeff > 0) < 0.9                       # some margins violated, not all
    # one classifier without leading axes: the same numbers as its place in the stack
    loss1, dW1 = svm_loss_stacked(W[1, 0], X[1, 0], y[1, 0], 1e-3)
    with np.errstate(all="ignore"):
        loss, dW = svm_loss_stacked(W, X, y, 1e-3)
    assert np.array_equal(dW1, dW[1, 0]) and loss1 == loss[1, 0]
