import numpy as np
import pytest

from optim_lib.data import load_digits_split
from optim_lib.losses import svm_loss_vectorized
from optim_lib.noise import minibatch_gradient_error
from optim_lib.train import init_weights


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def test_full_batch_agrees_exactly(data):
    W = init_weights(10, 65, seed=0)
    a = minibatch_gradient_error(W, data.X_train, data.y_train, 1e-3,
                                 batch_size=len(data.y_train), samples=3, seed=0)
    assert np.allclose(a.cosine, 1.0) and np.all(a.rel_error < 1e-12)


def test_matches_a_direct_computation(data):
    X, y, W = data.X_train, data.y_train, init_weights(10, 65, seed=1)
    a = minibatch_gradient_error(W, X, y, 1e-3, batch_size=16, samples=4, seed=7)
    rng = np.random.default_rng(7)
    full = svm_loss_vectorized(W, X, y, 1e-3)[1]
    for k in range(4):
        idx = rng.choice(len(y), size=16, replace=False)
        g = svm_loss_vectorized(W, X[idx], y[idx], 1e-3)[1]
        assert np.isclose(a.cosine[k], np.sum(g * full) / np.linalg.norm(g) / np.linalg.norm(full))
        assert np.isclose(a.rel_error[k], np.linalg.norm(g - full) / np.linalg.norm(full))


def test_seeded_and_generator(data):
    X, y, W = data.X_train, data.y_train, init_weights(10, 65, seed=0)
    one = minibatch_gradient_error(W, X, y, 1e-3, 8, samples=5, seed=3)
    two = minibatch_gradient_error(W, X, y, 1e-3, 8, samples=5, seed=np.random.default_rng(3))
    assert np.array_equal(one.cosine, two.cosine)
    other = minibatch_gradient_error(W, X, y, 1e-3, 8, samples=5, seed=4)
    assert not np.array_equal(one.cosine, other.cosine)


def test_smaller_batches_are_noisier(data):
    X, y, W = data.X_train, data.y_train, init_weights(10, 65, seed=0)
    small = minibatch_gradient_error(W, X, y, 1e-3, 4, samples=30, seed=0)
    large = minibatch_gradient_error(W, X, y, 1e-3, 256, samples=30, seed=0)
    assert small.rel_error.mean() > 2 * large.rel_error.mean()
    assert small.cosine.mean() < large.cosine.mean()


@pytest.mark.parametrize("kw, match", [(dict(batch_size=0), "batch_size"),
                                       (dict(batch_size=10**6), "batch_size"),
                                       (dict(batch_size=4, samples=0), "samples")])
def test_bad_arguments_named(data, kw, match):
    W = init_weights(10, 65, seed=0)
    with pytest.raises(ValueError, match=match):
        minibatch_gradient_error(W, data.X_train, data.y_train, 1e-3, **kw)
