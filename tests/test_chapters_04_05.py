"""Library code added for chapters 4 (gradient descent) and 5 (SGD).

The explorer factories of optim_lib.widgets (digits_lr_explorer,
sgd_batch_explorer, zigzag_explorer, noise_explorer). The chapter 5 checker,
check_minibatches, is tested with the other checkers in test_exercises.py.
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib.data import load_digits_split  # noqa: E402
from optim_lib.landscapes import ill_conditioned_bowl  # noqa: E402
from optim_lib.widgets import (digits_lr_explorer, noise_explorer,  # noqa: E402
                               sgd_batch_explorer, zigzag_explorer)


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def _line_data(explorer):
    return [np.asarray(line.get_ydata(), dtype=float).copy()
            for ax in explorer.fig.axes for line in ax.lines]


# --- digits_lr_explorer -------------------------------------------------------

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


# --- sgd_batch_explorer -------------------------------------------------------

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


# --- zigzag_explorer ----------------------------------------------------------

def test_zigzag_explorer_reports_progress_and_divergence():
    ex = zigzag_explorer(condition=10, lr_fraction=0.9, steps=60)
    assert set(ex.controls) == {"condition", "lr_fraction"}
    ex.update(condition=1.0, lr_fraction=0.5)   # lr = 1 on a round bowl: one step
    assert "at step 1" in ex.fig.axes[1].get_title()
    ex.update(condition=10.0, lr_fraction=1.1)  # past the stability limit
    assert "diverg" in ex.fig.axes[1].get_title()
    ex.update(condition=10.0, lr_fraction=0.5)
    assert "at step" in ex.fig.axes[1].get_title()


@pytest.mark.parametrize("kw, match", [
    (dict(condition=0.5), "condition"),
    (dict(condition=500.0), "condition"),
    (dict(lr_fraction=2.0), "lr_fraction"),
    (dict(max_condition=1.0), "max_condition"),
    (dict(target=0.0), "target"),
])
def test_zigzag_explorer_rejects_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        zigzag_explorer(**kw)


# --- noise_explorer -----------------------------------------------------------

def test_noise_explorer_is_deterministic():
    ex = noise_explorer(ill_conditioned_bowl(5), lr=0.1, sigma=1.0, steps=80)
    path = ex.fig.axes[0].lines[-1]
    ex.update(sigma=1.0)
    first = np.array(path.get_xydata())
    ex.update(sigma=0.5)
    ex.update(sigma=1.0)
    assert np.array_equal(first, path.get_xydata()), "a sigma always shows the same run"
    ex.update(sigma=0.0)
    assert "e-" in ex.fig.axes[1].get_title()   # no noise: a tiny gap to the minimum


@pytest.mark.parametrize("kw, match", [
    (dict(sigma=-1.0), "sigma"),
    (dict(sigma=5.0, max_sigma=4.0), "sigma"),
    (dict(max_sigma=0.0), "max_sigma"),
])
def test_noise_explorer_rejects_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        noise_explorer(ill_conditioned_bowl(5), steps=5, **kw)


