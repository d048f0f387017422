"""Digits split, centering without leakage, bias trick, minibatches (optim_lib.data)."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from optim_lib.data import DigitsSplit, add_bias, load_digits_split, minibatches

FIELDS = ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test", "mean", "images_train"]


@pytest.fixture(scope="module")
def raw():
    d = load_digits()
    return d.data.astype(float), d.target, d.images


@pytest.fixture(scope="module")
def split():
    return load_digits_split(seed=0)


def indices(seed, n=1797, val_fraction=0.2, test_fraction=0.2):
    """The split's index sets, recomputed: test first, then validation, then training."""
    order = np.random.default_rng(seed).permutation(n)
    n_test, n_val = round(test_fraction * n), round(val_fraction * n)
    return order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]


def test_split_sizes_add_up(split):
    sizes = (len(split.y_train), len(split.y_val), len(split.y_test))
    assert sum(sizes) == 1797
    assert sizes == (1079, 359, 359)     # 0.2*1797 = 359.4 -> 359 each for val and test
    for X, y in ((split.X_train, split.y_train), (split.X_val, split.y_val), (split.X_test, split.y_test)):
        assert X.shape == (len(y), 65) and X.dtype == np.float64
    assert split.n_features == 65 and split.n_classes == 10


@pytest.mark.parametrize("fractions", [(0.1, 0.3), (0.25, 0.25)])
def test_other_fractions(fractions):
    s = load_digits_split(seed=1, val_fraction=fractions[0], test_fraction=fractions[1])
    n_val, n_test = round(fractions[0] * 1797), round(fractions[1] * 1797)
    assert (len(s.y_val), len(s.y_test), len(s.y_train)) == (n_val, n_test, 1797 - n_val - n_test)


def test_samples_are_the_permuted_digits_and_disjoint(split, raw):
    X, y, images = raw
    train, val, test = indices(0)
    np.testing.assert_array_equal(split.y_train, y[train])
    np.testing.assert_array_equal(split.y_val, y[val])
    np.testing.assert_array_equal(split.y_test, y[test])
    np.testing.assert_array_equal(split.images_train, images[train])
    assert len(set(train) | set(val) | set(test)) == 1797


def test_same_seed_same_arrays_different_seed_different():
    a, b, c = load_digits_split(seed=5), load_digits_split(seed=5), load_digits_split(seed=6)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.y_train, c.y_train)
    assert not np.array_equal(a.X_val, c.X_val)
    assert not np.array_equal(a.mean, c.mean)


@pytest.mark.parametrize("seed", [0, 7])
def test_mean_is_the_training_mean_only(raw, seed):
    X = raw[0]
    s = load_digits_split(seed=seed)
    train, val, test = indices(seed)
    np.testing.assert_allclose(s.mean, X[train].mean(axis=0) / 16, rtol=0, atol=1e-15)
    # and not the mean of all the data, nor of the held-out parts
    assert np.abs(s.mean - X.mean(axis=0) / 16).max() > 1e-3
    assert np.abs(s.mean - X[val].mean(axis=0) / 16).max() > 1e-3
    # the held-out rows are centred with the training mean: reconstruct them exactly
    np.testing.assert_allclose(s.X_val[:, :-1], X[val] / 16 - s.mean, rtol=0, atol=1e-15)
    np.testing.assert_allclose(s.X_test[:, :-1], X[test] / 16 - s.mean, rtol=0, atol=1e-15)


def test_training_rows_are_centred_and_held_out_rows_are_not(split):
    assert np.abs(split.X_train[:, :-1].mean(axis=0)).max() < 1e-12
    # centring val with its own statistics would also make this ~0: it must not be
    assert np.abs(split.X_val[:, :-1].mean(axis=0)).max() > 1e-2
    # scaled by 16: centred pixels lie in [-1, 1]
    assert -1 <= split.X_train.min() and split.X_train[:, :-1].max() <= 1


def test_bias_column_is_all_ones(split):
    for X in (split.X_train, split.X_val, split.X_test):
        np.testing.assert_array_equal(X[:, -1], 1.0)


def test_add_bias():
    np.testing.assert_array_equal(add_bias([[2.0, 3.0], [4.0, 5.0]]), [[2, 3, 1], [4, 5, 1]])
    with pytest.raises(ValueError, match=r"^X must be a 2-D array"):
        add_bias(np.zeros(3))


@pytest.mark.parametrize("kw,name", [
    (dict(val_fraction=0.0), "val_fraction"), (dict(val_fraction=1.0), "val_fraction"),
    (dict(test_fraction=-0.1), "test_fraction"), (dict(test_fraction=True), "test_fraction"),
    (dict(val_fraction=0.5, test_fraction=0.5), "val_fraction \\+ test_fraction"),
])
def test_bad_fractions_raise_naming_them(kw, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        load_digits_split(**kw)


def test_repr(split):
    assert repr(split) == "DigitsSplit(train=1079, val=359, test=359, features=65 incl. bias)"
    assert isinstance(split, DigitsSplit)


# --------------------------------------------------------------------------- minibatches

def toy(n=10):
    y = np.arange(n)
    X = np.stack([y * 10.0, -y * 1.0], axis=1)    # row i can be traced back to label i
    return X, y


def test_minibatches_cover_every_sample_once_and_last_is_smaller():
    X, y = toy(10)
    batches = list(minibatches(X, y, 4, np.random.default_rng(0)))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen) == list(range(10))
    assert not np.array_equal(seen, np.arange(10))          # shuffled
    for Xb, yb in batches:                                   # rows stay with their labels
        np.testing.assert_array_equal(Xb[:, 0], yb * 10.0)
    assert len(list(minibatches(X, y, 5, np.random.default_rng(0)))) == 2   # divides evenly
    assert len(list(minibatches(X, y, 100, np.random.default_rng(0)))) == 1


