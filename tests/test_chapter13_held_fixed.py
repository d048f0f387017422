"""Chapter 13's verdict on weight decay, at the settings its race holds fixed, each moved one
step (too slow for the chapter's time budget, so here).

The chapter's race (:func:`optim_lib.decay_search.decay_race`): Adam (λ = 0), Adam + L2 and
AdamW, 32 random trials each (lr, β₁, β₂ and λ, with λ = 0 in a quarter of the trials), tuned
on one seed, the best on validation run on 10 fresh seeds, test read once; 20 epochs of
batch 64, ε at its default, constant rate; and the same with the schedule searched too.
Moved here, constant rate: another draw of the trials (search seeds 1, 2 and 3), twice the
trials, two tuning seeds, batch 32 or 128, ε searched too, half of the trials at λ = 0, twice
the epochs. Schedule searched: search seeds 1, 2 and 3, runs of half the epochs. (The page
itself moves the budget to 8 trials and the epochs to 10.)

What the chapter says of them, asserted here:
- constant rate, after the full run: every verdict among the three is a tie, and Adam + L2
  never beats no decay; but the draw of search seed 3, cut to half its trials (16), puts AdamW
  behind no decay (and behind Adam + L2, which chose no decay there);
- after half the run the searches disagree more: with the trials of search seed 1 AdamW falls
  behind Adam + L2, at batch 32 it is ahead of it;
- schedule searched, the other three draws do not repeat the page's (where Adam + L2 trails no
  decay and AdamW ties it): AdamW ties no decay in one and beats it in two; Adam + L2 ties no
  decay in one (search seed 1) and beats it in another. Which other one, and the verdict of the
  third, change with the machine's rounding: on one BLAS thread Adam + L2 beats no decay with
  search seed 3 and ties it with seed 2; with OPENBLAS_CORETYPE=Prescott and two threads the
  searches of seeds 2 and 3 pick other trials, and it beats no decay with seed 2 and trails it
  with seed 3. So only what holds on both is asserted;
- with runs of half the epochs (10), AdamW falls behind no decay.
"""

from __future__ import annotations

from collections import Counter

import pytest

from optim_lib.data import load_digits_split
from optim_lib.decay_search import decay_race
from optim_lib.nn import MLP
from optim_lib.search_space import search_space

PAIRS = (("AdamW", "Adam"), ("Adam + L2", "Adam"), ("AdamW", "Adam + L2"))
SCHEDULE = search_space("Adam", eps=None)            # constant or warmup + cosine, searched
MOVES = {
    "search seed 1": dict(seed=1),
    "search seed 2": dict(seed=2),
    "search seed 3": dict(seed=3, budgets=(16, 32)),
    "64 trials": dict(n=64),
    "two tuning seeds": dict(tune_seeds=(0, 1)),
    "batch 32": dict(batch_size=32),
    "batch 128": dict(batch_size=128),
    "eps searched": dict(space=search_space("Adam", schedule=None)),
    "half the trials at lambda 0": dict(off=0.5),
    "40 epochs": dict(epochs=40),
}
SCHEDULE_MOVES = {
    "search seed 1": dict(seed=1),
    "search seed 2": dict(seed=2),
    "search seed 3": dict(seed=3),
    "10 epochs": dict(epochs=10),
}


@pytest.fixture(scope="module")
def setup():
    return load_digits_split(seed=0), MLP((64, 32, 10))


def _race(setup, **kw):
    data, net = setup
    epochs = kw.get("epochs", 20)
    return decay_race(net, data, **{"checkpoints": (epochs // 2, epochs), **kw})


@pytest.fixture(scope="module")
def races(setup):
    return {name: _race(setup, **kw) for name, kw in MOVES.items()}


@pytest.fixture(scope="module")
def schedule_races(setup):
    return {name: _race(setup, space=SCHEDULE, **kw) for name, kw in SCHEDULE_MOVES.items()}


@pytest.mark.parametrize("name", MOVES)
def test_constant_rate_after_the_full_run_every_verdict_is_a_tie(races, name):
    race = races[name]
    for a, b in PAIRS:
        d = race.difference(a, b)
        assert d.verdict(False) == "tie", (name, a, b, str(d))
    assert race.difference("Adam + L2", "Adam").verdict(False) != "better", name


def test_another_draw_cut_to_half_its_trials_puts_adamw_behind_no_decay(races):
    race = races["search seed 3"]
    assert race.config("Adam + L2", 16)["lam"] == 0                   # chose no decay
    for ref in ("Adam", "Adam + L2"):
        d = race.difference("AdamW", ref, 16)
        assert d.verdict(False) == "worse", (ref, str(d))


def test_after_half_the_run_the_searches_disagree(races):
    half = lambda r: (r.budgets[-1], r.checkpoints[0])          # noqa: E731
    behind = races["search seed 1"].difference("AdamW", "Adam + L2", *half(races["search seed 1"]))
    ahead = races["batch 32"].difference("AdamW", "Adam + L2", *half(races["batch 32"]))
    assert behind.verdict(False) == "worse", str(behind)
    assert ahead.verdict(False) == "better", str(ahead)


def test_schedule_searched_other_draws_do_not_repeat_the_page(schedule_races):
    draws = [schedule_races[f"search seed {s}"] for s in (1, 2, 3)]
    l2 = Counter(r.difference("Adam + L2", "Adam").verdict(False) for r in draws)
    w = Counter(r.difference("AdamW", "Adam").verdict(False) for r in draws)
    assert w == Counter(tie=1, better=2), w
    assert schedule_races["search seed 1"].difference("Adam + L2", "Adam").verdict(False) == "tie"
    assert l2["better"] >= 1, l2


def test_schedule_searched_runs_half_as_long_put_adamw_behind_no_decay(schedule_races):
    d = schedule_races["10 epochs"].difference("AdamW", "Adam")
    assert d.verdict(False) == "worse", str(d)


def test_the_check_can_fail(setup):
    """The page's own draw with the schedule searched (its reversal): Adam + L2 falls more than
    a point behind no decay, so a tie is not what every search gives."""
    race = _race(setup, space=SCHEDULE, checkpoints=None)
    d = race.difference("Adam + L2", "Adam")
    assert not abs(d.mean) < 1.0 and d.verdict(False) == "worse", str(d)
