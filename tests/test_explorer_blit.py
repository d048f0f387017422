"""A redraw that repaints only what changes (``dynamic=drawn_above(...)``) gives the same
pixels as a full draw of the figure, frame by frame, for every explorer that uses it.

Each explorer is built twice from the same inputs; one of them is switched to full draws
(``_dynamic = None``), and both kernel-free twins must hold the same frames, byte for byte.
The negative tests show the comparison fails when the repainted layer is incomplete (an
artist above the changing ones left in the background) or when a background is reused
across states that differ (the colour scale of another problem).
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim_lib.course import explorer as explorer_mod  # noqa: E402
from optim_lib.course.classifier_explorers import (  # noqa: E402
    digits_lr_explorer, gradient_check_explorer, numeric_gradient_explorer,
    random_search_explorer, sgd_batch_explorer)
from optim_lib.course.path_explorers import noise_explorer, zigzag_explorer  # noqa: E402
from optim_lib.course.orthogonal_explorer import newton_schulz_explorer  # noqa: E402
from optim_lib.course.player import player_data  # noqa: E402
from optim_lib.course.search_explorer import search_explorer  # noqa: E402
from optim_lib.data import load_digits_split  # noqa: E402
from optim_lib.landscapes import ill_conditioned_bowl  # noqa: E402
from optim_lib.losses import svm_loss_vectorized  # noqa: E402
from optim_lib.problems import Landscape2D  # noqa: E402
from optim_lib.protocol import run_race  # noqa: E402


def _frames(ex, sweep=None, values=None, **options):
    return player_data(ex.twin(sweep, values, **options).data)


def _full(ex):
    ex._dynamic = None                      # every frame a full draw of the figure
    return ex


def _pixels(ex, params_list):
    out = []
    for params in params_list:
        ex.update(**params)
        if ex._dynamic is None:
            ex._canvas.draw()
        else:
            ex._draw_dynamic()
        out.append(np.asarray(ex._canvas.buffer_rgba()).copy())
    return out


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def _svm_small():
    rng = np.random.default_rng(0)
    W = 0.5 * rng.standard_normal((4, 6))
    X = rng.standard_normal((30, 6))
    y = rng.integers(0, 4, size=30)
    return W, X, y


def _random_search():
    target = np.random.default_rng(0).standard_normal((2, 3))
    return random_search_explorer(lambda W: float(np.sum((W - target) ** 2)), (2, 3),
                                  max_tries=50, scales=(1e-2, 1e-1, 1.0), scale=1e-1)


def _numeric_gradient():
    W, X, y = _svm_small()
    f = lambda V: svm_loss_vectorized(V, X, y, 1e-3)[0]  # noqa: E731
    return numeric_gradient_explorer(f, W, svm_loss_vectorized(W, X, y, 1e-3)[1], num_checks=8)


def _gradient_check():
    W, X, y = _svm_small()

    def buggy(V, X, y, reg):
        loss, dV = svm_loss_vectorized(V, X, y, reg)
        return loss, dV * 1.01
    return gradient_check_explorer({"correct": svm_loss_vectorized, "buggy": buggy}, W, X, y,
                                   regs=10.0 ** np.arange(-3, 1), hs=(1e-7, 1e-5, 1e-3),
                                   reg=1e-3, h=1e-5, num_checks=6)


BUILDERS = {
    "random search (ch. 1)": (_random_search, ("tries", [1, 5, 20, 50])),
    "numeric gradient (ch. 2)": (_numeric_gradient, ("h", None)),
    "gradient check (ch. 3)": (_gradient_check, ("reg", list(10.0 ** np.arange(-3, 1)))),
    "zigzag (ch. 5)": (lambda: zigzag_explorer(), ("condition", [1.0, 10.0, 100.0])),
    "Newton-Schulz (ch. 15)": (lambda: newton_schulz_explorer(
        np.random.default_rng(0).standard_normal((12, 8))), ("steps", [0, 1, 3, 8])),
    "noise (ch. 5)": (lambda: noise_explorer(ill_conditioned_bowl(10)), ("sigma", [0.0, 1.0, 4.0])),
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_repainting_the_changing_layer_gives_the_full_draw(name):
    build, (sweep, values) = BUILDERS[name]
    fast, slow = build(), _full(build())
    assert fast._dynamic is not None
    assert _frames(fast, sweep, values) == _frames(slow, sweep, values)


def test_the_digits_explorers_repaint_exactly(data):
    fast = digits_lr_explorer(data, lrs=(1e-1, 1.0, 10.0), lr=1.0, epochs=10)
    slow = _full(digits_lr_explorer(data, lrs=(1e-1, 1.0, 10.0), lr=1.0, epochs=10))
    assert _frames(fast) == _frames(slow)
    kw = dict(batch_sizes=(16, 256, None), lrs=(1e-2, 1e-1), batch_size=16, lr=1e-1, epochs=2)
    fast, slow = sgd_batch_explorer(data, **kw), _full(sgd_batch_explorer(data, **kw))
    assert _frames(fast) == _frames(slow)


@pytest.fixture(scope="module")
def races():
    def race(kappa):
        return run_race(Landscape2D(ill_conditioned_bowl(kappa)), names=("SGD", "Adam"),
                        budgets={"defaults": 0, "small": 4, "large": 8}, lr_trials=2)
    return {"bowl 10": race(10), "bowl 1000": race(1000)}


def test_search_explorer_keeps_one_background_per_problem(races):
    fast, slow = search_explorer(races, name="Adam"), _full(search_explorer(races, name="Adam"))
    assert _frames(fast, "trials", [2, 8]) == _frames(slow, "trials", [2, 8])


def test_one_background_for_every_problem_would_show_the_wrong_colour_bar(races):
    ex = search_explorer(races, name="Adam")
    ex._static_key = None                  # one background, whatever the problem
    slow = _full(search_explorer(races, name="Adam"))
    combos = [dict(problem="bowl 10"), dict(problem="bowl 1000")]
    fast_px, slow_px = _pixels(ex, combos), _pixels(slow, combos)
    assert np.array_equal(fast_px[0], slow_px[0])
    assert not np.array_equal(fast_px[1], slow_px[1])


def test_a_layer_that_leaves_out_what_lies_above_it_is_caught():
    """Repainting only the changing lines (not the spines, legend and lines above them)
    paints them over the frame: the comparison above must see it."""
    target = np.random.default_rng(0).standard_normal((2, 3))
    loss = lambda W: float(np.sum((W - target) ** 2))  # noqa: E731
    ex = random_search_explorer(loss, (2, 3), max_tries=50, scales=(1e-2, 1e-1, 1.0))
    every, best = (line for line in ex.fig.axes[0].lines
                   if line.get_label() in ("loss of each try", "best loss so far"))
    ex._dynamic = [every, best, ex.fig.axes[0].title]       # too little: no spine, no legend
    ex._backgrounds.clear()
    slow = _full(random_search_explorer(loss, (2, 3), max_tries=50, scales=(1e-2, 1e-1, 1.0)))
    combos = [dict(tries=50, scale=s) for s in (1e-2, 1e-1, 1.0)]
    assert any(not np.array_equal(a, b) for a, b in zip(_pixels(ex, combos), _pixels(slow, combos)))


def test_drawn_above_lists_every_artist_at_or_above_the_lowest_in_drawing_order():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    low, = ax.plot([0, 1], [0, 1], zorder=1)
    mid, = ax.plot([0, 1], [1, 0], zorder=2)
    top, = ax.plot([0, 1], [0.5, 0.5], zorder=4)
    legend = ax.legend(["a", "b", "c"])
    layer = explorer_mod.drawn_above(mid)
    assert low not in layer and layer.index(mid) < layer.index(top) < layer.index(legend)
    assert all(s in layer for s in ax.spines.values()) and ax.title in layer
    assert ax.xaxis not in layer and ax.patch not in layer
    plt.close(fig)


def test_the_axes_titles_stay_in_the_figure():
    """Hiding a title to render the background used to move it out of the figure (its
    Axes places titles from the visible ones): the noise explorer's titles were lost."""
    ex = noise_explorer(ill_conditioned_bowl(10))
    ex.render()
    for ax in ex.fig.axes:
        assert ax.title.get_position()[1] == 1.0 and ax.title.get_text()


