"""Plots and explorers (optim_lib.plots, optim_lib.widgets): smoke tests that look at the data."""

import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import optim_lib
from optim_lib import SGD, Momentum, plots, widgets
from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.search import random_search
from optim_lib.train import run_landscape

FRAME = re.compile(r'frames\[(\d+)\] = "data:image/png;base64,([^"]*)"')


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def line(ax, label):
    (found,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return found


def test_color_of_gives_one_distinct_colour_per_optimizer():
    names = [cls.name for cls in optim_lib.OPTIMIZERS]
    colours = [plots.color_of(n) for n in names]
    assert len(set(colours)) == len(names)
    assert all(matplotlib.colors.is_color_like(c) for c in colours)
    for cls in optim_lib.OPTIMIZERS:      # by name, by class and by instance: the same colour
        assert plots.color_of(cls) == plots.color_of(cls.name) == plots.color_of(cls())
    # an unknown name falls back to the palette, by index
    fallback = [plots.color_of("my method", i) for i in range(3)]
    assert len(set(fallback)) == 3 and all(matplotlib.colors.is_color_like(c) for c in fallback)


@pytest.fixture
def explorer():
    bowl = ill_conditioned_bowl(10)
    return bowl, widgets.trajectory_explorer(
        bowl, {"SGD": lambda lr: SGD(lr=lr), "Momentum": lambda lr: Momentum(lr=lr, rho=0.9)},
        [widgets.float_slider("lr", 0.01, 0.19, 0.05)], steps=30)


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
    ex2 = widgets.trajectory_explorer(bowl, {"SGD": lambda lr: SGD(lr=lr)},
                                      [widgets.float_slider("lr", 0.01, 0.5, 0.3)], steps=60)
    assert "SGD: diverged at step" in ex2.fig.get_suptitle()


def test_update_with_an_unknown_control_names_it(explorer):
    _, ex = explorer
    with pytest.raises(ValueError, match="learning_rate"):
        ex.update(learning_rate=0.1)
    with pytest.raises(ValueError, match=r"^sweep must.*'rho'"):
        ex.twin("rho")


def test_twin_holds_one_frame_per_sweep_value(explorer):
    _, ex = explorer
    values = [0.03, 0.1, 0.17]
    html = ex.twin("lr", values=values).data
    frames = FRAME.findall(html)
    assert [int(i) for i, _ in frames] == list(range(len(values)))
    assert f"new Array({len(values)})" in html
    assert len({img for _, img in frames}) == len(values)    # three different pictures
    assert "font-awesome" not in html                          # works offline


def test_control_sweeps():
    assert widgets.float_slider("a", 0.0, 1.0, 0.5).sweep(5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    np.testing.assert_allclose(widgets.log_slider("b", 1e-3, 1e-1, 1e-2).sweep(3), [1e-3, 1e-2, 1e-1])
    assert widgets.int_slider("c", 1, 4, 2).sweep(9) == [1, 2, 3, 4]
    assert widgets.choice("d", ["x", "y"]).sweep() == ["x", "y"]
    with pytest.raises(ValueError, match="'a'"):
        widgets.float_slider("a", 0.0, 1.0, 2.0)
    with pytest.raises(ValueError, match="'d'"):
        widgets.choice("d", ["x", "y"], value="z")


def test_random_search_explorer_builds_and_updates():
    rng = np.random.default_rng(0)
    target = rng.standard_normal((2, 3))

    def loss_fn(W):
        return float(np.sum((W - target) ** 2))

    scales = (1e-2, 1e-1, 1.0)
    ex = widgets.random_search_explorer(loss_fn, (2, 3), max_tries=20, scales=scales, scale=1e-1)
    ax = ex.fig.axes[0]
    every, best = line(ax, "loss of each try"), line(ax, "best loss so far")
    assert len(every.get_xdata()) == 20                       # default: all tries
    ex.update(tries=5, scale=1.0)
    ref = random_search(loss_fn, (2, 3), tries=20, scale=1.0, seed=0)
    np.testing.assert_array_equal(every.get_xdata(), np.arange(1, 6))
    np.testing.assert_array_equal(every.get_ydata(), ref.losses[:5])
    np.testing.assert_array_equal(best.get_ydata(), ref.best_so_far[:5])
    assert f"{ref.best_so_far[4]:.3f}" in ax.get_title()
    html = ex.twin("tries", values=[1, 20]).data
    assert len(FRAME.findall(html)) == 2


def test_frame_player_needs_frames():
    fig, _ = plots.figure()
    with pytest.raises(ValueError, match="frames"):
        plots.frame_player(fig, lambda v: None, [])


def test_plot_trajectories_and_losses_use_the_book_colours():
    bowl = ill_conditioned_bowl(10)
    runs = [run_landscape(SGD(lr=0.1), bowl, steps=10), run_landscape(Momentum(lr=0.05), bowl, steps=10)]
    ax = plots.plot_trajectories(bowl, runs)
    sgd_line = line(ax, runs[0].label)
    np.testing.assert_array_equal(sgd_line.get_xydata(), runs[0].path)
    assert matplotlib.colors.same_color(sgd_line.get_color(), plots.color_of("SGD"))
    assert matplotlib.colors.same_color(line(ax, runs[1].label).get_color(), plots.color_of("Momentum"))
    ax2 = plots.plot_losses(runs)
    assert ax2.get_yscale() == "log"
    np.testing.assert_array_equal(line(ax2, runs[1].label).get_ydata(), runs[1].losses)


def test_color_of_reads_a_label_that_starts_with_a_method_name():
    from optim_lib.plots import COLORS, color_of

    assert color_of("SGD(lr=0.1)") == COLORS["SGD"]
    assert color_of("Adam, lr = 0.01") == COLORS["Adam"]
    assert color_of("Momentum") == COLORS["Momentum"]
    assert color_of("SGDish", 0) != COLORS["SGD"]      # a longer word is not the method


def test_blitted_render_matches_a_full_draw():
    """An explorer with `dynamic` artists redraws only those on a cached background;
    the picture must be the one a full draw gives (up to anti-aliasing of redrawn edges)."""
    import io

    import numpy as np
    from PIL import Image

    from optim_lib import SGD
    from optim_lib.landscapes import ill_conditioned_bowl
    from optim_lib.widgets import log_slider, trajectory_explorer

    ex = trajectory_explorer(ill_conditioned_bowl(10), {"SGD": lambda lr: SGD(lr)},
                             [log_slider("lr", 1e-3, 0.3, 0.05)], steps=50)
    first = ex.render()
    ex.update(lr=0.19)
    blitted = np.asarray(Image.open(io.BytesIO(ex.render())).convert("RGB")).astype(int)
    buf = io.BytesIO()
    ex.fig.savefig(buf, format="png")
    full = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    assert blitted.shape == full.shape
    differ = (np.abs(blitted - full).max(axis=2) > 30).mean()
    assert differ < 0.01, f"{differ:.1%} of the pixels differ from a full draw"
    assert ex.render() != first          # and the picture did change with lr
