"""Explorers of chapters 1 to 5 (optim_lib.course.classifier_explorers): random search, numeric and
analytic gradients, gradient descent and SGD on digits."""


import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib.data import load_digits_split  # noqa: E402
from optim_lib.losses import svm_loss_vectorized  # noqa: E402
from optim_lib.search import random_search  # noqa: E402
from optim_lib.course.classifier_explorers import (  # noqa: E402
    digits_lr_explorer, gradient_check_explorer, numeric_gradient_explorer,
    random_search_explorer, sgd_batch_explorer)
from figure_support import line  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def _line_data(explorer):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for ax in explorer.fig.axes for line in ax.lines]


def small_problem(seed=0, scale=0.5):
    rng = np.random.default_rng(seed)
    W = scale * rng.standard_normal((4, 6))
    X = rng.standard_normal((30, 6))
    y = rng.integers(0, 4, size=30)
    return W, X, y


def svm_setup():
    W, X, y = small_problem()
    f = lambda V: svm_loss_vectorized(V, X, y, 1e-3)[0]  # noqa: E731
    return W, X, y, f, svm_loss_vectorized(W, X, y, 1e-3)[1]


def test_random_search_explorer_builds_and_updates():
    rng = np.random.default_rng(0)
    target = rng.standard_normal((2, 3))

    def loss_fn(W):
        return float(np.sum((W - target) ** 2))

    scales = (1e-2, 1e-1, 1.0)
    ex = random_search_explorer(loss_fn, (2, 3), max_tries=20, scales=scales, scale=1e-1)
    ax = ex.fig.axes[0]
    every, best = line(ax, "loss of each try"), line(ax, "best loss so far")
    assert len(every.get_xdata()) == 20                       # default: all tries
    ex.update(tries=5, scale=1.0)
    ref = random_search(loss_fn, (2, 3), tries=20, scale=1.0, seed=0)
    np.testing.assert_array_equal(every.get_xdata(), np.arange(1, 6))
    np.testing.assert_array_equal(every.get_ydata(), ref.losses[:5])
    np.testing.assert_array_equal(best.get_ydata(), ref.best_so_far[:5])
    assert f"{ref.best_so_far[4]:.3f}" in ax.get_title()
    from optim_lib.course.player import player_data

    data = player_data(ex.twin("tries", values=[1, 20]).data)
    assert data["values"][0] == ["1", "20"]                    # the swept control first
    assert len(data["index"]) == 2 * len(scales)               # every scale, too


def test_numeric_gradient_explorer_updates_and_snaps_h():
    W, X, y, f, dW = svm_setup()
    ex = numeric_gradient_explorer(f, W, dW, num_checks=6)
    assert set(ex.controls) == {"h", "method"}
    ex.update(h=1e-3, method="forward")
    assert ex.fig.axes[1].get_title().startswith("forward, h = 1e-03")
    ex.update(h=2e-7, method="centered")      # snapped to the nearest grid value
    title = ex.fig.axes[1].get_title()
    assert title.startswith("centered, h = 1e-07")


def test_numeric_gradient_explorer_leaves_x_alone_and_validates():
    W, X, y, f, dW = svm_setup()
    before = W.copy()
    numeric_gradient_explorer(f, W, dW, num_checks=3)
    np.testing.assert_array_equal(W, before)
    with pytest.raises(ValueError, match="method must be one of"):
        numeric_gradient_explorer(f, W, dW, method="backward")
    with pytest.raises(ValueError, match=r"h must lie in \[1e-12, 0.1\]"):
        numeric_gradient_explorer(f, W, dW, h=1.0)
    with pytest.raises(ValueError, match=r"hs must be at least 2 numbers in an increasing sequence of positive numbers"):
        numeric_gradient_explorer(f, W, dW, hs=(1e-3, 1e-5))


def test_gradient_check_explorer_separates_a_bug_from_the_truth():
    W, X, y = small_problem()

    def buggy(W, X, y, reg):
        loss, dW = svm_loss_vectorized(W, X, y, reg)
        return loss, dW - reg * W

    ex = gradient_check_explorer({"correct": svm_loss_vectorized, "buggy": buggy}, W, X, y,
                                 regs=(1e-3, 10.0), hs=(1e-6, 1e-5), num_checks=5)
    ex.update(reg=10.0, h=1e-5)
    lines = {ln.get_label(): ln for ln in ex.fig.axes[0].get_lines()}
    assert lines["correct"].get_ydata().max() < 1e-6
    assert lines["buggy"].get_ydata().max() > 1e-2
    assert "reg = 10" in ex.fig.axes[0].get_title()
    ex.update(reg=1e-3, h=1e-6)
    assert "reg = 0.001" in ex.fig.axes[0].get_title()


