"""What a step costs (optim_lib.cost): minimum traffic, measured steps, best and CPU time."""

import numpy as np
import pytest

from optim_lib import OPTIMIZERS, cost, SGD, AdaGrad, Adam, AdamW, Momentum, fused
from optim_lib.cost import best_time, cpu_time, measure_steps, min_traffic


def test_min_traffic_counts_w_dw_and_state():
    assert min_traffic(SGD) == (("w", "dw"), ("w",))
    assert min_traffic(Momentum) == (("w", "dw", "v"), ("v", "w"))
    assert min_traffic(AdaGrad) == (("w", "dw", "G"), ("G", "w"))
    assert min_traffic(Adam) == (("w", "dw", "m", "v"), ("m", "v", "w"))
    assert min_traffic(AdamW) == min_traffic(Adam)
    for cls in (*OPTIMIZERS, AdamW):                 # the fast twin moves the same arrays
        assert min_traffic(fused.twin(cls)) == min_traffic(cls)


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
    whole = fused.Adam()
    whole.chunk = None
    (row,) = measure_steps([whole], n=500, repeats=1)
    assert row.name == "Adam" and whole.t >= 2 and whole.chunk is None   # the instance itself was stepped


@pytest.mark.parametrize("kw, name", [({"n": 0}, "n"), ({"n": 2.5}, "n"), ({"repeats": 0}, "repeats")])
def test_measure_steps_bad_arguments(kw, name):
    with pytest.raises(ValueError, match=name):
        measure_steps([SGD], **kw)


def test_measure_steps_rejects_non_optimizers():
    with pytest.raises(TypeError, match="optimizers"):
        measure_steps([object()], n=10, repeats=1)


def test_best_time_keeps_the_shortest_run_and_checks_repeats():
    ticks = iter([0.0, 5.0, 10.0, 11.0, 20.0, 23.0])    # runs of 5, 1 and 3 "seconds"
    assert best_time(lambda: None, 3, clock=lambda: next(ticks)) == 1.0
    with pytest.raises(ValueError, match="repeats"):
        best_time(lambda: None, 0)


def test_cpu_time_is_the_best_process_time(monkeypatch):
    ticks = iter([0.0, 4.0, 10.0, 12.0])                 # runs of 4 and 2 CPU "seconds"
    monkeypatch.setattr(cost.time, "process_time", lambda: next(ticks))
    assert cpu_time(lambda: None, repeats=2) == 2.0
    with pytest.raises(ValueError, match="repeats"):
        cpu_time(lambda: None, repeats=0)


def test_non_contiguous_parameters_are_updated_in_place():
    base = np.ones((6, 4))
    w = base[:, ::2]                     # a strided view
    SGD(lr=0.5).step(w, np.ones(w.shape))
    assert np.all(base[:, ::2] == 0.5) and np.all(base[:, 1::2] == 1.0)


# --- the rules after AdamW, and Adafactor's factored second moment -----------------------

from optim_lib import Lion, Muon, AdamWScheduleFree
from optim_lib.cost import (factored_estimate, factored_numbers, factored_second_moment,
                            state_bytes_per_parameter)


def test_min_traffic_steps_a_matrix_for_muon():
    assert min_traffic(Muon) == (("w", "dw", "B"), ("B", "w"))
    assert min_traffic(Muon, shape=(3, 5)) == min_traffic(Muon)
    assert min_traffic(Lion) == (("w", "dw", "m"), ("m", "w"))
    assert min_traffic(AdamWScheduleFree) == (("w", "dw", "z", "v"), ("z", "v", "w"))
    with pytest.raises(ValueError, match="2-D"):
        min_traffic(Muon, shape=(4,))             # a vector is not Muon's
    with pytest.raises(ValueError, match="shape"):
        min_traffic(Adam, shape=())


def test_state_bytes_per_parameter_of_every_rule():
    got = {c.__name__: state_bytes_per_parameter(c, (20, 30))
           for c in (SGD, Momentum, Adam, AdamW, Lion, Muon, AdamWScheduleFree)}
    assert got == {"SGD": 0, "Momentum": 8, "Adam": 16, "AdamW": 16, "Lion": 8, "Muon": 8,
                   "AdamWScheduleFree": 16}
    with pytest.raises(TypeError, match="cls"):
        state_bytes_per_parameter(Adam(), (2, 2))


def test_factored_numbers_is_a_row_and_a_column():
    assert factored_numbers((1000, 1000)) == 2000
    assert factored_numbers((3, 4, 5)) == 3 * (4 + 5)     # a stack of three 4 x 5 matrices
    assert factored_numbers(7) == factored_numbers((7,)) == 7   # a vector keeps all of it
    for shape in ((3, 4), (5, 1), (2, 3, 4)):
        row, col = factored_second_moment(np.ones(shape))
        assert factored_numbers(shape) == row.size + col.size
    with pytest.raises(ValueError, match="shape"):
        factored_numbers((0, 3))
    with pytest.raises(ValueError, match="shape"):
        factored_numbers(())


def test_factored_estimate_is_exact_for_rank_one_only():
    rng = np.random.default_rng(0)
    r, c = rng.random((6, 1)) + 0.5, rng.random((1, 9)) + 0.5
    row, col = factored_second_moment(r @ c)
    assert row.shape == (6, 1) and col.shape == (1, 9)
    assert np.allclose(factored_estimate(row, col), r @ c, rtol=1e-12)
    V = rng.random((6, 9))                          # rank 6: only an estimate
    est = factored_estimate(*factored_second_moment(V))
    assert not np.allclose(est, V, rtol=0.05)
    assert np.allclose(est.sum(axis=1), V.sum(axis=1)) and np.allclose(est.sum(axis=0), V.sum(axis=0))


def test_factored_second_moment_rejects_bad_input():
    with pytest.raises(ValueError, match="grad_sq"):
        factored_second_moment(np.ones(4))
    with pytest.raises(ValueError, match="grad_sq"):
        factored_second_moment(-np.ones((2, 2)))
    with pytest.raises(ValueError, match="row"):
        factored_estimate(np.ones((1, 3)), np.ones((1, 3)))
