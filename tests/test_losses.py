"""The multiclass SVM loss (optim_lib.losses): naive == vectorized, gradient, a hand example."""

import numpy as np
import pytest

from optim_lib.data import load_digits_split
from optim_lib.gradcheck import numeric_gradient, relative_error
from optim_lib.losses import accuracy, predict, svm_loss, svm_loss_naive, svm_loss_vectorized

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


# --------------------------------------------------------------------------- bad inputs

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
