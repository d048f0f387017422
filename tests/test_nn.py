"""The network of chapters 12-14 (optim_lib.nn) and its trainer (optim_lib.network_train)."""

from __future__ import annotations

import numpy as np
import pytest

from optim_lib import SGD, Adam, AdamW, Momentum
from optim_lib.data import load_digits_split
from optim_lib.gradcheck import grad_check, numeric_gradient
from optim_lib.network_train import (check_runs, digits_features,
                                     train_networks)
from optim_lib.nn import MLP, softmax_cross_entropy


@pytest.fixture(scope="module")
def data():
    return load_digits_split(seed=0)


def _batch(n=30, d=64, c=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, c, size=n)


# --- the loss -----------------------------------------------------------------------


def test_softmax_cross_entropy_golden():
    scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    loss, d = softmax_cross_entropy(scores, y)
    p0 = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    expected = -(np.log(p0[2]) + np.log(1 / 3)) / 2
    assert loss == pytest.approx(expected, rel=1e-12)
    assert np.allclose(d, (np.array([p0, [1 / 3] * 3]) - np.eye(3)[y]) / 2, atol=1e-15)


def test_softmax_cross_entropy_is_stable_for_large_scores():
    scores = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    loss, d = softmax_cross_entropy(scores, np.array([0, 0]))
    assert np.isfinite(loss) and loss == pytest.approx(500.0)
    assert np.all(np.isfinite(d))


def test_softmax_gradient_matches_numeric():
    rng = np.random.default_rng(1)
    scores, y = rng.standard_normal((6, 4)), rng.integers(0, 4, size=6)
    _, d = softmax_cross_entropy(scores, y)
    num = numeric_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores.copy())
    assert np.allclose(d, num, rtol=1e-6, atol=1e-10)


# --- the gradient, checked with the library's own grad_check -----------------------------


@pytest.mark.parametrize("sizes", [(64, 32, 10), (64, 16, 12, 10), (5, 3, 4)])
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_backprop_matches_the_centered_difference(sizes, reg):
    net = MLP(sizes)
    X, y = _batch(n=20, d=sizes[0], c=sizes[-1], seed=2)
    params = net.init(seed=5)
    params += 0.01   # biases away from 0, so ReLUs are active on both sides
    loss, grad = net.loss_and_grad(params, X, y, reg=reg)
    assert loss == pytest.approx(net.loss(params, X, y, reg=reg), rel=1e-12)
    check = grad_check(lambda p: net.loss(p, X, y, reg=reg), params, grad,
                       num_checks=min(80, net.n_params), seed=0)
    assert np.allclose(check["analytic"], check["numeric"], rtol=1e-5, atol=1e-8)
    # the whole gradient of the small net, every coordinate
    if net.n_params < 100:
        num = numeric_gradient(lambda p: net.loss(p, X, y, reg=reg), params.copy())
        assert np.allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_a_wrong_backward_pass_is_caught_by_the_check():
    """The check above can fail: drop the ReLU mask and it does."""
    net = MLP((64, 32, 10))
    X, y = _batch(seed=3)
    params = net.init(seed=1)
    _, grad = net.loss_and_grad(params, X, y)
    W1, b1 = net.unpack(params)[0]
    W2, b2 = net.unpack(params)[1]
    h = np.maximum(X @ W1 + b1, 0)
    _, d_s = softmax_cross_entropy(h @ W2 + b2, y)
    wrong = grad.copy()
    net.unpack(wrong)[0][0][...] = X.T @ (d_s @ W2.T)     # no "* (h > 0)"
    check = grad_check(lambda p: net.loss(p, X, y), params, wrong, num_checks=200, seed=0)
    assert not np.allclose(check["analytic"], check["numeric"], rtol=1e-5, atol=1e-8)


# --- layout, init, stacking ------------------------------------------------------------


def test_unpack_views_write_through_and_layout():
    net = MLP((4, 3, 2))
    assert net.n_params == 4 * 3 + 3 + 3 * 2 + 2
    params = np.zeros(net.n_params)
    (W1, b1), (W2, b2) = net.unpack(params)
    assert W1.shape == (4, 3) and b1.shape == (3,) and W2.shape == (3, 2) and b2.shape == (2,)
    W2[...] = 7.0
    assert np.count_nonzero(params) == 6


def test_init_is_seeded_and_he_scaled():
    net = MLP((64, 256, 10))
    a, b = net.init(seed=0), net.init(seed=0)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, net.init(seed=1))
    W1, b1 = net.unpack(a)[0]
    assert np.all(b1 == 0)
    assert W1.std() == pytest.approx(np.sqrt(2 / 64), rel=0.05)
    stacked = net.init(np.random.default_rng(3), n_models=3)
    rng = np.random.default_rng(3)
    assert np.array_equal(stacked, np.stack([net.init(rng) for _ in range(3)]))


