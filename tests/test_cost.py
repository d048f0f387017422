"""optim_lib.cost (memory traffic of a step) and the appendix's explorer."""

import numpy as np
import pytest

from optim_lib import OPTIMIZERS, SGD, Adam, AdaGrad, Momentum
from optim_lib.cost import measure_steps, min_traffic
from optim_lib.widgets import step_cost_explorer


def test_min_traffic_counts_w_dw_and_state():
    assert min_traffic(SGD) == (("w", "dw"), ("w",))
    assert min_traffic(Momentum) == (("w", "dw", "v"), ("v", "w"))
    assert min_traffic(AdaGrad) == (("w", "dw", "G"), ("G", "w"))
    assert min_traffic(Adam) == (("w", "dw", "m", "v"), ("m", "v", "w"))


def test_min_traffic_rejects_non_optimizers():
    with pytest.raises(TypeError, match="cls"):
        min_traffic(SGD())        # an instance, not the class
    with pytest.raises(TypeError, match="cls"):
        min_traffic(int)


def test_measure_steps_rows_are_consistent():
    rows = measure_steps(OPTIMIZERS, n=1000, repeats=2)
    assert [r.name for r in rows] == [c.__name__ for c in OPTIMIZERS]
    for r in rows:
        assert r.seconds > 0 and r.copy_bandwidth > 0
        assert r.nbytes == 8000
        assert r.min_bytes == r.arrays * 8000
        assert np.isclose(r.fraction_of_copy, r.min_bytes / r.seconds / r.copy_bandwidth)


def test_measure_steps_accepts_instances_and_keeps_their_settings():
    whole = Adam()
    whole.chunk = None
    (row,) = measure_steps([whole], n=500, repeats=1)
    assert row.name == "Adam" and whole.t >= 2   # the instance itself was stepped


@pytest.mark.parametrize("kw, name", [({"n": 0}, "n"), ({"n": 2.5}, "n"), ({"repeats": 0}, "repeats")])
def test_measure_steps_bad_arguments(kw, name):
    with pytest.raises(ValueError, match=name):
        measure_steps([SGD], **kw)


def test_measure_steps_rejects_non_optimizers():
    with pytest.raises(TypeError, match="optimizers"):
        measure_steps([object()], n=10, repeats=1)


def test_chunked_step_equals_whole_array_step():
    """Chunking is an implementation detail: the numbers must not change."""
    rng = np.random.default_rng(0)
    for cls in OPTIMIZERS:
        a, b = cls(), cls()
        a.chunk, b.chunk = 7, None
        wa = rng.standard_normal((13, 5))
        wb = wa.copy()
        for _ in range(4):
            dw = rng.standard_normal(wa.shape)
            a.step(wa, dw)
            b.step(wb, dw)
        np.testing.assert_allclose(wa, wb, rtol=0, atol=1e-15, err_msg=cls.__name__)


def test_non_contiguous_parameters_are_updated_in_place():
    base = np.ones((6, 4))
    w = base[:, ::2]                     # a strided view
    SGD(lr=0.5).step(w, np.ones(w.shape))
    assert np.all(base[:, ::2] == 0.5) and np.all(base[:, 1::2] == 1.0)


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


def test_best_time_keeps_the_shortest_run_and_checks_repeats():
    from optim_lib.cost import best_time

    ticks = iter([0.0, 5.0, 10.0, 11.0, 20.0, 23.0])    # runs of 5, 1 and 3 "seconds"
    assert best_time(lambda: None, 3, clock=lambda: next(ticks)) == 1.0
    with pytest.raises(ValueError, match="repeats"):
        best_time(lambda: None, 0)


def test_flip_rate_counts_reversals_per_coordinate():
    from optim_lib.train import Run, flip_rate

    path = np.array([[0, 0], [1, 1], [2, 0], [3, 1], [4, 0.0]])   # x steady, y zig-zags
    run = Run("t", path, np.zeros(len(path)))
    np.testing.assert_array_equal(flip_rate(run), [0.0, 1.0])
    with pytest.raises(ValueError, match="run"):
        flip_rate(Run("short", path[:2], np.zeros(2)))