def test_minibatches_same_seed_same_batches_and_new_order_each_epoch():
    X, y = toy(12)

    def epochs(seed, n=3):
        rng = np.random.default_rng(seed)
        return [np.concatenate([yb for _, yb in minibatches(X, y, 5, rng)]) for _ in range(n)]

    a, b, c = epochs(1), epochs(1), epochs(2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1])       # the shared Generator reshuffles each epoch
    assert not np.array_equal(a, c)
    # the order is rng.permutation(n), drawn once per epoch
    rng = np.random.default_rng(1)
    np.testing.assert_array_equal(a[0], rng.permutation(12))
    np.testing.assert_array_equal(a[1], rng.permutation(12))


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, None, "4"])
def test_bad_batch_size_raises_naming_it(batch_size):
    X, y = toy()
    with pytest.raises(ValueError, match=r"^batch_size must"):
        minibatches(X, y, batch_size, np.random.default_rng(0))   # at the call, not at next()


@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0)])
def test_bad_rng_raises_naming_it(rng):
    X, y = toy()
    with pytest.raises(TypeError, match=r"^rng must"):
        minibatches(X, y, 4, rng)


def test_minibatches_x_and_y_must_match():
    X, y = toy()
    with pytest.raises(ValueError, match=r"^X and y must have the same number"):
        minibatches(X, y[:-1], 4, np.random.default_rng(0))


# --- the digits cache: scikit-learn's digits, exactly, without importing scikit-learn -------

from optim_lib import data as data_module  # noqa: E402


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of the test's own; the in-process memo is cleared before and after."""
    monkeypatch.setenv(data_module.CACHE_VARIABLE, str(tmp_path / "cache"))
    data_module._raw_digits.cache_clear()
    yield tmp_path / "cache"
    data_module._raw_digits.cache_clear()


def test_cached_digits_are_scikit_learns_exactly(cache, raw):
    first = data_module._raw_digits()             # read by scikit-learn, then written
    path = data_module.digits_cache_file()
    assert path.parent == cache and path.exists()
    data_module._raw_digits.cache_clear()
    second = data_module._raw_digits()            # read back from the file
    for got in (first, second):
        for a, b in zip(got, raw):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_the_cache_file_is_named_for_the_scikit_learn_release(cache):
    from importlib import metadata

    assert data_module.digits_cache_file().name == (
        f"digits-scikit-learn-{metadata.version('scikit-learn')}.npz")


def test_a_cached_split_does_not_import_scikit_learn(cache):
    import subprocess
    import sys

    data_module._raw_digits()                     # fills the cache
    code = ("import sys; from optim_lib.data import load_digits_split; load_digits_split(3); "
            "print('sklearn' in sys.modules)")
    env = {**__import__("os").environ, data_module.CACHE_VARIABLE: str(cache)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
    env[data_module.CACHE_VARIABLE] = str(cache / "empty")    # and the check can fail
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "True"


@pytest.mark.parametrize("spoil", ["garbage", "pixel 17", "label 10", "float pixels"])
def test_a_spoiled_cache_file_is_read_again_from_scikit_learn(cache, raw, spoil):
    data_module._raw_digits()
    path = data_module.digits_cache_file()
    pixels, labels = raw[0].astype(np.uint8), raw[1].astype(np.uint8)
    if spoil == "garbage":
        path.write_bytes(b"not an npz")
    else:
        if spoil == "pixel 17":
            pixels = pixels.copy(); pixels[5, 5] = 17
        elif spoil == "label 10":
            labels = labels.copy(); labels[0] = 10
        np.savez(path, pixels=pixels.astype(float) if spoil == "float pixels" else pixels,
                 labels=labels)
    assert data_module._read_cache(path) is None
    data_module._raw_digits.cache_clear()
    got = data_module._raw_digits()
    np.testing.assert_array_equal(got[0], raw[0])
    np.testing.assert_array_equal(got[1], raw[1])
    assert data_module._read_cache(path) is not None          # and written again, right


def test_an_empty_cache_variable_keeps_nothing(tmp_path, monkeypatch, raw):
    monkeypatch.setenv(data_module.CACHE_VARIABLE, "")
    monkeypatch.chdir(tmp_path)
    data_module._raw_digits.cache_clear()
    try:
        assert data_module.digits_cache_file() is None
        np.testing.assert_array_equal(data_module._raw_digits()[0], raw[0])
        assert list(tmp_path.iterdir()) == []
    finally:
        data_module._raw_digits.cache_clear()


def test_an_unwritable_cache_folder_only_costs_the_cache(tmp_path, monkeypatch, raw):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(data_module.CACHE_VARIABLE, str(blocker / "cache"))   # cannot be made
    data_module._raw_digits.cache_clear()
    try:
        np.testing.assert_array_equal(data_module._raw_digits()[1], raw[1])
        assert not (blocker / "cache").exists()
    finally:
        data_module._raw_digits.cache_clear()