def test_stacked_networks_equal_one_at_a_time():
    net = MLP((64, 32, 10))
    P = net.init(seed=0, n_models=4)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 25, 64))          # one batch per network
    y = rng.integers(0, 10, size=(4, 25))
    losses, grads = net.loss_and_grad(P, X, y, reg=0.01)
    assert losses.shape == (4,) and grads.shape == P.shape
    for i in range(4):
        loss, grad = net.loss_and_grad(P[i], X[i], y[i], reg=0.01)
        assert loss == pytest.approx(losses[i], rel=1e-12)
        assert np.allclose(grad, grads[i], rtol=1e-12, atol=1e-15)
    shared_loss, _ = net.loss_and_grad(P, X[0], y[0])   # one batch shared by all
    assert shared_loss[2] == pytest.approx(net.loss(P[2], X[0], y[0]), rel=1e-12)


def test_permute_hidden_keeps_the_function():
    net = MLP((64, 16, 8, 10))
    X, y = _batch(seed=4)
    params = net.init(seed=2)
    order = np.random.default_rng(0).permutation(16)
    q = net.permute_hidden(params, order, layer=0)
    assert not np.allclose(q, params)
    assert np.allclose(net.scores(q, X), net.scores(params, X), rtol=1e-12, atol=1e-12)
    q2 = net.permute_hidden(params, np.random.default_rng(1).permutation(8), layer=1)
    assert net.loss(q2, X, y) == pytest.approx(net.loss(params, X, y), rel=1e-12)


def test_accuracy_and_predict():
    net = MLP((3, 2, 3))
    params = np.zeros(net.n_params)
    net.unpack(params)[1][1][...] = [0.0, 1.0, 0.0]      # output bias: always class 1
    X = np.ones((4, 3))
    assert np.array_equal(net.predict(params, X), [1, 1, 1, 1])
    assert net.accuracy(params, X, np.array([1, 0, 1, 2])) == 0.5


