"""The search explorer: one point per trial, the chosen one ringed, bad input rejected."""

import numpy as np
import pytest

from optim_lib.course.search_explorer import memory_of, search_explorer
from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.problems import Landscape2D
from optim_lib.protocol import run_race


@pytest.fixture(scope="module")
def races():
    race = run_race(Landscape2D(ill_conditioned_bowl(10)), names=("SGD", "Momentum", "Adam"),
                    budgets={"defaults": 0, "small": 4, "large": 8}, lr_trials=2)
    return {"bowl": race}


def test_points_and_chosen(races):
    ex = search_explorer(races, name="Momentum", trials=8)
    race = races["bowl"]
    p = race.points("Momentum")
    ax = ex.fig.axes[0]
    shown = sum(len(c.get_offsets()) for c in ax.collections) + len(ax.lines[0].get_xdata())
    assert shown == 8                                   # every trial drawn once
    ring = ax.lines[1]
    i = int(np.nanargmin(np.where(np.isfinite(p["score"]), p["score"], np.inf)))
    assert np.isclose(ring.get_xdata()[0], p["lr"][i])
    assert np.isclose(ring.get_ydata()[0], max(1 - p["rho"][i], 6e-4))
    # the ring is the trial the race chose at the same budget (trials 1..8)
    assert race.chosen["large"]["Momentum"] == i + 1
    ex.update(trials=4)
    assert race.chosen["small"]["Momentum"] - 1 == int(np.nanargmin(
        np.where(np.isfinite(p["score"][:4]), p["score"][:4], np.inf)))
    assert np.isclose(ax.lines[1].get_xdata()[0], p["lr"][race.chosen["small"]["Momentum"] - 1])
    assert len(ex.render()) > 1000


def test_memory_of(races):
    p = races["bowl"].points("SGD")
    assert np.all(memory_of(p, "SGD") == 1)              # SGD sits at rho = 0
    q = races["bowl"].points("Adam")
    assert np.allclose(memory_of(q, "Adam"), 1 - q["beta1"])


def test_bad_input(races):
    with pytest.raises(ValueError, match="trials"):
        search_explorer(races, trials=9)
    with pytest.raises(ValueError, match="name"):
        search_explorer(races, name="Lion")
    with pytest.raises(ValueError, match="problem"):
        search_explorer(races, problem="saddle")
    with pytest.raises(ValueError, match="races"):
        search_explorer({})