def _decay():
    from optim_lib import Adam, AdamW
    from optim_lib.course.network_explorers import decay_explorer
    from optim_lib.network_train import train_networks
    from optim_lib.nn import MLP

    data, net, strengths = load_digits_split(seed=0), MLP((64, 4, 10)), [1e-3, 1e-2, 1e-1]
    res = {"Adam + L2": train_networks(net, [Adam(0.01) for _ in strengths], data, seeds=(0, 1),
                                       epochs=1, reg=strengths),
           "AdamW": train_networks(net, [AdamW(0.01, weight_decay=s) for s in strengths], data,
                                   seeds=(0, 1), epochs=1)}
    return decay_explorer(res, strengths)


def _schedule():
    from optim_lib import SGD, Adam
    from optim_lib.course.network_explorers import schedule_explorer
    from optim_lib.landscapes import noisy
    from optim_lib.schedules import Constant, CosineDecay

    bowl = ill_conditioned_bowl(10)
    return schedule_explorer(lambda: noisy(bowl, 1.0, seed=0),
                             {"SGD": lambda f: SGD(0.1 * f), "Adam": lambda f: Adam(0.1 * f)},
                             {"constant": Constant(), "cosine": CosineDecay(100)}, steps=100)


def _step_cost():
    from collections import namedtuple

    from optim_lib.course.path_explorers import step_cost_explorer

    row = namedtuple("row", "name seconds fraction_of_copy")
    table = {n: [row(name, n * 1e-9 * (k + 1) * f, 0.3 * (k + 1) * f)
                 for k, name in enumerate(("SGD", "Momentum", "Adam"))]
             for n, f in ((1000, 1.0), (100_000, 2.5))}
    return step_cost_explorer(table)


@pytest.mark.parametrize("build, sweep", [(_decay, "strength"), (_schedule, "schedule"),
                                          (_step_cost, "parameters")],
                         ids=["decay (ch. 13)", "schedule (ch. 14)", "step cost (ch. A)"])
def test_the_later_explorers_repaint_exactly(build, sweep):
    fast, slow = build(), _full(build())
    assert fast._dynamic is not None
    assert _frames(fast, sweep) == _frames(slow, sweep)


def test_the_network_search_explorer_repaints_exactly(data):
    from optim_lib.course.network_explorers import network_search_explorer
    from optim_lib.problems import MLPDigits

    race = run_race(MLPDigits(data, epochs=1), names=("SGD", "Adam"),
                    budgets={"defaults": 0, "small": 4}, seeds=(100, 101), lr_trials=0)
    fast = network_search_explorer(race, name="Adam")
    slow = _full(network_search_explorer(race, name="Adam"))
    assert fast._dynamic is not None and fast._static_key is not None
    assert _frames(fast, "trials", [1, 2, 4]) == _frames(slow, "trials", [1, 2, 4])
