"""optim_lib.nonstationary.run_phases and optim_lib.landscapes.shifted."""

import numpy as np
import pytest

from optim_lib import AdaGrad, RMSProp, SGD
from optim_lib.gradcheck import numeric_gradient, relative_error
from optim_lib.landscapes import ill_conditioned_bowl, shifted, rotated
from optim_lib.nonstationary import run_phases
from optim_lib.train import run_landscape


def test_shifted_moves_the_minimum_and_scales_values_and_gradients():
    bowl = ill_conditioned_bowl(10)
    s = shifted(bowl, (1.0, -0.5), scale=0.1)
    assert s.minima[0] == (1.0, -0.5) and s.min_value == 0.0
    p = np.array([0.3, 0.7])
    assert np.isclose(s(p), 0.1 * bowl(p - [1.0, -0.5]))
    assert relative_error(s.grad(p), numeric_gradient(s, p.copy(), h=1e-5)).max() < 1e-7
    X, Y, Z = s.grid(20)
    assert Z.shape == (20, 20) and np.isclose(Z.min(), 0, atol=0.1)
    assert s.start == bowl.start


@pytest.mark.parametrize("kw, word", [(dict(offset=(1.0,)), "offset"),
                                      (dict(offset=(np.nan, 0.0)), "offset"),
                                      (dict(offset=(0.0, 0.0), scale=0.0), "scale"),
                                      (dict(offset=(0.0, 0.0), scale=-1.0), "scale")])
def test_shifted_rejects_bad_input(kw, word):
    with pytest.raises(ValueError, match=word):
        shifted(ill_conditioned_bowl(10), **kw)


def test_one_phase_equals_run_landscape():
    bowl = ill_conditioned_bowl(10)
    a = run_phases(AdaGrad(lr=0.3), [(bowl, 50)])
    b = run_landscape(AdaGrad(lr=0.3), bowl, steps=50)
    assert np.array_equal(a.path, b.path) and np.allclose(a.losses, b.losses)


def test_state_carries_over_and_gaps_use_each_phase():
    bowl = ill_conditioned_bowl(10)
    after = shifted(bowl, (1.0, 1.0), scale=0.5)
    run = run_phases(AdaGrad(lr=0.3), [(bowl, 30), (after, 20)])
    assert run.path.shape == (51, 2) and not run.diverged
    # phase 2 measured on the moved landscape, from where phase 1 ended
    assert np.isclose(run.losses[31], after(run.path[31]) - after.min_value)
    # a restarted AdaGrad differs from one that carries its sum over
    fresh = run_landscape(AdaGrad(lr=0.3), after, steps=20, start=run.path[30])
    assert not np.allclose(fresh.path, run.path[30:])
    # SGD has no state: carrying on equals restarting
    s = run_phases(SGD(lr=0.05), [(bowl, 30), (after, 20)])
    s2 = run_landscape(SGD(lr=0.05), after, steps=20, start=s.path[30])
    assert np.allclose(s2.path, s.path[30:])


def test_adagrad_cannot_recover_where_rmsprop_can():
    bowl = ill_conditioned_bowl(50)
    after = shifted(bowl, (1.8, -0.6), scale=0.01)
    ada = run_phases(AdaGrad(lr=0.3), [(bowl, 200), (after, 500)])
    rms = run_phases(RMSProp(lr=0.03, decay=0.99), [(bowl, 200), (after, 500)])
    assert rms.losses[-1] < 1e-3 * ada.losses[-1]


def test_divergence_is_reported():
    bowl = ill_conditioned_bowl(50)
    run = run_phases(SGD(lr=0.01), [(bowl, 10), (bowl, 50)])
    assert not run.diverged
    run = run_phases(SGD(lr=0.01), [(bowl, 10), (shifted(bowl, (0.0, 0.0), scale=1e3), 50)])
    assert run.diverged and run.diverged_at > 10


@pytest.mark.parametrize("phases", [[], [(ill_conditioned_bowl(10), 0)],
                                    [ill_conditioned_bowl(10)]])
def test_bad_phases_are_refused(phases):
    with pytest.raises(ValueError, match="phases"):
        run_phases(SGD(lr=0.1), phases)
