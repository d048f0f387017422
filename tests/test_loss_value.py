"""svm_loss_value (optim_lib.losses), added for chapter 1: the loss alone."""

import numpy as np
import pytest

from optim_lib.data import load_digits_split
from optim_lib.losses import svm_loss_naive, svm_loss_value, svm_loss_vectorized


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("reg", [0.0, 1e-3, 2.5])
def test_value_equals_the_loss_of_both_versions(seed, reg):
    rng = np.random.default_rng(seed)
    W, X = rng.standard_normal((4, 6)), rng.standard_normal((9, 6))
    y = rng.integers(0, 4, 9)
    value = svm_loss_value(W, X, y, reg)
    assert isinstance(value, float)
    assert np.isclose(value, svm_loss_vectorized(W, X, y, reg)[0], rtol=1e-13)
    assert np.isclose(value, svm_loss_naive(W, X, y, reg)[0], rtol=1e-13)


def test_value_on_digits_at_zero_is_c_minus_1():
    d = load_digits_split(seed=0)
    W = np.zeros((d.n_classes, d.n_features))
    assert svm_loss_value(W, d.X_train, d.y_train, 1e-3) == pytest.approx(9.0)


def test_hand_example():
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
def test_bad_arguments_are_named(args, name):
    with pytest.raises(ValueError, match=name):
        svm_loss_value(*args)