@pytest.mark.parametrize("call, error, words", [
    (lambda: MLP((64,)), ValueError, "sizes"),
    (lambda: MLP((64, 0, 10)), ValueError, "sizes[1]"),
    (lambda: MLP((64, 2.5, 10)), ValueError, "sizes[1]"),
    (lambda: MLP(5), TypeError, "sizes"),
    (lambda: MLP((4, 2)).init(0, n_models=0), ValueError, "n_models"),
    (lambda: MLP((4, 2)).loss(np.zeros(3), np.zeros((1, 4)), np.array([0])), ValueError, "params"),
    (lambda: MLP((4, 2)).loss(np.zeros(10, int), np.zeros((1, 4)), np.array([0])), TypeError,
     "params"),
    (lambda: MLP((4, 2)).loss(np.zeros(10), np.zeros((1, 5)), np.array([0])), ValueError, "X"),
    (lambda: MLP((4, 2)).loss(np.zeros(10), np.zeros((2, 4)), np.array([0])), ValueError, "y"),
    (lambda: MLP((4, 2)).loss(np.zeros(10), np.zeros((1, 4)), np.array([2])), ValueError, "y"),
    (lambda: MLP((4, 2)).loss(np.zeros(10), np.zeros((1, 4)), np.array([0]), reg=-1), ValueError,
     "reg"),
    (lambda: MLP((4, 3, 2)).permute_hidden(np.zeros(23), [0, 0, 1]), ValueError, "order"),
    (lambda: MLP((4, 3, 2)).permute_hidden(np.zeros(23), [0, 1, 2], layer=1), ValueError,
     "layer"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        call()


# --- training many networks at once ---------------------------------------------------------


def test_stacked_training_equals_one_at_a_time(data):
    """Two optimizers x three seeds in one call == each (optimizer, seed) trained alone."""
    net = MLP((64, 16, 10))
    makers = [lambda: Adam(lr=0.01), lambda: Momentum(lr=0.1, rho=0.9)]
    together = train_networks(net, [m() for m in makers], data, seeds=(0, 3, 5), epochs=3,
                              batch_size=100, checkpoints=(1, 3), dtype=np.float64)
    for g, make in enumerate(makers):
        for s, seed in enumerate((0, 3, 5)):
            alone = train_networks(net, [make()], data, seeds=(seed,), epochs=3, batch_size=100,
                                   checkpoints=(1, 3), dtype=np.float64)
            assert np.allclose(together.params[:, g, s], alone.params[:, 0, 0],
                               rtol=1e-9, atol=1e-12)
            assert np.allclose(together.step_loss[:, g, s], alone.step_loss[:, 0, 0], rtol=1e-9)
            assert np.array_equal(together.val_acc[:, g, s], alone.val_acc[:, 0, 0])


def test_training_equals_a_plain_loop(data):
    """train_networks is the obvious minibatch loop, written out once here."""
    net = MLP((64, 8, 10))
    X, _, _ = digits_features(data)
    y = data.y_train
    runs = train_networks(net, [SGD(lr=0.2)], data, seeds=(7,), epochs=2, batch_size=128,
                          reg=0.01, dtype=np.float64)
    params = net.init(7)
    rng = np.random.default_rng(7)
    opt = SGD(lr=0.2)
    for _ in range(2):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 128):
            idx = order[start:start + 128]
            _, grad = net.loss_and_grad(params, X[idx], y[idx], reg=0.01)
            opt.step(params, grad)
    assert np.allclose(runs.params[-1, 0, 0], params, rtol=1e-10, atol=1e-12)


def test_reg_per_group_and_adamw_differ(data):
    net = MLP((64, 8, 10))
    runs = train_networks(net, [Adam(0.01), Adam(0.01), AdamW(0.01, weight_decay=0.1)], data,
                          seeds=(0,), epochs=1, reg=[0.0, 0.1, 0.0], dtype=np.float64)
    norms = np.linalg.norm(runs.params[-1, :, 0], axis=-1)
    assert norms[1] < norms[0] and norms[2] < norms[0]
    assert not np.allclose(runs.params[-1, 1], runs.params[-1, 2])


def test_divergence_is_recorded_per_network(data):
    net = MLP((64, 8, 10))
    runs = train_networks(net, [SGD(lr=1e4), SGD(lr=0.1)], data, seeds=(0, 1), epochs=2)
    assert runs.diverged[0].all() and not runs.diverged[1].any()
    assert np.all(np.isnan(runs.val_acc[:, 0])) and np.all(np.isfinite(runs.val_acc[:, 1]))
    assert np.all(np.isnan(runs.test_accuracy(data, 2, 0)))


def test_float32_is_the_default_and_close_to_float64(data):
    net = MLP((64, 8, 10))
    a = train_networks(net, [Adam(0.01)], data, seeds=(0,), epochs=2)
    b = train_networks(net, [Adam(0.01)], data, seeds=(0,), epochs=2, dtype=np.float64)
    assert a.params.dtype == np.float32
    assert np.allclose(a.epoch_loss, b.epoch_loss, rtol=1e-3)


@pytest.mark.parametrize("kw, error, words", [
    (dict(optimizers=[]), ValueError, "optimizers"),
    (dict(optimizers=["adam"]), TypeError, r"optimizers\[0\]"),
    (dict(seeds=()), ValueError, "seeds"),
    (dict(seeds=(-1,)), ValueError, "seed"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(reg=-0.1), ValueError, "reg"),
    (dict(reg=[0.1, 0.2]), ValueError, "reg"),
    (dict(checkpoints=(5,)), ValueError, "checkpoints"),
    (dict(dtype=np.int64), ValueError, "dtype"),
])
def test_train_networks_bad_input(data, kw, error, words):
    args = dict(optimizers=[SGD(0.1)], seeds=(0,), epochs=1)
    args.update(kw)
    with pytest.raises(error, match=words):
        train_networks(MLP((64, 4, 10)), args.pop("optimizers"), data, **args)


def test_check_runs_names_what_is_wrong(data):
    runs = {"SGD": train_networks(MLP((64, 4, 10)), [SGD(1e-2), SGD(1e-1)], data, seeds=(0,), epochs=1)}
    assert check_runs(runs, 2, "lrs") is runs
    with pytest.raises(ValueError, match="missing"):
        check_runs(runs, 2, "lrs", keys=("SGD", "Adam"))
    with pytest.raises(ValueError, match="3 values"):
        check_runs(runs, 3, "lrs")
    with pytest.raises(TypeError, match="NetRuns"):
        check_runs({"SGD": "x"}, 2, "lrs")
    with pytest.raises(ValueError, match="non-empty"):
        check_runs({}, 2, "lrs")


def test_train_networks_rejects_a_shared_optimizer(data):
    opt = SGD(0.1)
    with pytest.raises(ValueError, match="distinct"):
        train_networks(MLP((64, 4, 10)), [opt, opt], data, seeds=(0,), epochs=1)


def test_one_stacked_optimizer_for_all_groups(data):
    from optim_lib.search_space import search_space

    net = MLP((64, 8, 10))
    t = search_space("Adam", schedule=None).sample(3, seed=0)
    # float64: array hyperparameters (float64) would lift float32 states to float64, so the two
    # float32 trainings differ in the last bits; in float64 they agree
    kw = dict(seeds=(0, 1), epochs=1, dtype=np.float64)
    stacked = train_networks(net, t.optimizer(3), data, groups=3, **kw)
    one_each = train_networks(net, [t.single(i) for i in range(3)], data, **kw)
    assert np.allclose(stacked.params, one_each.params, rtol=1e-12, atol=1e-15)
    assert np.array_equal(stacked.diverged_at, one_each.diverged_at)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        train_networks(net, t.optimizer(3), data, seeds=(0,), epochs=1, groups=0)