@pytest.mark.parametrize("kw, match", [
    (dict(loss_fns={}), "loss_fns must be a non-empty dict"),
    (dict(loss_fns={"a": 3}), "loss_fns must be a non-empty dict"),
    (dict(regs=(1.0,)), "regs must be at least 2 numbers"),
    (dict(reg=100.0), r"reg must lie in \[0.001, 10\], got 100.0"),
    (dict(h=1.0), r"h must lie in \[1e-09, 0.1\], got 1.0"),
])
def test_gradient_check_explorer_bad_arguments(kw, match):
    W, X, y = small_problem()
    args = dict(loss_fns={"correct": svm_loss_vectorized}, W=W, X=X, y=y,
                regs=(1e-3, 10.0), num_checks=2)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        gradient_check_explorer(**args)


def test_digits_lr_explorer_swaps_precomputed_runs(data):
    ex = digits_lr_explorer(data, lrs=(0.1, 1.0, 10.0), lr=1.0, epochs=5)
    assert set(ex.controls) == {"lr"}
    before = _line_data(ex)
    ex.update(lr=0.1)
    after = _line_data(ex)
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))
    assert "lr = 0.1" in ex.fig.axes[0].get_title()
    ex.update(lr=0.12)                       # snapped to the nearest rate trained
    assert "lr = 0.1:" in ex.fig.axes[0].get_title()


@pytest.mark.parametrize("kw, match", [
    (dict(lrs=(1.0,)), "lrs"),
    (dict(lrs=(1.0, 0.1)), "lrs"),
    (dict(lrs=(0.0, 1.0)), "lrs"),
    (dict(lrs=(0.1, 1.0), lr=5.0), "lr"),
])
def test_digits_lr_explorer_rejects_bad_arguments(data, kw, match):
    with pytest.raises(ValueError, match=match):
        digits_lr_explorer(data, epochs=2, **kw)


def test_sgd_batch_explorer_controls_and_update(data):
    ex = sgd_batch_explorer(data, batch_sizes=(64, None), lrs=(0.1, 1.0), batch_size=64,
                            lr=1.0, epochs=2)
    assert set(ex.controls) == {"batch_size", "lr"}
    ex.update(batch_size=None, lr=0.1)
    assert ex.fig.axes[0].get_title().startswith("full batch, lr = 0.1: 2 updates")
    ex.update(batch_size=64, lr=1.0)
    n_updates = int(np.ceil(len(data.y_train) / 64)) * 2
    assert f"{n_updates} updates" in ex.fig.axes[0].get_title()


@pytest.mark.parametrize("kw, match", [
    (dict(batch_sizes=(0, None)), "batch_sizes"),
    (dict(batch_sizes=(2.5, None)), "batch_sizes"),
    (dict(batch_sizes=(8, None), batch_size=16), "batch_size"),
    (dict(lrs=(0.1, 1.0), lr=3.0), "lr"),
])
def test_sgd_batch_explorer_rejects_bad_arguments(data, kw, match):
    args = dict(batch_sizes=(8, None), batch_size=8, lrs=(0.1, 1.0), lr=0.1, epochs=1)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        sgd_batch_explorer(data, **args)


def test_random_search_explorer_keeps_one_y_axis_for_every_scale():
    """Chapter 1's player: the scale control moves the curves, not the axis (log, fixed)."""
    rng = np.random.default_rng(5)   # not seed 0's first draw
    target = rng.standard_normal((2, 3))

    def loss_fn(W):
        return float(np.sum((W - target) ** 2))

    scales = (1e-2, 1e-1, 1.0, 10.0)
    ex = random_search_explorer(loss_fn, (2, 3), max_tries=30, scales=scales, scale=1e-1)
    ax = ex.fig.axes[0]
    assert ax.get_yscale() == "log"
    limits = set()
    for s in scales:
        ex.update(tries=30, scale=s)
        limits.add(ax.get_ylim())
        best = line(ax, "best loss so far").get_ydata()
        lo, hi = ax.get_ylim()
        assert lo < best.min() and best.max() < hi                   # every curve fits
    assert len(limits) == 1
    assert len(ax.get_title()) <= 50                                 # fits the figure's width


def test_random_search_explorer_reuses_searches_already_run():
    """Handing over longer searches (same seed) shows exactly what searching anew shows."""
    rng = np.random.default_rng(5)
    target = rng.standard_normal((2, 3))

    def loss_fn(W):
        return float(np.sum((W - target) ** 2))

    scales = (1e-1, 1.0)
    long = {s: random_search(loss_fn, (2, 3), tries=50, scale=s, seed=0) for s in scales}
    given = random_search_explorer(loss_fn, (2, 3), max_tries=20, scales=scales,
                                           searches={1.0: long[1.0]})
    fresh = random_search_explorer(loss_fn, (2, 3), max_tries=20, scales=scales)
    for ex in (given, fresh):
        ex.update(tries=20, scale=1.0)
    a, b = given.fig.axes[0], fresh.fig.axes[0]
    np.testing.assert_array_equal(line(a, "loss of each try").get_ydata(),
                                  line(b, "loss of each try").get_ydata())
    assert a.get_title() == b.get_title() and a.get_ylim() == b.get_ylim()
    with pytest.raises(ValueError, match=r"searches\[1.0\] must be a SearchResult of at least"):
        random_search_explorer(loss_fn, (2, 3), max_tries=60, scales=scales,
                                       searches={1.0: long[1.0]})
