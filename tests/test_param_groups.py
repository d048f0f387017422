"""Parameter groups (optim_lib.param_groups) and the network's weight mask (optim_lib.nn)."""

from __future__ import annotations

import numpy as np
import pytest

from optim_lib import Adam, AdamW, SGD
from optim_lib.nn import MLP
from optim_lib.param_groups import ParamGroups, exclude_from_decay


def _run(opt, w, grads):
    w = w.copy()
    for g in grads:
        opt.step(w, g)
    return w


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    net = MLP((5, 4, 3))
    w = rng.standard_normal((2, net.n_params))          # two stacked networks
    grads = rng.standard_normal((6, 2, net.n_params))
    return net, w, grads


def test_weight_mask_marks_the_weights_not_the_biases():
    net = MLP((5, 4, 3))
    mask = net.weight_mask()
    assert mask.shape == (net.n_params,) and mask.sum() == 5 * 4 + 4 * 3
    params = np.arange(net.n_params, dtype=float)
    (W1, b1), (W2, b2) = net.unpack(params)
    assert set(params[~mask]) == set(b1) | set(b2)
    assert set(params[mask]) == set(W1.ravel()) | set(W2.ravel())


def test_one_group_is_the_plain_optimizer(problem):
    net, w, grads = problem
    whole = ParamGroups([(np.ones(net.n_params, bool), AdamW(0.1, weight_decay=0.5))])
    assert np.allclose(_run(whole, w, grads), _run(AdamW(0.1, weight_decay=0.5), w, grads),
                       rtol=0, atol=1e-15)


def test_exclude_from_decay_leaves_the_biases_undecayed(problem):
    net, w, grads = problem
    mask = net.weight_mask()
    out = _run(exclude_from_decay(AdamW(0.1, weight_decay=0.5), ~mask), w, grads)
    decayed = _run(AdamW(0.1, weight_decay=0.5), w, grads)
    plain = _run(Adam(0.1), w, grads)
    assert np.allclose(out[..., mask], decayed[..., mask], rtol=0, atol=1e-15)
    assert np.allclose(out[..., ~mask], plain[..., ~mask], rtol=0, atol=1e-15)
    # The check can fail: AdamW on everything decays the biases too.
    assert not np.allclose(decayed[..., ~mask], plain[..., ~mask], rtol=0, atol=1e-6)


def test_reset_forgets_every_group(problem):
    net, w, grads = problem
    opt = exclude_from_decay(AdamW(0.1, weight_decay=0.5), ~net.weight_mask())
    first = _run(opt, w, grads)
    opt.reset()
    assert np.array_equal(_run(opt, w, grads), first)


def test_lookup_by_learning_rate_sees_the_first_group():
    opt = exclude_from_decay(AdamW(0.03, weight_decay=0.1), np.array([True, False]))
    assert opt.hyperparams["lr"] == 0.03 and opt.hyperparams["weight_decay"] == 0.1


def test_bad_input_is_named():
    m = np.array([True, False, True])
    with pytest.raises(ValueError, match="exactly once"):
        ParamGroups([(m, SGD(0.1)), (m, SGD(0.1))])
    with pytest.raises(ValueError, match="exactly once"):
        ParamGroups([(m, SGD(0.1))])
    with pytest.raises(ValueError, match="boolean"):
        ParamGroups([(np.array([1, 0, 1]), SGD(0.1))])
    with pytest.raises(ValueError, match="entries"):
        ParamGroups([(m, SGD(0.1)), (np.array([False, True]), SGD(0.1))])
    with pytest.raises(ValueError, match="at least one"):
        ParamGroups([])
    opt = SGD(0.1)
    with pytest.raises(ValueError, match="distinct"):
        ParamGroups([(m, opt), (~m, opt)])
    with pytest.raises(TypeError, match="weight_decay"):
        exclude_from_decay(Adam(0.1), m)
    with pytest.raises(ValueError, match="no_decay_mask"):
        exclude_from_decay(AdamW(0.1), [0, 1, 0])
    groups = ParamGroups([(m, SGD(0.1)), (~m, SGD(0.1))])
    with pytest.raises(ValueError, match="dw must have"):
        groups.step(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="float"):
        groups.step(np.zeros(3, int), np.zeros(3))


def test_netruns_select_keeps_the_chosen_groups():
    from optim_lib.data import load_digits_split
    from optim_lib.network_train import train_networks
    net = MLP((64, 4, 10))
    runs = train_networks(net, [SGD(0.1), SGD(0.01), SGD(0.001)], load_digits_split(seed=0),
                          seeds=(0, 1), epochs=1, batch_size=512)
    sub = runs.select([2, 0])
    assert np.array_equal(sub.params[:, 0], runs.params[:, 2])
    assert np.array_equal(sub.val_acc[:, 1], runs.val_acc[:, 0])
    assert sub.epoch_loss.shape == (1, 2, 2) and sub.diverged_at.shape == (2, 2)
    with pytest.raises(ValueError, match="groups"):
        runs.select([3])
    with pytest.raises(ValueError, match="groups"):
        runs.select([])
