"""The data of the course: scikit-learn's bundled digits (offline, 1,797 images of 8x8 pixels).

``load_digits_split`` returns a seeded train/validation/test split. Pixels are
scaled to [0, 1] (a fixed constant, 16), centred with the *training* mean only
(the validation and test sets never leak into it), and a column of ones is
appended (the bias trick), so a linear classifier is a single matrix ``W`` of
shape ``(10, 65)`` with scores ``X @ W.T``.

The digits are read with scikit-learn's ``load_digits`` once per scikit-learn release and kept,
exactly, in a small file (``digits_cache_file``; the variable ``OPTIM_LIB_CACHE`` moves it or,
set empty, turns it off): a chapter then need not import scikit-learn.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from . import checks

__all__ = ["DigitsSplit", "load_digits_split", "add_bias", "minibatches"]

N_CLASSES = 10
PIXEL_MAX = 16.0  # digits pixels are integers 0..16


@dataclass(frozen=True)
class DigitsSplit:
    """Train/validation/test arrays. ``X_*`` have the bias column appended."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray          # the training mean that was subtracted (64 values)
    images_train: np.ndarray  # the raw 8x8 training images, for pictures

    @property
    def n_features(self) -> int:
        """D, including the bias column."""
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        return N_CLASSES

    def __repr__(self) -> str:
        return (f"DigitsSplit(train={len(self.y_train)}, val={len(self.y_val)}, "
                f"test={len(self.y_test)}, features={self.n_features} incl. bias)")


#: Where the digits are kept as a small .npz once read: ``$OPTIM_LIB_CACHE`` if set (set it
#: empty to keep nothing), else ``$XDG_CACHE_HOME/optim_lib`` or ``~/.cache/optim_lib``.
CACHE_VARIABLE = "OPTIM_LIB_CACHE"
N_SAMPLES, N_PIXELS = 1797, 64


def digits_cache_file() -> Path | None:
    """The cache file of the installed scikit-learn's digits, or None when caching is off.

    The name carries scikit-learn's version: another release reads its own digits again.
    """
    folder = os.environ.get(CACHE_VARIABLE)
    if folder is None:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "optim_lib"
    if not str(folder):
        return None
    return Path(folder) / f"digits-scikit-learn-{metadata.version('scikit-learn')}.npz"


def _read_cache(path: Path):
    """(pixels, labels) from the cache file, or None if it is missing or not the digits."""
    try:
        with np.load(path, allow_pickle=False) as f:
            pixels, labels = f["pixels"], f["labels"]
    except (OSError, KeyError, ValueError):
        return None
    if (pixels.shape != (N_SAMPLES, N_PIXELS) or labels.shape != (N_SAMPLES,)
            or pixels.dtype != np.uint8 or labels.dtype != np.uint8
            or pixels.max() > PIXEL_MAX or labels.max() >= N_CLASSES):
        return None
    return pixels, labels


def _write_cache(path: Path, pixels, labels) -> None:
    """Write the cache file whole or not at all (a kernel beside may be reading it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as f:
            np.savez(f, pixels=pixels.astype(np.uint8), labels=labels.astype(np.uint8))
        os.replace(f.name, path)
    except OSError:
        pass                      # a read-only home: the digits are simply read each time


@lru_cache(maxsize=1)
def _raw_digits():
    """scikit-learn's digits as (pixels float64, labels int64, 8x8 images).

    ``load_digits`` needs most of scikit-learn imported (0.4 s of every chapter that reads
    the digits); its pixels (integers 0..16) and labels are therefore kept in a cache file
    after the first read, exactly, and read back from it.
    """
    path = digits_cache_file()
    cached = _read_cache(path) if path is not None else None
    if cached is None:
        from sklearn.datasets import load_digits

        d = load_digits()
        cached = d.data, d.target
        if path is not None:
            _write_cache(path, *cached)
    pixels = cached[0].astype(np.float64)
    return pixels, cached[1].astype(np.int64), pixels.reshape(-1, 8, 8)


def add_bias(X: np.ndarray) -> np.ndarray:
    """Append a column of ones, so that ``W @ [x, 1]`` includes a bias term."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples x features), got shape {X.shape}")
    return np.hstack([X, np.ones((X.shape[0], 1))])


def load_digits_split(seed: int = 0, val_fraction: float = 0.2,
                      test_fraction: float = 0.2) -> DigitsSplit:
    """Shuffle digits with ``seed`` and split them into train/validation/test.

    Args:
        seed: seed of the shuffle; the same seed always gives the same split.
        val_fraction: share of the samples held out for validation, in (0, 1).
        test_fraction: share held out for the final test, in (0, 1).
    """
    for name, frac in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if isinstance(frac, bool) or not isinstance(frac, (int, float)) or not 0 < frac < 1:
            raise ValueError(f"{name} must be a number in (0, 1), got {frac!r}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"val_fraction + test_fraction must be < 1, got "
                         f"{val_fraction} + {test_fraction}")
    X, y, images = _raw_digits()
    n = len(y)
    order = np.random.default_rng(seed).permutation(n)
    n_test = int(round(test_fraction * n))
    n_val = int(round(val_fraction * n))
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]

    X = X / PIXEL_MAX
    mean = X[train].mean(axis=0)          # training statistics only
    center = lambda idx: add_bias(X[idx] - mean)  # noqa: E731
    return DigitsSplit(center(train), y[train], center(val), y[val], center(test), y[test],
                       mean, images[train])


def minibatches(X: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator):
    """Yield one epoch of ``(X_batch, y_batch)`` in an order shuffled by ``rng``.

    The last batch is smaller when ``batch_size`` does not divide the number of
    samples. Pass the same Generator across epochs: each epoch gets a new order,
    and the whole sequence is reproducible from the Generator's seed.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    checks.count("batch_size", batch_size)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    # The checks above run at the call, not at the first next(): this function
    # returns a generator instead of being one.
    return _epoch(X, y, batch_size, rng)


def _epoch(X, y, batch_size, rng):
    order = rng.permutation(len(y))
    for start in range(0, len(y), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]
