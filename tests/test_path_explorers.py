"""Explorers of paths on landscapes (optim_lib.course.path_explorers): trajectories, the zig-zag,
noise, the race, and the appendix's step cost."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib import OPTIMIZERS, SGD, Adam, Momentum  # noqa: E402
from optim_lib.course.explorer import float_slider  # noqa: E402
from optim_lib.cost import measure_steps  # noqa: E402
from optim_lib.landscapes import ill_conditioned_bowl, saddle  # noqa: E402
from optim_lib.train import run_landscape  # noqa: E402
from optim_lib.course.path_explorers import (  # noqa: E402
    noise_explorer, race_explorer, step_cost_explorer, trajectory_explorer, zigzag_explorer)
from figure_support import line  # noqa: E402


def test_trajectory_explorer_draws_the_runs_and_update_changes_them(explorer):
    bowl, ex = explorer
    ax = ex.fig.axes[0]
    sgd_line = line(ax, "SGD")
    before = sgd_line.get_xydata().copy()
    np.testing.assert_array_equal(before, run_landscape(SGD(lr=0.05), bowl, steps=30).path)
    ex.update(lr=0.15)
    after = sgd_line.get_xydata()
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, run_landscape(SGD(lr=0.15), bowl, steps=30).path)
    np.testing.assert_array_equal(line(ax, "Momentum").get_xydata(),
                                  run_landscape(Momentum(lr=0.15, rho=0.9), bowl, steps=30).path)
    assert "lr=0.15" in ex.fig.get_suptitle()
    ex.update()                                     # back to the default
    np.testing.assert_array_equal(sgd_line.get_xydata(), before)


def test_trajectory_explorer_reports_divergence(explorer):
    bowl, ex = explorer
    ex.update(lr=0.19)
    assert "diverged" not in ex.fig.get_suptitle()
    ex2 = trajectory_explorer(bowl, {"SGD": lambda lr: SGD(lr=lr)},
                                      [float_slider("lr", 0.01, 0.5, 0.3)], steps=60)
    assert "SGD: diverged at step" in ex2.fig.get_suptitle()


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


def test_race_explorer():
    lands = {"saddle": saddle(), "bowl": ill_conditioned_bowl()}
    makers = {"SGD": SGD, "Adam": Adam}
    best = {"saddle": {"SGD": 0.3, "Adam": 0.3}, "bowl": {"SGD": 0.1, "Adam": 0.1}}
    ex = race_explorer(lands, makers, best, steps=30)
    ex.update(landscape="bowl", factor=100.0)
    assert "diverged: SGD" in ex.fig.axes[-1].get_title()
    assert [ax.get_visible() for ax in ex.fig.axes[:2]] == [False, True]
    with pytest.raises(ValueError, match="best_lrs"):
        race_explorer(lands, makers, {"saddle": best["saddle"]})
    with pytest.raises(ValueError, match="landscapes"):
        race_explorer({}, makers, best)
    with pytest.raises(ValueError, match="makers"):
        race_explorer(lands, {}, best)


def test_step_cost_explorer_swaps_bar_heights():
    table = {n: measure_steps(OPTIMIZERS, n=n, repeats=1) for n in (100, 1000)}
    ex = step_cost_explorer(table)
    ex.update(parameters=100)
    small = [b.get_height() for b in ex.fig.axes[0].patches]
    ex.update(parameters=1000)
    large = [b.get_height() for b in ex.fig.axes[0].patches]
    assert small != large
    assert np.isclose(large[0], table[1000][0].seconds / 1000 * 1e9)
    with pytest.raises(ValueError, match="table"):
        step_cost_explorer({})
