"""Chapter 12's race with the settings it holds fixed moved one step either way: the epochs (10
and 40 instead of 20) and the batch (32 and 128 instead of 64). Each move reruns the whole
protocol (every optimizer retuned on 32 random trials, tuning seed 0, random-search seed 0,
fresh seeds 100..109): too slow for the chapter's time budget, so here. The chapter's dropdown
"How we know: moving what the race holds fixed" says what these tests check, in words:

- at 40 epochs Adam's tuned choice is behind SGD's, the interval excluding zero (Wilson et al.'s
  claim, which the chapter's own 20-epoch race only shows with twenty fresh seeds);
- with batches of 32, RMSProp's tuned choice is behind Adam's (at 20 epochs and batches of 64
  it is "better", and only just);
- at 40 epochs or with batches of 32 (twice the updates), only RMSProp's defaults beat Adam's,
  not three as at 20 epochs;
- SGD at its defaults stays last at every setting.

And one move of the random-search seed the chapter states but does not run (time budget): Adam's
search redrawn with seed 1 leaves its choice fourth of six.

Measured (one BLAS thread; intervals are 95% paired t over the ten fresh seeds, in points):
40 epochs: Adam - SGD -0.53 (-0.89 to -0.17); batch 32: RMSProp - Adam -0.97 (-1.35 to -0.60);
10 epochs: Momentum - Adam -2.42 (-3.58 to -1.27); batch 128: Momentum - Adam -1.20 (-1.69 to
-0.71). The margins below stay clear of these values, on one BLAS thread and with the
Prescott kernel on two threads.
"""

from __future__ import annotations

import numpy as np
import pytest

from optim_lib.data import load_digits_split
from optim_lib.problems import MLPDigits
from optim_lib.protocol import run_race
from optim_lib.stats import paired_difference


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def _diff(race, budget, a, b):
    return paired_difference(100 * np.asarray(race.value[budget][a], float),
                             100 * np.asarray(race.value[budget][b], float))


def _beat_adam_at_defaults(race):
    return sorted(n for n in race.names if n != "Adam"
                  and _diff(race, "defaults", n, "Adam").verdict(lower_is_better=False) == "better")


def _sgd_last_at_defaults(race):
    return race.ranking()["SGD"]["defaults"] == len(race.names)


def test_40_epochs_adam_behind_sgd_and_its_defaults_catch_up(data):
    race = run_race(MLPDigits(data, epochs=40))
    d = _diff(race, "large", "Adam", "SGD")
    assert d.verdict(lower_is_better=False) == "worse" and d.high < -0.05, str(d)
    assert _beat_adam_at_defaults(race) == ["RMSProp"]
    assert _sgd_last_at_defaults(race)


def test_batch_32_rmsprop_behind_adam_and_its_defaults_catch_up(data):
    race = run_race(MLPDigits(data, batch_size=32))
    d = _diff(race, "large", "RMSProp", "Adam")
    assert d.verdict(lower_is_better=False) == "worse" and d.high < -0.3, str(d)
    assert _beat_adam_at_defaults(race) == ["RMSProp"]
    assert _sgd_last_at_defaults(race)


def test_10_epochs_and_batch_128_labels_move(data):
    """Half the updates: Momentum's tie with Adam becomes a gap of more than half a point
    (10 epochs: -2.42, -3.58 to -1.27 on one BLAS thread, but -2.06, -4.02 to -0.10 with the
    Prescott kernel on two threads, so only the mean is asserted there; batch 128: -1.20, -1.69
    to -0.71, "worse"). RMSProp against Adam is not asserted: at 10 epochs the chosen
    configurations themselves depend on the BLAS kernel (+0.36, -0.19 to +0.91 on one thread;
    +1.36, +0.92 to +1.81 with Prescott on two threads), and at batch 128 the lower end is
    -0.04, too close to zero either way."""
    for label, race in (("10 epochs", run_race(MLPDigits(data, epochs=10))),
                        ("batch 128", run_race(MLPDigits(data, batch_size=128)))):
        d = _diff(race, "large", "Momentum", "Adam")
        assert d.mean < -0.7, (label, str(d))
        if label == "batch 128":
            assert d.verdict(lower_is_better=False) == "worse" and d.high < -0.2, (label, str(d))
        assert len(_beat_adam_at_defaults(race)) >= 3, label
        assert _sgd_last_at_defaults(race), label


def test_adams_search_redrawn_with_seed_1_leaves_it_fourth(data):
    """The chapter redraws Adam's random search alone with seeds 2 and 3 (its choice comes first)
    and says a third redraw, seed 1, leaves Adam's choice fourth of six, as with seed 0 (97.3%
    against the others' seed-0 choices: SGD 97.8, Momentum 97.1, Nesterov 96.2, AdaGrad 97.8,
    RMSProp 97.9, on fresh seeds 100..109)."""
    mlp = MLPDigits(data)
    race = run_race(mlp)
    redraw = run_race(mlp, names=("Adam",), budgets={"large": 32}, seed=1)
    adam = 100 * np.mean(redraw.value["large"]["Adam"])
    others = {n: 100 * np.mean(race.value["large"][n]) for n in race.names if n != "Adam"}
    rank = 1 + sum(o > adam for o in others.values())
    assert rank == 4, (adam, others)
    assert max(others.values()) - adam > 0.2
