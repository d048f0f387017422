"""Learning-rate tuning and the race (optim_lib.tuning): tune_lr, LRSweep, race."""

import math

import numpy as np
import pytest

from optim_lib import SGD, Adam
from optim_lib.landscapes import parabola
from optim_lib.metrics import steps_score
from optim_lib.train import Run, run_landscape
from optim_lib.tuning import LRSweep, race, tune_lr


LRS = [0.01, 0.1, 1.0, 10.0]


def fake(lr):
    """An objective whose score is a known function of lr: best at lr = 1, nan at 10."""
    return {0.01: 0.5, 0.1: 0.8, 1.0: 0.9, 10.0: float("nan")}[lr]


def objective(opt):
    return fake(opt.lr)


def test_tune_lr_picks_best_and_marks_nan_as_not_working():
    sweep = tune_lr(SGD, objective, LRS, higher_is_better=True)
    assert isinstance(sweep, LRSweep)
    assert sweep.best_lr == 1.0 and sweep.best_score == 0.9
    assert sweep.working.tolist() == [True, True, True, False]
    assert sweep.n_working == 3
    assert math.isclose(sweep.band_decades, 2.0)
    assert np.isnan(sweep.scores[-1])
    assert sweep.name == "SGD"


def test_tune_lr_tolerance_and_threshold():
    sweep = tune_lr(SGD, objective, LRS, higher_is_better=True, tolerance=0.15)
    assert sweep.working.tolist() == [False, True, True, False]
    assert math.isclose(sweep.band_decades, 1.0)
    sweep = tune_lr(SGD, objective, LRS, higher_is_better=True, threshold=0.85)
    assert sweep.working.tolist() == [False, False, True, False]
    assert sweep.band_decades == 0.0


def test_tune_lr_lower_is_better_and_ties_take_smallest_lr():
    sweep = tune_lr(SGD, lambda opt: 3.0 if opt.lr < 5 else 7.0, LRS)
    assert sweep.best_lr == 0.01 and sweep.best_score == 3.0


def test_tune_lr_band_is_the_unbroken_run_around_the_best():
    scores = {0.01: 1.0, 0.1: 5.0, 1.0: 1.0, 10.0: 1.0}
    sweep = tune_lr(SGD, lambda opt: scores[opt.lr], LRS, tolerance=0.5)
    # best is lr = 0.01 (first of the ties); 0.1 breaks the band, so only one lr wide
    assert sweep.n_working == 3 and sweep.band_decades == 0.0


def test_tune_lr_with_score_keeps_results():
    L = parabola(1.0)
    sweep = tune_lr(SGD, lambda opt: run_landscape(opt, L, steps=20), [0.1, 1.0, 3.0],
                    score=lambda run: steps_score(run, 1e-6))
    assert all(isinstance(r, Run) for r in sweep.results)
    assert sweep.best_lr == 1.0 and sweep.best_score == 1.0   # lr = 1/a jumps to 0 at once
    assert np.isnan(sweep.scores[2])                          # lr > 2/a diverges
    assert sweep.best_result is sweep.results[1]


def test_tune_lr_all_nan():
    sweep = tune_lr(SGD, lambda opt: float("inf"), LRS)
    assert sweep.best_index is None and sweep.best_lr is None and sweep.n_working == 0
    assert sweep.band_decades == 0.0
    assert "no learning rate" in repr(sweep)


@pytest.mark.parametrize("kw, word", [
    (dict(make_optimizer=3), "make_optimizer"),
    (dict(objective=None), "objective"),
    (dict(score="x"), "score"),
    (dict(lrs=[]), "lrs"),
    (dict(lrs=[0.1, 0.01]), "lrs"),
    (dict(lrs=[0.0, 1.0]), "lrs"),
    (dict(lrs=[0.1, float("nan")]), "lrs"),
    (dict(lrs="abc"), "lrs"),
    (dict(tolerance=-1.0), "tolerance"),
    (dict(tolerance="a"), "tolerance"),
    (dict(threshold=float("nan")), "threshold"),
])
def test_tune_lr_bad_inputs_name_the_argument(kw, word):
    args = dict(make_optimizer=SGD, objective=objective, lrs=LRS)
    args.update(kw)
    with pytest.raises((ValueError, TypeError), match=word):
        tune_lr(**args)


def test_tune_lr_rejects_a_maker_that_returns_no_optimizer():
    with pytest.raises(TypeError, match="opt must be an optim_lib optimizer"):
        tune_lr(lambda lr: lr, objective, LRS)


def test_race_rows():
    rows = race({"SGD": SGD, "Adam": Adam}, objective, LRS, higher_is_better=True,
                report=lambda result: {"echo": result})
    assert [r["optimizer"] for r in rows] == ["SGD", "Adam"]
    assert rows[0]["best_lr"] == 1.0 and rows[0]["echo"] == 0.9
    assert rows[0]["n_working"] == 3 and isinstance(rows[0]["sweep"], LRSweep)
    assert rows[1]["sweep"].name == "Adam"


@pytest.mark.parametrize("kw, word", [
    (dict(makers={}), "makers"),
    (dict(makers=[SGD]), "makers"),
    (dict(report=5), "report"),
    (dict(report=lambda r: 1.0), "report"),
])
def test_race_bad_inputs(kw, word):
    args = dict(makers={"SGD": SGD}, objective=objective, lrs=LRS)
    args.update(kw)
    with pytest.raises((ValueError, TypeError), match=word):
        race(**args)
