"""network_search_explorer: the MLP race's search, coloured by validation error."""
import matplotlib
matplotlib.use("Agg")
import numpy as np
import pytest

from optim_lib.course.network_explorers import network_search_explorer
from optim_lib.data import load_digits_split
from optim_lib.problems import Landscape2D, MLPDigits
from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.protocol import run_race


@pytest.fixture(scope="module")
def race():
    data = load_digits_split(seed=0)
    return run_race(MLPDigits(data, epochs=1), names=("SGD", "Adam"),
                    budgets={"defaults": 0, "small": 3}, seeds=(100, 101), lr_trials=0)


def test_colours_by_error_and_rings_the_best_accuracy(race):
    ex = network_search_explorer(race, name="Adam")
    ex.update(problem="digits, MLP", optimizer="Adam", trials=3)
    assert "validation error" in ex.fig.axes[-1].get_ylabel()
    acc = race.tune_score["Adam"][1:4]
    title = ex.fig.axes[0].get_title()
    assert f"best error {1 - np.nanmax(acc):.3g}" in title, title


def test_rejects_a_race_on_steps():
    bowl_race = run_race(Landscape2D(ill_conditioned_bowl(10), steps=20), names=("SGD",),
                         budgets={"defaults": 0, "small": 2}, seeds=(100, 101), lr_trials=0)
    with pytest.raises(ValueError, match="race must be a race on accuracy"):
        network_search_explorer(bowl_race, name="SGD")
