"""optim_lib.muon_split: Muon on every weight matrix, AdamW on the biases, stacked over runs."""

import numpy as np
import pytest

from optim_lib import AdamW, Muon
from optim_lib.muon_split import MuonAdamW, newton_schulz_stacked
from optim_lib.nn import MLP
from optim_lib.optimizers import newton_schulz


def test_stacked_newton_schulz_is_the_library_one_matrix_by_matrix():
    G = np.random.default_rng(0).standard_normal((3, 2, 5, 7))
    for shape in ((5, 7), (7, 5)):
        g = G if shape == (5, 7) else np.swapaxes(G, -1, -2)
        out = newton_schulz_stacked(g)
        for i in range(3):
            for j in range(2):
                np.testing.assert_allclose(out[i, j], newton_schulz(g[i, j]), atol=1e-13)
    with pytest.raises(ValueError, match="G must be"):
        newton_schulz_stacked(np.ones(3))


def _reference(net, w0, grads, **kw):
    """torch's practice, one network at a time: Muon on each Wᵀ (out, in), AdamW on the biases."""
    w = w0.copy()
    for s in range(len(w)):
        muons = [Muon(lr=kw["lr"], weight_decay=0.1) for _ in range(net.n_layers)]
        adamw = AdamW(lr=kw["adamw_lr"], weight_decay=0.0)
        mask = net.weight_mask()
        for dw in grads:
            for i, (W, _) in enumerate(net.unpack(w[s])):
                Wt = W.T.copy()
                muons[i].step(Wt, dw[s][net._slices[i][0]].reshape(W.shape).T.copy())
                W[...] = Wt.T
            part = w[s][~mask]
            adamw.step(part, dw[s][~mask])
            w[s][~mask] = part
    return w


def test_matches_muon_on_each_matrix_and_adamw_on_the_biases():
    net = MLP((6, 5, 3))
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((2, net.n_params))
    grads = [rng.standard_normal(w0.shape) for _ in range(4)]
    opt = MuonAdamW(net, lr=0.05, adamw_lr=0.01)
    w = w0.copy()
    for dw in grads:
        opt.step(w, dw)
    np.testing.assert_allclose(w, _reference(net, w0, grads, lr=0.05, adamw_lr=0.01), atol=1e-13)
    assert set(opt.state) == {"B0", "B1", "m", "v"}
    opt.reset()
    assert opt.state == {}


def test_per_run_rates_equal_separate_runs_and_wrong_input_is_named():
    net = MLP((4, 3, 2))
    rng = np.random.default_rng(2)
    w0 = rng.standard_normal((2, 1, net.n_params))
    grads = [rng.standard_normal(w0.shape) for _ in range(3)]
    lr = np.array([0.01, 0.1]).reshape(2, 1, 1)
    both = MuonAdamW(net, lr=lr, adamw_lr=lr, factors=np.full((3, 2), 0.5))
    w = w0.copy()
    for dw in grads:
        both.step(w, dw)
    for g in range(2):
        one = MuonAdamW(net, lr=lr[g].item() * 0.5, adamw_lr=lr[g].item() * 0.5)
        v = w0[g].copy()
        for dw in grads:
            one.step(v, dw[g])
        np.testing.assert_allclose(w[g], v, atol=1e-13)
    with pytest.raises(ValueError, match="lr must be > 0"):
        MuonAdamW(net, lr=-1)
    with pytest.raises(ValueError, match="momentum must be in"):
        MuonAdamW(net, momentum=1.0)
    with pytest.raises(TypeError, match="net must be"):
        MuonAdamW("net")
    with pytest.raises(ValueError, match="dw must have"):
        MuonAdamW(net).step(np.zeros(net.n_params), np.zeros(3))
