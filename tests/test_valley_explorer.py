"""optim_lib.course.valley_explorer: the valley's two directions, drawn apart."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib import Momentum, Nesterov  # noqa: E402
from optim_lib.course.explorer import float_slider, log_slider  # noqa: E402
from optim_lib.course.valley_explorer import directions_explorer  # noqa: E402
from optim_lib.landscapes import ill_conditioned_bowl  # noqa: E402
from optim_lib.metrics import amplitude  # noqa: E402
from optim_lib.train import run_landscape  # noqa: E402
from figure_support import line  # noqa: E402

METHODS = {"Momentum": lambda lr, rho: Momentum(lr, rho),
           "Nesterov": lambda lr, rho: Nesterov(lr, rho)}
CONTROLS = [log_slider("lr", 1e-3, 0.3, 0.05), float_slider("rho", 0.0, 0.99, 0.9)]


def test_draws_both_directions_of_each_run_and_reports_the_amplitude():
    ex = directions_explorer(METHODS, CONTROLS, steps=80, window=(20, 40))
    bowl = ill_conditioned_bowl(10)
    ax, ax_x, ax_y = ex.fig.axes
    for lr in (0.05, 0.09):
        ex.update(lr=lr)
        for label, make in METHODS.items():
            run = run_landscape(make(lr, 0.9), bowl, 80)
            np.testing.assert_array_equal(line(ax, label).get_xydata(), run.path)
            np.testing.assert_array_equal(line(ax_x, label).get_ydata(),
                                          np.maximum(np.abs(run.path[:, 0]), 1e-16))
            np.testing.assert_array_equal(line(ax_y, label).get_ydata(),
                                          np.maximum(np.abs(run.path[:, 1]), 1e-16))
            amp = amplitude(run, (0, 0), 1, 20, 40)
            assert f"{label}: max|y| in steps 20–39 = {amp:.1e}" in ex.fig.get_suptitle()
    assert "lr=0.09" in ex.fig.get_suptitle()


def test_reports_divergence_and_the_twin_sweeps_the_learning_rate():
    ex = directions_explorer(METHODS, CONTROLS, steps=60)
    ex.update(lr=0.2)          # above Nesterov's limit 0.136 on κ = 10, below momentum's 0.38
    title = ex.fig.get_suptitle()
    assert "Nesterov: diverged" in title and "Momentum: diverged" not in title
    player = ex.twin("lr", values=[0.05, 0.1])
    html = str(getattr(player, "data", player))
    assert len(html) > 1000 and "<img" in html


@pytest.mark.parametrize("kw, match", [(dict(methods={}), "methods"), (dict(steps=1), "steps"),
                                       (dict(window=(50, 40)), "window"),
                                       (dict(target=0), "target")])
def test_bad_arguments_are_named(kw, match):
    args = dict(methods=METHODS, controls=CONTROLS, steps=60)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        directions_explorer(**args)
