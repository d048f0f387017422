"""Chapter 11's library code: tune_lr, race, steps_score, animate_race, race_explorer."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from optim_lib import SGD, Adam
from optim_lib.landscapes import ill_conditioned_bowl, parabola, saddle
from optim_lib.plots import animate_race
from optim_lib.train import (LRSweep, Run, race, run_landscape, settle_step, steps_score,
                             tune_lr)
from optim_lib.widgets import race_explorer

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


def test_steps_score():
    L = ill_conditioned_bowl(10.0)
    reached = run_landscape(SGD(0.1), L, steps=200)
    assert steps_score(reached, 1e-3) == settle_step(reached, 1e-3) == reached.steps_to(1e-3)
    short = run_landscape(SGD(0.1), L, steps=5)
    s = steps_score(short, 1e-3)
    assert 5 < s < 5 + math.log10(1 + short.final_loss / 1e-3) + 1e-12
    closer = run_landscape(SGD(0.15), L, steps=5)
    assert (steps_score(closer, 1e-3) < s) == (closer.final_loss < short.final_loss)
    assert np.isnan(steps_score(run_landscape(SGD(1.0), L, steps=50), 1e-3))
    with pytest.raises(TypeError, match="run"):
        steps_score([1, 2], 1e-3)
    with pytest.raises(ValueError, match="target"):
        steps_score(reached, float("inf"))


def test_animate_race_and_bad_inputs():
    L = saddle()
    runs = [run_landscape(SGD(0.3), L, 10, label="SGD"), run_landscape(Adam(0.3), L, 10, label="Adam")]
    html = animate_race([(L, runs), (ill_conditioned_bowl(), runs)], steps=[0, 5, 10], title="t")
    assert "<img" in html.data or "frames" in html.data
    with pytest.raises(ValueError, match="panels"):
        animate_race([], steps=[0])
    with pytest.raises(ValueError, match="steps"):
        animate_race([(L, runs)], steps=[])


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


def test_settle_step_ignores_passing_through():
    losses = np.array([5.0, 0.5, 2.0, 0.4, 0.3, 0.2])
    run = Run("x", np.zeros((6, 2)), losses)
    assert run.steps_to(1.0) == 1           # first touch
    assert settle_step(run, 1.0) == 3       # stays below from step 3 on
    assert settle_step(run, 0.1) is None    # never ends below
    assert settle_step(run, 10.0) == 0
    assert steps_score(run, 1.0) == 3.0
    assert steps_score(run, 0.1) > 5
    assert settle_step(Run("d", np.zeros((2, 2)), np.array([1.0, 0.0]), diverged_at=2), 1.0) is None
    with pytest.raises(TypeError, match="run"):
        settle_step(None, 1.0)
