"""optim_lib.passes: pass counts of every rule, and the two interventions of the appendix."""

import numpy as np
import pytest

from optim_lib import OPTIMIZERS, AdamW, Adam, Momentum, fused
from optim_lib.passes import AdaGradNoRoot, PaddedMomentum, count_passes, interleaved_times


def test_pass_counts_of_the_fast_twins():
    got = {c.__name__: count_passes(fused.twin(c)()).passes for c in (*OPTIMIZERS, AdamW)}
    assert got == {"SGD": 2, "Momentum": 4, "Nesterov": 6, "AdaGrad": 7, "RMSProp": 9,
                   "Adam": 12, "AdamW": 13}


def test_reference_rules_count_their_temporaries():
    assert count_passes(Momentum()).passes == 4          # rho*v, + dw, lr*v, w -=
    ref = count_passes(Adam())
    assert ref.passes == 14 and ref.count("sqrt") == 1 and ref.count("divide") == 3


def test_which_passes_are_expensive():
    ada = count_passes(fused.AdaGrad())
    assert ada.count("sqrt") == 1 and ada.count("divide") == 1
    mom = count_passes(fused.Momentum())
    assert mom.count("sqrt") == 0 and mom.count("divide") == 0


def test_the_counter_sees_an_extra_pass():
    """A kernel with one pass more than Momentum's is counted as such (the counter can fail)."""

    class OneMore(fused.Momentum):
        def _kernel(self, w, dw, tmp, v):
            super()._kernel(w, dw, tmp, v)
            tmp += 0.0

    assert count_passes(OneMore()).passes == count_passes(fused.Momentum()).passes + 1
    assert count_passes(PaddedMomentum()).passes != count_passes(fused.Momentum()).passes


def test_padded_momentum_is_momentum_bit_for_bit_with_adagrads_passes():
    rng = np.random.default_rng(3)
    w1 = rng.standard_normal(300_001)                   # spans several chunks
    w2 = w1.copy()
    a, b = fused.Momentum(lr=0.05, rho=0.8), PaddedMomentum(lr=0.05, rho=0.8)
    for _ in range(20):
        g = rng.standard_normal(w1.size)
        a.step(w1, g)
        b.step(w2, g)
    assert np.array_equal(w1, w2)
    assert count_passes(b).passes == count_passes(fused.AdaGrad()).passes == 7


def test_adagrad_without_root_has_adagrads_passes_and_no_root():
    p = count_passes(AdaGradNoRoot())
    assert p.passes == count_passes(fused.AdaGrad()).passes
    assert p.count("sqrt") == 0 and p.count("divide") == 0
    w = np.ones(10)
    AdaGradNoRoot(lr=0.1).step(w, np.full(10, 0.5))
    assert np.all(np.isfinite(w)) and not np.allclose(w, 1.0)


def test_count_passes_leaves_the_optimizer_fresh():
    opt = fused.Adam(lr=0.01)
    count_passes(opt)
    assert opt.t == 0 and opt.m is None
    w1, w2 = np.ones(50), np.ones(50)
    g = np.linspace(-1, 1, 50)
    opt.step(w1, g)
    fused.Adam(lr=0.01).step(w2, g)
    assert np.array_equal(w1, w2) and type(opt.m) is np.ndarray


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="opt"):
        count_passes(fused.Adam)                        # the class, not an instance
    with pytest.raises(ValueError, match="n"):
        count_passes(fused.Adam(), n=0)
    with pytest.raises(ValueError, match="optimizers"):
        interleaved_times([], n=10)
    with pytest.raises(TypeError, match="optimizers"):
        interleaved_times([fused.Adam], n=10)
    with pytest.raises(ValueError, match="rounds"):
        interleaved_times([fused.Adam()], n=10, rounds=0)


def test_interleaved_times_returns_one_positive_time_each():
    times = interleaved_times([fused.SGD(), fused.Momentum()], n=10_000, rounds=2)
    assert len(times) == 2 and all(t >= 0 and np.isfinite(t) for t in times)


# --- the rules after AdamW: a matrix path for Muon, products counted apart ----------------

from optim_lib import AdamWScheduleFree, Lion, Muon


def test_pass_counts_of_the_rules_after_adamw():
    got = {c.__name__: (count_passes(c(), shape=(6, 6)).passes, count_passes(c(), shape=(6, 6)).matmuls)
           for c in (Adam, AdamW, Lion, AdamWScheduleFree, Muon)}
    assert got == {"Adam": (14, 0), "AdamW": (15, 0), "Lion": (10, 0),
                   "AdamWScheduleFree": (21, 0), "Muon": (36, 15)}
    lion = count_passes(Lion())
    assert lion.count("sign") == 1 and lion.count("sqrt") == lion.count("divide") == 0


def test_newton_schulz_is_counted_per_iteration():
    for k in (0, 1, 3):
        p = count_passes(Muon(ns_steps=k), shape=(5, 8))
        assert (p.passes, p.matmuls, p.count("norm")) == (11 + 5 * k, 3 * k, 1)
    with pytest.raises(ValueError, match="2-D"):
        count_passes(Muon(), n=16)                     # a vector is not Muon's


def test_counting_muon_leaves_its_numbers_and_numpy_alone():
    from optim_lib.optimizers import after_adamw
    opt = Muon(lr=0.02)
    count_passes(opt, shape=(4, 4))
    assert after_adamw.np is np and opt.t == 0
    rng = np.random.default_rng(1)
    w1 = rng.standard_normal((4, 6))
    w2, g = w1.copy(), rng.standard_normal((4, 6))
    opt.step(w1, g)
    Muon(lr=0.02).step(w2, g)
    assert np.array_equal(w1, w2)


def test_interleaved_times_steps_a_matrix():
    times = interleaved_times([Muon(ns_steps=1), Lion()], shape=(16, 16), rounds=1)
    assert len(times) == 2 and all(t >= 0 for t in times)
    with pytest.raises(ValueError, match="shape"):
        interleaved_times([Lion()], shape=(0, 3), rounds=1)
